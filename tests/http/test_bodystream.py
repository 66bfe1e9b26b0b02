"""Reading a body off the wire: framing errors, short bodies, limits and Content-Encoding, in-process.

The same cases over a real gunicorn are in tests/integration/test_bodies.py.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib

import pytest
from werkzeug.test import EnvironBuilder

from minikoa import App
from minikoa.errors import PayloadTooLargeError
from minikoa.http.body import BodyLimits
from minikoa.http.bodystream import BodyStream


class ServerStream(io.BytesIO):
    """A server's wsgi.input: counts what is read, and can fail as gunicorn does on bad chunks."""

    def __init__(self, data: bytes, fail_after: int | None = None, error: BaseException | None = None) -> None:
        super().__init__(data)
        self.consumed = 0
        self.fail_after = fail_after
        self.error = error or OSError("No more data")

    def read(self, size: int | None = -1) -> bytes:
        if self.fail_after is not None and self.consumed >= self.fail_after:
            raise self.error
        chunk = super().read(size)
        self.consumed += len(chunk)
        return chunk


class InvalidChunkSize(Exception):
    """Like gunicorn's, which is not an OSError: caught for what it does, not for its class."""


def environ(stream: io.BytesIO, *, length: int | None = None, chunked: bool = False, encoding: str | None = None,
            path: str = "/echo") -> dict:
    env = EnvironBuilder(method="POST", path=path, content_type="application/json").get_environ()
    env.pop("CONTENT_LENGTH", None)
    env["wsgi.input"] = stream
    if length is not None:
        env["CONTENT_LENGTH"] = str(length)
    if chunked:
        env["HTTP_TRANSFER_ENCODING"] = "chunked"
        env["wsgi.input_terminated"] = True
    if encoding is not None:
        env["HTTP_CONTENT_ENCODING"] = encoding
    return env


def call(app: App, env: dict) -> tuple[int, dict]:
    status: list[str] = []
    body = b"".join(app(env, lambda s, h, e=None: status.append(s)))
    return int(status[0].split()[0]), json.loads(body)


@pytest.fixture
def echo_app() -> App:
    app = App(body_limits=BodyLimits(json=1000))

    @app.post("/echo")
    def echo(ctx):
        return {"body": ctx.request_body}

    @app.post("/ignore")
    def ignore(ctx):
        return {"ok": True}

    return app


# -- framing ------------------------------------------------------------------------------------------


def test_a_body_shorter_than_its_content_length_is_400(echo_app):
    status, body = call(echo_app, environ(ServerStream(b'{"a":1}'), length=100))
    assert status == 400
    assert body["error"] == {"status": 400, "name": "BadRequestError",
                             "message": "Incomplete request body: 7 of the 100 bytes its Content-Length declares "
                                        "arrived"}


@pytest.mark.parametrize("error", [OSError("No more data"), InvalidChunkSize("zz"), ValueError("bad")],
                         ids=["os-error", "server-class", "value-error"])
def test_an_exception_from_the_server_stream_is_400(echo_app, error):
    stream = ServerStream(b'{"a":' + b"1" * 50, fail_after=10, error=error)
    status, body = call(echo_app, environ(stream, chunked=True))
    assert status == 400 and body["error"]["name"] == "BadRequestError"
    assert body["error"]["message"].startswith("Malformed request body: it could not be read")


def test_memory_errors_and_http_errors_from_the_stream_are_not_disguised():
    env = environ(ServerStream(b"x" * 10, fail_after=0, error=MemoryError()), chunked=True)
    with pytest.raises(MemoryError):
        BodyStream(env, 100).readall()
    env = environ(ServerStream(b"x" * 10, fail_after=0, error=PayloadTooLargeError("from a proxy")), chunked=True)
    with pytest.raises(PayloadTooLargeError, match="from a proxy"):
        BodyStream(env, 100).readall()


def test_a_body_nobody_reads_is_not_read(echo_app):
    stream = ServerStream(b"zz\r\n", fail_after=0, error=InvalidChunkSize("zz"))
    assert call(echo_app, environ(stream, chunked=True, path="/ignore")) == (200, {"ok": True})


def test_without_length_or_a_server_ended_stream_the_body_is_empty():
    # No Content-Length and no wsgi.input_terminated: a read could wait forever, so nothing is read.
    stream = ServerStream(b'{"a":1}')
    env = environ(stream)
    env.pop("wsgi.input_terminated", None)
    assert BodyStream(env, 100).readall() == b"" and stream.consumed == 0


