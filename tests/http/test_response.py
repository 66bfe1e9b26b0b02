"""Body to response: every kind of body, HEAD, empty statuses."""

from __future__ import annotations

import io

import pytest
from werkzeug.exceptions import BadRequest, MethodNotAllowed, TooManyRequests
from werkzeug.wrappers import Response

from minikoa import App
from minikoa.http.response import to_http_error


@pytest.fixture
def routes(app):
    def add(path, fn):
        app.get(path)(fn)
    return add


def test_dict_and_list_are_compact_json(app, client, routes):
    routes("/d", lambda ctx: {"a": [1, 2], "b": "\u00e9"})
    routes("/l", lambda ctx: [1, "x"])
    routes("/t", lambda ctx: (1, 2))
    routes("/n", lambda ctx: 42)
    res = client.get("/d")
    assert res.headers["Content-Type"] == "application/json; charset=utf-8"
    assert res.data == '{"a":[1,2],"b":"\u00e9"}'.encode()
    assert res.headers["Content-Length"] == str(len(res.data))
    assert client.get("/l").data == b'[1,"x"]'
    assert client.get("/t").data == b"[1,2]"
    assert client.get("/n").data == b"42"


def test_str_is_text_or_html(client, routes):
    routes("/text", lambda ctx: "h\u00e9llo")
    routes("/html", lambda ctx: "  <p>hi</p>")
    res = client.get("/text")
    assert res.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert res.data == "h\u00e9llo".encode()
    assert client.get("/html").headers["Content-Type"] == "text/html; charset=utf-8"


def test_bytes(client, routes):
    routes("/b", lambda ctx: b"\x00\x01")
    res = client.get("/b")
    assert res.headers["Content-Type"] == "application/octet-stream"
    assert res.data == b"\x00\x01" and res.headers["Content-Length"] == "2"


def test_file_is_streamed_with_length(client, routes, tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"x" * 20000)
    opened = []

    def handler(ctx):
        f = open(path, "rb")
        opened.append(f)
        return f

    routes("/f", handler)
    res = client.get("/f")
    assert res.data == b"x" * 20000
    assert res.headers["Content-Length"] == "20000"
    res.close()
    assert opened[0].closed


def test_in_memory_file_and_iterators_stream(client, routes):
    routes("/bio", lambda ctx: io.BytesIO(b"abc"))

    def gen(ctx):
        ctx.type = "text/plain"
        return (part for part in ["a", "b", b"c"])

    routes("/gen", gen)
    assert client.get("/bio").data == b"abc"
    res = client.get("/gen")
    assert res.data == b"abc" and "Content-Length" not in res.headers
    assert res.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_werkzeug_response_used_as_is_plus_ctx_headers(app, client):
    def tag(ctx):
        ctx.set("X-From-Middleware", "yes")
        ctx.set("Content-Type", "ignored/by-response")
        yield

    @app.get("/r", middlewares=[tag])
    def handler(ctx):
        return Response("custom", status=207, mimetype="text/csv")

    res = client.get("/r")
    assert res.status_code == 207 and res.data == b"custom"
    assert res.headers["Content-Type"].startswith("text/csv")
    assert res.headers["X-From-Middleware"] == "yes"


def test_ctx_response_body_written_directly(app, client):
    @app.get("/w")
    def handler(ctx):
        ctx.response.set_data(b"direct")
        ctx.response.status_code = 203

    res = client.get("/w")
    assert res.status_code == 203 and res.data == b"direct"


def test_head_keeps_headers_and_drops_body(client, routes):
    routes("/j", lambda ctx: {"a": 1})
    routes("/s", lambda ctx: "text")
    routes("/g", lambda ctx: iter([b"x"]))
    get = client.get("/j")
    head = client.head("/j")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert client.head("/s").headers["Content-Length"] == "4"
    assert client.head("/g").data == b""


def test_empty_statuses_carry_no_body(app, client):
    @app.get("/304")
    def not_modified(ctx):
        ctx.status = 304
        return {"ignored": True}

    res = client.get("/304")
    assert res.status_code == 304 and res.data == b""
    assert "Content-Type" not in res.headers and "Content-Length" not in res.headers


def test_unserialisable_body_is_a_logged_500(client, routes, caplog):
    routes("/bad", lambda ctx: {"x": object()})
    res = client.get("/bad")
    assert res.status_code == 500
    assert res.json["error"]["name"] == "InternalServerError"
    assert any("not JSON serializable" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_datetimes_and_decimals_render_as_strapi_does(client, routes):
    import datetime
    import decimal

    stamp = datetime.datetime(2026, 11, 24, 7, 27, 12, 882000, tzinfo=datetime.timezone.utc)
    routes("/t", lambda ctx: {"at": stamp, "price": decimal.Decimal("1.50"), "d": datetime.date(2026, 1, 2)})
    assert client.get("/t").json == {"at": "2026-11-24T07:27:12.882Z", "price": "1.50", "d": "2026-01-02"}


def test_app_level_smoke_without_fixture():
    app = App()
    app.get("/")(lambda ctx: {"ok": True})
    assert app.test_client().get("/").json == {"ok": True}


def test_werkzeug_exceptions_are_converted():
    assert to_http_error(BadRequest()).to_dict() == {
        "status": 400, "name": "BadRequestError", "message": "Bad Request", "details": {}}
    assert to_http_error(BadRequest("my reason")).message == "my reason"
    assert to_http_error(MethodNotAllowed(["GET", "POST"])).headers == {"Allow": "GET, POST"}
    assert to_http_error(TooManyRequests(retry_after=30)).headers == {"Retry-After": "30"}
    assert to_http_error(ValueError("x")) is None
