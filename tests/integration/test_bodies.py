"""Request bodies over a real gunicorn, sent byte for byte on raw sockets: framing, limits, encodings.

Before: a chunked body with a bad chunk size, a huge chunk size or no terminating chunk was a 500
(gunicorn raises its own exceptions from ``wsgi.input.read()``); a Content-Length longer than the
body (the client half-closes) was read as the short body; an unknown Content-Encoding was read as
if there were none; and ``ctx.request.get_json()`` read bodies of any size. Now: 400, 400, 415
and 413 in Strapi's error shape.

Socket timeouts here are hang detectors, never speed checks.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import textwrap

import pytest

from tests.conftest import ROOT, Server

APP = textwrap.dedent("""
    from minikoa import App
    from minikoa.http import BodyLimits

    app = App(body_limits=BodyLimits(json=1000, form=500, text=300, multipart_file=2000, multipart_total=5000))

    @app.post("/echo")
    def echo(ctx):
        return {"body": ctx.request_body}

    @app.post("/werkzeug/json")
    def werkzeug_json(ctx):
        return {"json": ctx.request.get_json()}

    @app.post("/werkzeug/data")
    def werkzeug_data(ctx):
        return {"size": len(ctx.request.get_data())}

    @app.post("/werkzeug/form")
    def werkzeug_form(ctx):
        return {"form": ctx.request.form.to_dict(),
                "files": {name: len(f.read()) for name, f in ctx.request.files.items()}}

    @app.post("/ignore")
    def ignore(ctx):
        return {"ok": True}