# -- limits -------------------------------------------------------------------------------------------


def test_a_declared_length_over_the_limit_is_413_before_reading():
    stream = ServerStream(b"x" * 5000)
    with pytest.raises(PayloadTooLargeError):
        BodyStream(environ(stream, length=5000), 1000)
    assert stream.consumed == 0


def test_a_chunked_body_over_the_limit_is_413_after_limit_plus_one_bytes():
    stream = ServerStream(b"x" * 5000)
    reader = BodyStream(environ(stream, chunked=True), 1000)
    with pytest.raises(PayloadTooLargeError) as info:
        reader.readall()
    assert stream.consumed == 1001
    assert info.value.message == "request entity too large" and info.value.details is None


def test_exactly_the_limit_passes():
    assert BodyStream(environ(ServerStream(b"x" * 1000), chunked=True), 1000).readall() == b"x" * 1000
    assert BodyStream(environ(ServerStream(b"x" * 1000), length=1000), 1000).readall() == b"x" * 1000


# -- Content-Encoding ---------------------------------------------------------------------------------


def test_gzip_and_deflate_bodies_are_decoded(echo_app):
    for encoding, data in (("gzip", gzip.compress(b'{"a":[1,2]}')), ("deflate", zlib.compress(b'{"a":[1,2]}')),
                           ("GZip", gzip.compress(b'{"a":[1,2]}')), ("identity", b'{"a":[1,2]}')):
        status, body = call(echo_app, environ(ServerStream(data), length=len(data), encoding=encoding))
        assert (status, body) == (200, {"body": {"a": [1, 2]}}), encoding


def test_concatenated_gzip_members_are_one_body():
    data = gzip.compress(b'{"a":') + gzip.compress(b"1}")
    assert BodyStream(environ(ServerStream(data), chunked=True, encoding="gzip"), 100).readall() == b'{"a":1}'


@pytest.mark.parametrize("encoding", ["br", "compress", "gzip, br", "gzip, gzip", "x" * 200])
def test_other_encodings_are_415_naming_them(echo_app, encoding):
    status, body = call(echo_app, environ(ServerStream(b"{}"), length=2, encoding=encoding))
    assert status == 415 and body["error"]["name"] == "UnsupportedMediaTypeError"
    shown = encoding if len(encoding) <= 50 else encoding[:47] + "..."
    assert body["error"]["message"] == f"Unsupported Content-Encoding: {shown}"


@pytest.mark.parametrize("data, message", [
    (b"not gzip at all", "Malformed request body: not valid gzip data"),
    (gzip.compress(b'{"a":1}')[:-12], "Malformed request body: the gzip data ends too soon"),
    (gzip.compress(b'{"a":1}') + b"trailing", "Malformed request body: not valid gzip data"),
], ids=["garbage", "truncated", "trailing-garbage"])
def test_bad_compressed_data_is_400(echo_app, data, message):
    status, body = call(echo_app, environ(ServerStream(data), length=len(data), encoding="gzip"))
    assert status == 400 and body["error"]["message"] == message


def test_an_empty_body_with_an_encoding_is_empty(echo_app):
    assert call(echo_app, environ(ServerStream(b""), length=0, encoding="gzip")) == (200, {"body": {}})


def test_a_decompression_bomb_stops_at_the_limit():
    bomb = gzip.compress(b"\0" * (10 * 1024 * 1024)) * 50  # 500 MB of zeros in about 500 kB
    stream = ServerStream(bomb)
    reader = BodyStream(environ(stream, length=len(bomb), encoding="gzip"), 1024 * 1024)
    with pytest.raises(PayloadTooLargeError):
        reader.readall()
    assert stream.consumed < len(bomb) // 2  # stopped once 1 MB came out, long before the end


def test_compressed_bytes_count_against_the_limit_too():
    data = gzip.compress(bytes(range(256)) * 100)
    with pytest.raises(PayloadTooLargeError):
        BodyStream(environ(ServerStream(data), length=len(data), encoding="gzip"), len(data) - 1)


def test_the_replayed_body_is_the_decoded_one(app, client):
    @app.post("/")
    def handler(ctx):
        first = ctx.request_body
        return {"parsed": first, "raw": ctx.request.get_data(as_text=True),
                "encoding": ctx.get("Content-Encoding")}

    res = client.post("/", data=gzip.compress(b'{"a":1}'), content_type="application/json",
                      headers={"Content-Encoding": "gzip"})
    assert res.json == {"parsed": {"a": 1}, "raw": '{"a":1}', "encoding": None}
