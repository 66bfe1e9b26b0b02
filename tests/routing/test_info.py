"""``ctx.state.route.info``: whose route it is and which API it serves, as Strapi's router tags routes."""

from __future__ import annotations

import pytest

from minikoa import App, core_router
from tests.conftest import write_project

ARTICLE = {"kind": "collectionType", "collectionName": "articles",
           "info": {"singularName": "article", "pluginName": None, "pluralName": "articles",
                    "displayName": "Article"},
           "options": {"draftAndPublish": False}, "attributes": {"title": {"type": "string"}}}


def recorder(seen: list):
    """A global middleware keeping the matched route's info, whatever the route answered."""
    def record(ctx):
        try:
            yield
        finally:
            route = ctx.state.route
            seen.append(None if route is None else dict(route.info))
    return record


def test_a_route_added_in_code_is_of_type_api():
    app = App()

    @app.get("/hello")
    def hello(ctx):
        info = ctx.state.route.info
        return {"type": info.type, "same": info["type"], "keys": sorted(info)}

    assert app.test_client().get("/hello").json == {"type": "api", "same": "api", "keys": ["type"]}


def test_info_is_read_only_since_every_request_shares_it():
    app = App()
    app.get("/x")(lambda ctx: None)
    info = app.routes[0].info
    with pytest.raises(AttributeError, match="read-only"):
        info.type = "admin"
    with pytest.raises(TypeError):
        info["type"] = "admin"  # type: ignore[index]
    with pytest.raises(AttributeError):
        info.apiName  # noqa: B018 - a code route has no api


def test_an_unmatched_request_has_no_route():
    seen: list = []
    app = App()
    app.use(recorder(seen))
    app.get("/x")(lambda ctx: None)
    assert app.test_client().get("/nowhere").status_code == 404
    assert seen == [None]


def test_a_project_api_route_names_its_api(tmp_path):
    root = write_project(tmp_path / "project", {
        "src/api/thing/controllers/thing.py": (
            "from minikoa import Controller\n"
            "class ThingController(Controller):\n"
            "    def show(self, ctx):\n"
            "        route = ctx.state.route\n"
            "        return {'info': dict(route.info), 'apiName': route.info.apiName,\n"
            "                'method': route.method, 'path': route.path}\n"
            "controller = ThingController\n"),
        "src/api/thing/routes/thing.py": (
            "routes = [{'method': 'GET', 'path': '/things/:id', 'handler': 'thing.show'}]\n"),
    })
    app = App.load(root)
    try:
        assert app.test_client().get("/api/things/3").json == {
            "info": {"apiName": "thing", "type": "content-api"}, "apiName": "thing",
            "method": "GET", "path": "/api/things/:id"}
    finally:
        app.destroy()


def test_core_routes_mounted_in_code_name_the_content_types_api(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seen: list = []
    app = App()
    app.content_types.register("api::article.article", ARTICLE)
    app.mount(core_router("api::article.article"))
    app.use(recorder(seen))
    try:
        assert app.test_client().get("/api/articles").status_code == 200
        assert seen == [{"apiName": "article", "type": "content-api"}]
    finally:
        app.destroy()


def test_plugin_and_admin_routes_name_their_plugin(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ADMIN_TOKEN", "a-long-enough-admin-token-for-the-test")
    seen: list = []
    app = App()
    app.install("users-permissions", {"jwtSecret": "a-test-secret-that-is-long-enough-for-hs256"})
    app.mount_admin()
    app.use(recorder(seen))
    try:
        client = app.test_client()
        client.post("/api/auth/local", json={"identifier": "nobody", "password": "wrong-password"})
        client.get("/admin/webhooks")
        assert seen == [{"pluginName": "users-permissions", "type": "content-api"},
                        {"pluginName": "admin", "type": "admin"}]
        by_path = {route.path: dict(route.info) for route in app.routes}
        assert by_path["/admin/api-tokens"] == {"pluginName": "admin", "type": "admin"}
        assert by_path["/api/users/me"] == {"pluginName": "users-permissions", "type": "content-api"}
    finally:
        app.destroy()
