"""Request bodies: kinds, limits, malformed input."""

from __future__ import annotations

import io
import json

import pytest
from werkzeug.test import EnvironBuilder

from minikoa import App, core_router
from minikoa.http.body import BodyLimits


@pytest.fixture
def echo(app):
    @app.post("/echo")
    def handler(ctx):
        files = {k: (v.filename, v.read().decode()) for k, v in ctx.files.items()}
        return {"body": ctx.request_body, "files": files}
    return app.test_client()


def test_json(echo):
    assert echo.post("/echo", json={"a": [1, {"b": None}]}).json["body"] == {"a": [1, {"b": None}]}
    res = echo.post("/echo", data=b'{"x":1}', content_type="application/vnd.api+json")
    assert res.json["body"] == {"x": 1}


def test_empty_json_body_is_an_empty_object(echo):
    assert echo.post("/echo", data=b"", content_type="application/json").json["body"] == {}


@pytest.mark.parametrize("raw", [b'{"data":{"title":', b"{bad}", b"\xff\xfe", b"[" * 100000])
def test_malformed_json_is_400_syntax_error(echo, raw):
    res = echo.post("/echo", data=raw, content_type="application/json")
    assert res.status_code == 400
    error = res.json["error"]
    assert error["name"] == "SyntaxError" and error["message"].startswith("Malformed JSON body")
    assert "details" not in error


def test_form_uses_qs_rules(echo):
    res = echo.post("/echo", data="data[title]=x&tags[]=a&tags[]=b",
                    content_type="application/x-www-form-urlencoded")
    assert res.json["body"] == {"data": {"title": "x"}, "tags": ["a", "b"]}


def test_text(echo):
    res = echo.post("/echo", data="h\u00e9".encode(), content_type="text/plain; charset=utf-8")
    assert res.json["body"] == "h\u00e9"


def test_multipart_fields_and_files(echo):
    res = echo.post("/echo", data={"title": "t", "file": (io.BytesIO(b"content"), "a.txt")})
    assert res.json == {"body": {"title": "t"}, "files": {"file": ["a.txt", "content"]}}


def test_unknown_type_is_415_and_no_body_is_none(echo):
    res = echo.post("/echo", data=b"x", content_type="application/x-thing")
    assert res.status_code == 415 and res.json["error"]["name"] == "UnsupportedMediaTypeError"
    res = echo.post("/echo", data=b"x", headers={"Content-Type": ""})
    assert res.status_code == 415
    assert echo.post("/echo").json["body"] is None
    assert echo.post("/echo", data=b"", content_type="application/x-thing").json["body"] is None


def test_limits_give_413():
    app = App(body_limits=BodyLimits(json=100, form=50, text=10, multipart_file=5, multipart_total=1000))

    @app.post("/")
    def handler(ctx):
        ctx.files  # noqa: B018
        return {"ok": ctx.request_body is not None}

    client = app.test_client()
    assert client.post("/", data=b'{"a":"' + b"x" * 92 + b'"}', content_type="application/json").status_code == 200
    res = client.post("/", data=b'{"a":"' + b"x" * 93 + b'"}', content_type="application/json")
    assert res.status_code == 413 and res.json["error"]["name"] == "PayloadTooLargeError"
    assert client.post("/", data="a=" + "x" * 60, content_type="application/x-www-form-urlencoded").status_code == 413
    assert client.post("/", data="x" * 11, content_type="text/plain").status_code == 413
    assert client.post("/", data={"f": (io.BytesIO(b"123456"), "f.txt")}).status_code == 413


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        chunk = super().read(size)
        self.consumed += len(chunk)
        return chunk


def _call(app: App, environ: dict) -> tuple[str, bytes]:
    status = []
    body = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    return status[0], body


def test_nothing_is_read_beyond_the_limit():
    app = App(body_limits=BodyLimits(json=1000))
    app.post("/")(lambda ctx: {"n": len(str(ctx.request_body))})

    # Declared too large: refused without reading.
    stream = CountingStream(b"{" + b" " * 5000 + b"}")
    env = EnvironBuilder(method="POST", path="/", content_type="application/json").get_environ()
    env.update({"wsgi.input": stream, "CONTENT_LENGTH": "5002"})
    status, _ = _call(app, env)
    assert status.startswith("413") and stream.consumed == 0

    # Chunked (no length, server-terminated stream): at most limit + 1 bytes read.
    stream = CountingStream(b"[" + b"1," * 5000 + b"1]")
    env = EnvironBuilder(method="POST", path="/", content_type="application/json").get_environ()
    env.pop("CONTENT_LENGTH", None)
    env.update({"wsgi.input": stream, "wsgi.input_terminated": True})
    status, _ = _call(app, env)
    assert status.startswith("413") and stream.consumed <= 1001


def _echo_status(content_type: str, data: bytes) -> tuple[int, object]:
    app = App()

    @app.post("/echo")
    def handler(ctx):
        return {"body": ctx.request_body}

    res = app.test_client().post("/echo", data=data, headers={"Content-Type": content_type})
    return res.status_code, res.json.get("body", res.json.get("error", {}).get("name"))




