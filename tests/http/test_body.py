"""Request bodies: kinds, limits, malformed input."""

from __future__ import annotations

import io

import pytest
from werkzeug.test import EnvironBuilder

from minikoa import App
from minikoa.http.body import BodyLimits
from tests.hang import MB, finishes


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


@pytest.mark.parametrize("content_type, data, answer", [
    ("text/plain" + "; a=b" * (MB // 5) + "; charset=utf-8", b"hi", (200, "hi")),
    ("text/plain;" + " " * MB + "charset=latin-1", b"\xe9", (200, "\u00e9")),
    ("application/json" + " " * MB, b"[1]", (200, [1])),
    (" " * MB + "application/json", b"[1]", (200, [1])),
    ("application/" + "x" * MB, b"[1]", (415, "UnsupportedMediaTypeError")),
    ("text/plain; charset=" + "u" * MB, b"hi", (400, "SyntaxError")),
], ids=["many-parameters", "spaces-before-charset", "trailing-spaces", "leading-spaces", "long-subtype",
        "long-charset"])
def test_a_1mb_content_type_finishes(content_type, data, answer):
    # Media types and charsets are read with str operations, never through a pattern.
    assert finishes(_echo_status, content_type, data) == answer
