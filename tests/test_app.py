"""App: registration, dispatch, 404/405/OPTIONS/HEAD, routes listing, build."""

from __future__ import annotations

import pytest

from minikoa import App, PolicyError, RouteError
from minikoa.project.policies import PolicySpecError


def test_decorators_for_every_method(app, client):
    for method in ("get", "post", "put", "patch", "delete"):
        getattr(app, method)("/m")(lambda ctx, m=method: {"method": m})
    for method in ("get", "post", "put", "patch", "delete"):
        assert client.open("/m", method=method.upper()).json == {"method": method}


def test_route_with_method_list_and_direct_handler(app, client):
    def handler(ctx):
        return {"m": ctx.method}

    assert app.route(["GET", "post"], "/x", handler) is handler
    assert client.get("/x").json == {"m": "GET"}
    assert client.post("/x").json == {"m": "POST"}


def test_duplicate_registration_fails_at_once(app):
    @app.get("/a/:id")
    def first(ctx): ...

    with pytest.raises(RouteError, match="first"):
        @app.get("/a/:other")
        def second(ctx): ...


def test_unknown_path_is_404_in_strapi_shape(client):
    res = client.get("/api/nope")
    assert res.status_code == 404
    assert res.json == {"data": None, "error": {"status": 404, "name": "NotFoundError",
                                                "message": "Not Found", "details": {}}}


def test_wrong_method_is_405_with_allow(app, client):
    app.get("/api/articles")(lambda ctx: [])
    app.post("/api/articles")(lambda ctx: {})
    res = client.patch("/api/articles")
    assert res.status_code == 405
    assert res.headers["Allow"] == "HEAD, GET, POST"
    assert res.json["error"]["name"] == "MethodNotAllowedError"


def test_options_is_automatic_unless_routed(app, client):
    app.get("/auto")(lambda ctx: {})
    app.put("/auto")(lambda ctx: {})

    @app.options("/own")
    def own(ctx):
        ctx.set("X-Own", "1")
        ctx.status = 200
        return "custom"

    res = client.options("/auto")
    assert res.status_code == 204 and res.headers["Allow"] == "HEAD, GET, PUT" and res.data == b""
    res = client.options("/own")
    assert res.status_code == 200 and res.headers["X-Own"] == "1" and res.data == b"custom"
    assert client.options("/missing").status_code == 404


def test_head_runs_the_get_handler_without_body(app, client):
    calls = []

    @app.get("/h")
    def handler(ctx):
        calls.append(ctx.method)
        return {"a": 1}

    res = client.head("/h")
    assert res.status_code == 200 and res.data == b"" and res.headers["Content-Length"] == "7"
    assert calls == ["HEAD"]


def test_trailing_slash_default_and_strict():
    app = App()
    app.get("/articles")(lambda ctx: {"ok": 1})
    assert app.test_client().get("/articles/").status_code == 200
    strict = App(strict_slashes=True)
    strict.get("/articles")(lambda ctx: {"ok": 1})
    assert strict.test_client().get("/articles/").status_code == 404
    assert strict.test_client().get("/articles").status_code == 200


def test_routes_listing(app):
    def mw(ctx):
        yield

    def is_admin(ctx, config, app):
        return True

    @app.get("/a/:id", policies=[is_admin, {"name": "global::is-owner", "config": {"x": 1}}],
             middlewares=[mw], config={"auth": False})
    def show(ctx): ...

    app.post("/b", name="api::thing.thing.create")(lambda ctx: None)
    listed = [r.as_dict() for r in app.routes]
    assert listed[0]["method"] == "GET" and listed[0]["path"] == "/a/:id"
    assert listed[0]["handler"].endswith("show")
    assert listed[0]["policies"][0].endswith("is_admin")
    assert listed[0]["policies"][1] == "global::is-owner"
    assert listed[0]["middlewares"][0].endswith("mw")
    assert listed[1] == {"method": "POST", "path": "/b", "handler": "api::thing.thing.create",
                         "policies": [], "middlewares": []}
    assert app.routes[0].config == {"auth": False}