# -- JSON that parses in Python but is not valid Unicode, or not JSON at all ---------------------------


@pytest.mark.parametrize("raw, message", [
    (b'{"t":"\\ud800"}', "Malformed JSON body: a string holds the lone surrogate \\ud800, which is not a Unicode "
                         "character"),
    (b'{"t":"x\\uDC00y"}', "Malformed JSON body: a string holds the lone surrogate \\udc00, which is not a Unicode "
                           "character"),
    (b'{"\\ud83d":1}', "Malformed JSON body: a string holds the lone surrogate \\ud83d, which is not a Unicode "
                       "character"),
    (b'["\\ud83d\\ud83d\\ude00"]', "Malformed JSON body: a string holds the lone surrogate \\ud83d, which is not a "
                                   "Unicode character"),
    (b'{"t":"\xed\xa0\x80"}', "Malformed JSON body: not valid UTF-8"),       # a surrogate encoded as UTF-8
    (b'{"n":NaN}', "Malformed JSON body: NaN is not a JSON value"),
    (b'[-Infinity]', "Malformed JSON body: -Infinity is not a JSON value"),
    (b'[' + b'1' * 5000 + b']', "Malformed JSON body: a number has too many digits"),
], ids=["lone-high", "lone-low", "in-a-key", "high-before-a-pair", "utf8-encoded", "nan", "infinity", "long-int"])
def test_json_that_is_not_valid_unicode_or_not_json_is_400(echo, raw, message):
    res = echo.post("/echo", data=raw, content_type="application/json")
    assert res.status_code == 400
    assert res.json["error"] == {"status": 400, "name": "SyntaxError", "message": message}


@pytest.mark.parametrize("raw, body", [
    (b'{"t":"\\ud83d\\ude00"}', {"t": "\U0001F600"}),         # an escaped pair is one character
    (b'{"t":"\\\\ud800"}', {"t": "\\ud800"}),                 # an escaped backslash, then plain text
    (b'\xef\xbb\xbf{"t":1}', {"t": 1}),                         # a UTF-8 BOM is skipped, as Node does
    (b'{"t":"\\uFFFF\\u0000"}', {"t": "\uffff\x00"}),
])
def test_json_that_is_valid_unicode_passes(echo, raw, body):
    res = echo.post("/echo", data=raw, content_type="application/json")
    assert res.status_code == 200 and res.json["body"] == body


@pytest.mark.parametrize("content_type, raw", [
    ("text/plain; charset=utf-7", b"+2AA-"),                    # utf-7 decodes this to a lone surrogate
    ("text/plain; charset=unicode_escape", b"\\ud800"),
    ("application/x-www-form-urlencoded; charset=utf-7", b"a=+2AA-"),
])
def test_a_charset_that_decodes_to_lone_surrogates_is_400(echo, content_type, raw):
    res = echo.post("/echo", data=raw, content_type=content_type)
    assert res.status_code == 400 and res.json["error"]["name"] == "SyntaxError"
    assert res.json["error"]["message"].endswith("body: bad character encoding")


NOTE = {"kind": "collectionType", "collectionName": "notes", "info": {"singularName": "note", "pluralName": "notes"},
        "options": {"draftAndPublish": False},
        "attributes": {"title": {"type": "string"}, "extra": {"type": "json"}}}


@pytest.fixture
def notes(tmp_path):
    app = App(config={"database": {"connection": {"connection": {"filename": str(tmp_path / "n.db")}}}})
    app.content_types.register("api::note.note", NOTE)
    app.mount(core_router("api::note.note"))

    @app.post("/custom/notes")
    def create(ctx):
        return app.documents("api::note.note").create(data=ctx.request_body["data"])

    yield app
    app.destroy()


@pytest.mark.parametrize("path", ["/api/notes", "/custom/notes"])
@pytest.mark.parametrize("data", [{"title": "\ud800"}, {"extra": {"k": ["x\udc00"]}}, {"extra": {"\udbff": 1}}],
                         ids=["string", "json-value", "json-key"])
def test_a_lone_surrogate_never_reaches_the_database(notes, path, data):
    # Before: the REST layer and a custom controller both answered 500 (SQLite cannot bind the string).
    raw = json.dumps({"data": data})  # ASCII, with the lone surrogate as a \u escape
    res = notes.test_client().post(path, data=raw, content_type="application/json")
    assert res.status_code == 400
    assert res.json["error"]["name"] == "SyntaxError"
    assert "lone surrogate" in res.json["error"]["message"]
    assert notes.documents("api::note.note").count() == 0


def test_a_lone_surrogate_a_handler_sends_goes_out_as_a_replacement_character(app, client):
    @app.get("/text")
    def text(ctx):
        return "a\ud800b"

    res = client.get("/text")
    assert res.status_code == 200 and res.get_data() == "a\ufffdb".encode()
