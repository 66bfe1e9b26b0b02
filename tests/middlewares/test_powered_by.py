"""minikoa::powered-by: X-Powered-By on the responses where Strapi 5 sends it, and only those."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.exceptions import abort

from minikoa import App
from minikoa.errors import NotFoundError, PayloadTooLargeError, UnauthorizedError, ValidationError
from minikoa.middlewares.cors import middleware as cors
from minikoa.middlewares.powered_by import middleware
from minikoa.middlewares.security import middleware as security


def make_app(config: dict[str, Any] | None = None, strapi_stack: bool = False) -> App:
    app = App()
    if strapi_stack:  # Strapi's order: security, cors, poweredBy
        app.use(security({}, app))
        app.use(cors({}, app))
    app.use(middleware(config or {}, app))

    @app.route(["GET", "POST"], "/x")
    def ok(ctx):
        return {"ok": True}

    @app.post("/created")
    def created(ctx):
        ctx.status = 201
        return {"id": 1}

    @app.delete("/x/:id")
    def deleted(ctx):
        ctx.status = 204

    @app.get("/")
    def root(ctx):
        ctx.redirect("/admin")

    @app.get("/missing")
    def missing(ctx):
        raise NotFoundError()

    @app.get("/throw404")
    def throw404(ctx):
        ctx.throw(404)

    @app.get("/abort404")
    def abort404(ctx):
        abort(404)

    @app.get("/invalid")
    def invalid(ctx):
        raise ValidationError("title must be a string")

    @app.get("/throw400")
    def throw400(ctx):
        ctx.throw(400)

    @app.get("/too-large")
    def too_large(ctx):
        raise PayloadTooLargeError("request entity too large")

    @app.get("/unauthorized")
    def unauthorized(ctx):
        raise UnauthorizedError("Missing or invalid credentials", {})

    @app.get("/forbidden")
    def forbidden(ctx):
        ctx.forbidden()

    @app.get("/policy", policies=[lambda ctx, config, app: False])
    def refused(ctx):
        return {}

    @app.get("/boom")
    def boom(ctx):
        raise RuntimeError("bug")

    @app.get("/raw")
    def raw(ctx):
        ctx.response.set_data(b"raw")  # the Werkzeug response exists before the header is set

    return app


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/x", 200),
    ("POST", "/created", 201),
    ("DELETE", "/x/1", 204),
    ("GET", "/", 302),
    ("GET", "/raw", 200),
    ("GET", "/nowhere", 404),      # unknown route (recorded: 78-unknown-route)
    ("GET", "/missing", 404),      # a handler's not-found (recorded: 24-get-missing)
    ("GET", "/throw404", 404),
    ("GET", "/abort404", 404),
    ("PATCH", "/x", 405),          # recorded: 74-patch-collection
    ("OPTIONS", "/x", 204),        # the app's own OPTIONS answer (recorded: 86-options-no-origin)
    ("GET", "/unauthorized", 401),  # Strapi's route auth answers, not throws (recorded: auth/x16)
    ("GET", "/forbidden", 403),     # (recorded: auth/x14, x17, x22)
])
def test_present(method, path, status):
    r = make_app().test_client().open(path, method=method)
    assert r.status_code == status
    assert r.headers.getlist("X-Powered-By") == ["minikoa"]


@pytest.mark.parametrize("path, status", [
    ("/invalid", 400), ("/throw400", 400), ("/too-large", 413), ("/boom", 500), ("/policy", 403)])
def test_absent_on_thrown_errors(path, status):
    r = make_app().test_client().get(path)
    assert r.status_code == status
    assert "X-Powered-By" not in r.headers


def test_malformed_json_body_has_none():
    app = make_app()

    @app.post("/json")
    def parse(ctx):
        return ctx.request_body

    r = app.test_client().post("/json", data=b"{", content_type="application/json")
    assert r.status_code == 400
    assert "X-Powered-By" not in r.headers


def test_custom_value():
    client = make_app({"poweredBy": "Strapi <strapi.io>"}).test_client()
    assert client.get("/x").headers["X-Powered-By"] == "Strapi <strapi.io>"
    assert client.get("/nowhere").headers["X-Powered-By"] == "Strapi <strapi.io>"
    assert "X-Powered-By" not in client.get("/invalid").headers


def test_in_strapis_stack():
    client = make_app(strapi_stack=True).test_client()
    # security's hidePoweredBy runs first, so it never hides this header (as in Strapi)
    assert client.get("/x").headers["X-Powered-By"] == "minikoa"
    preflight = client.open("/x", method="OPTIONS",
                            headers={"Origin": "http://example.test", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert "X-Powered-By" not in preflight.headers
    names = [n for n, _ in client.get("/nowhere").headers.items()]
    assert names[-3:] == ["X-Powered-By", "Content-Type", "Content-Length"]


@pytest.mark.parametrize("config, key", [
    ({"value": "x"}, "value"),
    ({"poweredBy": 5}, "poweredBy"),
    ({"poweredBy": None}, "poweredBy"),
    ({"poweredBy": "x\r\nSet-Cookie: a=b"}, "poweredBy"),
])
def test_mistakes_fail_at_start_up(config, key):
    with pytest.raises(ValueError, match="minikoa::powered-by") as info:
        middleware(config, App())
    assert repr(key) in str(info.value)


def test_usable_by_name_with_config():
    app = App()
    app.use("strapi::powered-by", {"poweredBy": "me"})
    app.get("/x")(lambda ctx: {"ok": True})
    assert app.test_client().get("/x").headers["X-Powered-By"] == "me"