def test_route_policies(app, client):
    calls = []

    def allow(ctx, config, app_):
        calls.append(("allow", config, app_ is app))
        return True

    def deny(ctx, config, app_):
        return False

    def custom(ctx, config, app_):
        raise PolicyError("Only owners", {"policy": "custom"})

    app.policy("deny", deny)
    app.get("/ok", policies=[{"name": allow, "config": {"role": "x"}}])(lambda ctx: {"ok": True})
    app.get("/denied", policies=[allow, "global::deny"])(lambda ctx: {"ok": True})
    app.get("/custom", policies=[custom])(lambda ctx: {"ok": True})

    assert client.get("/ok").json == {"ok": True}
    assert calls == [("allow", {"role": "x"}, True)]
    res = client.get("/denied")
    assert res.status_code == 403
    assert res.json["error"] == {"status": 403, "name": "PolicyError", "message": "Policy Failed",
                                 "details": {}}
    res = client.get("/custom")
    assert res.json["error"] == {"status": 403, "name": "PolicyError", "message": "Only owners",
                                 "details": {"policy": "custom"}}


def test_policies_run_before_route_middlewares(app, client):
    """Strapi's compose-endpoint: the route's policies, then its own middlewares, then the handler."""
    order = []

    def mw(ctx):
        order.append("middleware in")
        yield
        order.append("middleware out")

    def policy(ctx, config, app_):
        order.append("policy")
        return True

    @app.get("/", middlewares=[mw], policies=[policy])
    def handler(ctx):
        order.append("handler")

    client.get("/")
    assert order == ["policy", "middleware in", "handler", "middleware out"]


def test_unknown_policy_fails_at_build_naming_route_and_policy(app):
    app.get("/x", policies=["global::nope"])(lambda ctx: None)
    with pytest.raises(PolicySpecError, match=r"GET /x.*global::nope"):
        app.build()


def test_registration_after_first_request_rebuilds(app, client):
    app.get("/a")(lambda ctx: {"a": 1})
    assert client.get("/a").status_code == 200
    app.get("/b")(lambda ctx: {"b": 1})
    assert client.get("/b").json == {"b": 1}


def test_invalid_method_and_handler(app):
    with pytest.raises(ValueError):
        app.route("GE T", "/x", lambda ctx: None)
    with pytest.raises(TypeError):
        app.route("GET", "/x", "not callable")


def test_a_build_error_at_first_request_is_a_generic_500(app, client, caplog):
    app.get("/x", policies=["global::nope"])(lambda ctx: None)
    res = client.get("/x")
    assert res.status_code == 500
    assert res.json["error"] == {"status": 500, "name": "InternalServerError", "message": "Internal Server Error"}
    assert any("global::nope" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_route_mistakes_fail_when_registered():
    app = App()
    with pytest.raises(ValueError, match="unknown HTTP method 'GETT'; did you mean 'GET'"):
        app.route("GETT", "/x", lambda ctx: {})
    with pytest.raises(ValueError, match="a route path starts with '/'"):
        app.route("GET", "books/x", lambda ctx: {})
    with pytest.raises(ValueError, match="unknown route config key 'polices'; did you mean 'policies'"):
        app.route("GET", "/x", lambda ctx: {}, config={"polices": ["is-owner"]})


def test_an_unknown_policy_fails_the_build_naming_it_and_the_closest():
    app = App()
    app.policy("is-owner", lambda ctx, config, app: True)
    app.get("/x", policies=["is-ownr"])(lambda ctx: {})
    with pytest.raises(ValueError, match="unknown policy 'is-ownr'; did you mean 'is-owner'"):
        app.build()


def test_an_app_built_in_code_keeps_its_content_in_a_file(tmp_path):
    # Every gunicorn worker must see the same records: a file in the working directory, not memory.
    schema = {"kind": "collectionType", "info": {"singularName": "note", "pluralName": "notes"},
              "attributes": {"text": {"type": "string"}}}
    first = App()
    first.content_types.register("api::note.note", schema)
    first.documents("api::note.note").create(data={"text": "kept"})
    assert first.db.db.path == str(tmp_path / ".tmp" / "data.db")  # tests run in tmp_path
    second = App()
    second.content_types.register("api::note.note", schema)
    assert [n["text"] for n in second.documents("api::note.note").find_many()] == ["kept"]
    memory = App(config={"database": {"connection": {"connection": {"filename": ":memory:"}}}})
    memory.content_types.register("api::note.note", schema)
    assert memory.documents("api::note.note").count() == 0  # only when asked for
    for app in (first, second, memory):
        app.destroy()
