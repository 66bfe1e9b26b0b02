"""ctx.request (Werkzeug) holds the body limits ctx.request_body holds, whichever way a handler reads the body.

Before: ``ctx.request.get_json()`` read a 50 MB body that ``ctx.request_body`` refused with 413.
Over gunicorn, the same in tests/integration/test_bodies.py.
"""

from __future__ import annotations

import io

import pytest
from werkzeug.test import EnvironBuilder

from minikoa import App
from minikoa.http.body import BodyLimits
from tests.http.test_bodystream import ServerStream, call, environ

LIMITS = BodyLimits(json=1000, form=500, text=300, multipart_file=2000, multipart_total=5000)


@pytest.fixture
def app() -> App:
    app = App(body_limits=LIMITS)

    @app.post("/json")
    def get_json(ctx):
        return {"json": ctx.request.get_json()}

    @app.post("/json-silent")
    def get_json_silent(ctx):
        return {"json": ctx.request.get_json(silent=True)}

    @app.post("/data")
    def get_data(ctx):
        return {"size": len(ctx.request.get_data())}

    @app.post("/form")
    def form(ctx):
        files = {k: v.read().decode() for k, v in ctx.request.files.items()}
        return {"form": ctx.request.form.to_dict(), "files": files}

    @app.post("/stream")
    def stream(ctx):
        return {"size": len(ctx.request.stream.read())}

    @app.post("/both")
    def both(ctx):
        raw = ctx.request.get_data(as_text=True)
        return {"raw": raw, "parsed": ctx.request_body}

    @app.post("/raise-limit")
    def raise_limit(ctx):
        ctx.request.max_content_length = 10_000
        return {"size": len(ctx.request.get_data())}

    return app


def too_large(res) -> bool:
    return res.status_code == 413 and res.json == {
        "data": None, "error": {"status": 413, "name": "PayloadTooLargeError", "message": "request entity too large"}}


@pytest.mark.parametrize("path", ["/json", "/json-silent", "/data", "/stream", "/form"])
def test_a_json_body_over_the_json_limit_is_413_however_it_is_read(app, path):
    client = app.test_client()
    assert client.post(path, data=b'"' + b"x" * 998 + b'"', content_type="application/json").status_code == 200
    assert too_large(client.post(path, data=b'"' + b"x" * 999 + b'"', content_type="application/json"))


@pytest.mark.parametrize("path", ["/json", "/data", "/stream"])
def test_a_chunked_body_over_the_limit_is_413_after_limit_plus_one_bytes(app, path):
    stream = ServerStream(b'"' + b"x" * 50_000 + b'"')
    status, body = call(app, environ(stream, chunked=True, path=path))
    assert status == 413 and body["error"]["message"] == "request entity too large"
    assert stream.consumed == 1001


def test_a_declared_length_over_the_limit_is_413_before_reading(app):
    stream = ServerStream(b"x" * 50_000)
    status, _ = call(app, environ(stream, length=50_000, path="/json"))
    assert status == 413 and stream.consumed == 0


@pytest.mark.parametrize("content_type, size, limit", [
    ("application/x-www-form-urlencoded", 500, "form"),
    ("text/plain", 300, "text"),
    ("application/octet-stream", 1000, "the largest in-memory one"),
    ("application/vnd.api+json", 1000, "json"),
])
def test_each_type_gets_its_limit(app, content_type, size, limit):
    client = app.test_client()
    assert client.post("/data", data=b"a" * size, content_type=content_type).json == {"size": size}, limit
    assert too_large(client.post("/data", data=b"a" * (size + 1), content_type=content_type)), limit


def test_form_over_the_form_limit_is_413(app):
    client = app.test_client()
    assert client.post("/form", data={"a": "x" * 400}).json["form"] == {"a": "x" * 400}
    assert too_large(client.post("/form", data={"a": "x" * 600}))


def test_multipart_files_over_the_file_limit_are_413_while_parsing(app):
    client = app.test_client()
    ok = client.post("/form", data={"f": (io.BytesIO(b"a" * 2000), "f.txt")})
    assert ok.status_code == 200 and ok.json["files"] == {"f": "a" * 2000}
    res = client.post("/form", data={"f": (io.BytesIO(b"a" * 2001), "f.txt")})
    assert res.status_code == 413 and res.json["error"]["message"] == "File 'f.txt' is larger than the limit"


def test_a_multipart_body_over_the_total_is_413(app):
    files = {f"f{i}": (io.BytesIO(b"a" * 1500), f"{i}.txt") for i in range(4)}
    assert too_large(app.test_client().post("/form", data=files))


def test_too_many_parts_is_413_in_strapis_words(app):
    app.body_limits = BodyLimits(multipart_total=10**7)
    fields: dict = {f"k{i}": "v" for i in range(1000)}
    ok = app.test_client().post("/form", data=fields, content_type="multipart/form-data")
    assert ok.status_code == 200 and len(ok.json["form"]) == 1000
    res = app.test_client().post("/form", data={**fields, "one-more": "v"}, content_type="multipart/form-data")
    assert too_large(res)


@pytest.mark.parametrize("raw, message", [
    (b'{"a":"\\ud800"}', "Malformed JSON body: a string holds the lone surrogate \\ud800, which is not a Unicode "
                         "character"),
    (b'{"a":NaN}', "Malformed JSON body: NaN is not a JSON value"),
    (b"[" * 100_000, "Malformed JSON body: nested too deeply"),
    (b"{bad", "Malformed JSON body: Expecting property name enclosed in double quotes at position 1"),
], ids=["lone-surrogate", "nan", "deep", "syntax"])
def test_get_json_refuses_what_request_body_refuses(raw, message):
    app = App()
    app.post("/json")(lambda ctx: {"json": ctx.request.get_json()})
    res = app.test_client().post("/json", data=raw, content_type="application/json")
    assert res.status_code == 400
    assert res.json["error"] == {"status": 400, "name": "SyntaxError", "message": message}


def test_get_json_silent_gives_none_for_bad_json(app):
    res = app.test_client().post("/json-silent", data=b'{"a":NaN}', content_type="application/json")
    assert res.json == {"json": None}


def test_framing_errors_reach_werkzeug_reads_too(app):
    status, body = call(app, environ(ServerStream(b'{"a":1}'), length=100, path="/json"))
    assert status == 400 and body["error"]["message"].startswith("Incomplete request body")
    stream = ServerStream(b"[1,2" * 10, fail_after=5, error=OSError("No more data"))
    status, body = call(app, environ(stream, chunked=True, path="/data"))
    assert status == 400 and body["error"]["message"].startswith("Malformed request body")


def test_werkzeug_first_then_request_body_share_one_read(app):
    res = app.test_client().post("/both", json={"a": 1})
    assert res.json == {"raw": '{"a": 1}', "parsed": {"a": 1}}


def test_a_handler_may_raise_the_limit_before_reading(app):
    assert app.test_client().post("/raise-limit", data=b"a" * 5000,
                                  content_type="application/octet-stream").json == {"size": 5000}


def test_the_request_class_still_builds_from_an_environ_alone():
    from minikoa.http.request import Request

    request = Request(EnvironBuilder(method="POST", data=b'{"a":1}', content_type="application/json").get_environ())
    assert request.get_json() == {"a": 1} and request.max_content_length == 1024 * 1024