""")

HANG = 60  # seconds: a hang detector


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bodies")
    (folder / "bodyapp.py").write_text(APP)
    server = Server("bodyapp:app", env={"PYTHONPATH": f"{folder}{os.pathsep}{ROOT}"})
    yield server
    server.stop()


def exchange(server: Server, head: str, body: bytes = b"", half_close: bool = True) -> tuple[int, dict]:
    """Send ``head`` (request line and headers) and ``body`` as they are; the status and JSON answer.

    ``half_close``: shut our sending side once all is sent, as a client that has no more to say.
    """
    request = head.replace("\n", "\r\n").encode("latin-1") + b"\r\n" + body
    with socket.create_connection(("127.0.0.1", server.port), timeout=HANG) as sock:
        try:
            sock.sendall(request)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before reading it all: its answer is still there to read
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    status_line, _, rest = received.partition(b"\r\n")
    _, _, payload = rest.partition(b"\r\n\r\n")
    return int(status_line.split()[1]), json.loads(payload)


def post(path: str, *headers: str) -> str:
    return "\n".join([f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers, ""])


JSON = "Content-Type: application/json"
CHUNKED = "Transfer-Encoding: chunked"


def error(status: int, name: str, message: str) -> dict:
    return {"data": None, "error": {"status": status, "name": name, "message": message}}


UNREADABLE = error(400, "BadRequestError",
                   "Malformed request body: it could not be read (bad chunked encoding, or the connection broke)")
TOO_LARGE = error(413, "PayloadTooLargeError", "request entity too large")


# -- framing ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/echo", "/werkzeug/json", "/werkzeug/data"])
@pytest.mark.parametrize("chunks", [
    b"zz\r\n{}\r\n0\r\n\r\n",                       # a chunk size that is not hex
    b"ffffffffffffffffffff\r\n{}",                   # a chunk size far past anything that follows
    b"2\r\n{}\r\n",                                  # no terminating chunk
    b"2\r\n{}XX3\r\n",                               # a chunk without its CRLF
], ids=["bad-size", "huge-size", "no-last-chunk", "no-chunk-terminator"])
def test_broken_chunked_framing_is_400(server, path, chunks):
    assert exchange(server, post(path, JSON, CHUNKED), chunks) == (400, UNREADABLE)


@pytest.mark.parametrize("path", ["/echo", "/werkzeug/json", "/werkzeug/data"])
def test_a_body_shorter_than_its_content_length_is_400(server, path):
    status, body = exchange(server, post(path, JSON, "Content-Length: 100"), b'{"a":1}')
    assert (status, body) == (400, error(400, "BadRequestError", "Incomplete request body: 7 of the 100 bytes its "
                                                                 "Content-Length declares arrived"))


def test_well_framed_bodies_still_pass(server):
    assert exchange(server, post("/echo", JSON, CHUNKED), b'3\r\n{"a\r\n4\r\n":1}\r\n0\r\n\r\n') == (
        200, {"body": {"a": 1}})
    assert exchange(server, post("/echo", JSON, "Content-Length: 7"), b'{"a":1}') == (200, {"body": {"a": 1}})


def test_a_body_nobody_reads_is_not_read(server):
    assert exchange(server, post("/ignore", JSON, CHUNKED), b"zz\r\n") == (200, {"ok": True})


# -- Content-Encoding ---------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["br", "compress", "gzip, br"])
def test_an_encoding_that_cannot_be_decoded_is_415(server, encoding):
    status, body = exchange(server, post("/echo", JSON, "Content-Length: 2", f"Content-Encoding: {encoding}"), b"{}")
    assert (status, body) == (415, {"data": None, "error": {
        "status": 415, "name": "UnsupportedMediaTypeError", "message": f"Unsupported Content-Encoding: {encoding}",
        "details": {}}})


@pytest.mark.parametrize("path, answer", [("/echo", {"body": {"a": [1]}}), ("/werkzeug/json", {"json": {"a": [1]}})])
def test_gzip_bodies_are_decoded(server, path, answer):
    data = gzip.compress(b'{"a":[1]}')
    headers = post(path, JSON, f"Content-Length: {len(data)}", "Content-Encoding: gzip")
    assert exchange(server, headers, data) == (200, answer)


def test_a_decompression_bomb_is_413(server):
    bomb = gzip.compress(b" " * 100_000)  # 100 kB of JSON whitespace in a few hundred bytes; the limit is 1000
    headers = post("/echo", JSON, f"Content-Length: {len(bomb)}", "Content-Encoding: gzip")
    assert exchange(server, headers, bomb) == (413, TOO_LARGE)


# -- ctx.request holds the limits ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/echo", "/werkzeug/json", "/werkzeug/data"])
def test_a_declared_length_over_the_limit_is_413_without_sending_the_body(server, path):
    assert exchange(server, post(path, JSON, f"Content-Length: {50 * 1024 * 1024}"), half_close=False) == (
        413, TOO_LARGE)


@pytest.mark.parametrize("path", ["/echo", "/werkzeug/json", "/werkzeug/data"])
def test_a_chunked_body_over_the_limit_is_413(server, path):
    body = b"bb8\r\n" + b'"' + b"x" * 2998 + b'"' + b"\r\n0\r\n\r\n"  # 3000 bytes; the limit is 1000
    assert exchange(server, post(path, JSON, CHUNKED), body) == (413, TOO_LARGE)


def test_form_and_files_through_werkzeug_hold_their_limits(server):
    form = b"a=" + b"x" * 600
    headers = post("/werkzeug/form", "Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(form)}")
    assert exchange(server, headers, form) == (413, TOO_LARGE)

    def multipart(size: int) -> tuple[str, bytes]:
        body = (b"--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\n\r\n"
                + b"a" * size + b"\r\n--b--\r\n")
        return post("/werkzeug/form", "Content-Type: multipart/form-data; boundary=b",
                    f"Content-Length: {len(body)}"), body

    assert exchange(server, *multipart(2000)) == (200, {"form": {}, "files": {"f": 2000}})
    status, answer = exchange(server, *multipart(2001))
    assert status == 413 and answer["error"]["message"] == "File 'f.txt' is larger than the limit"


def test_a_lone_surrogate_is_400_over_gunicorn_too(server):
    body = b'{"t":"\\ud800"}'
    status, answer = exchange(server, post("/werkzeug/json", JSON, f"Content-Length: {len(body)}"), body)
    assert status == 400 and answer["error"]["name"] == "SyntaxError"
    assert "lone surrogate" in answer["error"]["message"]
