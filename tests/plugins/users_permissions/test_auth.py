"""users-permissions' route checks: closed by default, Strapi's 401 and 403, scopes, auth: False, roles."""

from __future__ import annotations

import time

import jwt as pyjwt
import pytest

from minikoa import App, LoadError, core_router
from minikoa.plugins.users_permissions import ROLE, USER

ARTICLE = "api::article.article"
SCHEMA = {"kind": "collectionType", "collectionName": "articles",
          "info": {"singularName": "article", "pluralName": "articles"},
          "attributes": {"title": {"type": "string"}, "secret": {"type": "string", "private": True}}}


def make(tmp_path, db="a.db"):
    app = App(plugins=["users-permissions"],
              config={"database": {"connection": {"connection": {"filename": str(tmp_path / db)}}},
                      "plugins": {}})
    app.content_types.register(ARTICLE, SCHEMA)
    app.mount(core_router(ARTICLE))
    seen = {}

    @app.get("/whoami", config={"auth": False})
    def whoami(ctx):
        seen["user"] = ctx.state.user
        return {"user": ctx.state.user, "auth": ctx.state.auth}

    @app.get("/open")
    def open_(ctx):
        return {"user": ctx.state.user}

    @app.get("/scoped", config={"auth": {"scope": ["api::article.article.find"]}})
    def scoped(ctx):
        return {"strategy": ctx.state.auth.strategy, "user": ctx.state.user["username"]
                if ctx.state.user else None}

    @app.get("/state", config={"auth": {"scope": []}})
    def state(ctx):
        return {"user": ctx.state.user, "auth": ctx.state.auth.strategy}

    @app.get("/members", policies=["plugin::users-permissions.isAuthenticated"],
             config={"auth": {"scope": []}})
    def members(ctx):
        return {"ok": True}

    @app.get("/editors", policies=[{"name": "plugin::users-permissions.hasRole", "config": {"roles": ["editor"]}}],
             config={"auth": {"scope": []}})
    def editors(ctx):
        return {"ok": True}

    app.build()
    app.documents(ARTICLE).create(data={"title": "t", "secret": "s"})
    return app


@pytest.fixture
def app(tmp_path):
    app = make(tmp_path)
    yield app
    app.destroy()


def user(app, name="ada", role="authenticated", blocked=False):
    found = app.permissions.role(role)
    made = app.documents(USER).create(data={"username": name, "email": f"{name}@example.test",
                                            "password": "Secret-pass-1", "provider": "local",
                                            "confirmed": True, "blocked": blocked, "role": found["documentId"]})
    return made, {"Authorization": f"Bearer {app.jwt.issue(made['id'])}"}


def error(res, status):
    assert res.status_code == status, (res.status_code, res.json)
    return res.json["error"]


def test_roles_exist_from_the_first_start(app):
    assert {r["type"] for r in app.permissions.roles()} == {"public", "authenticated"}
    # Strapi's defaults, and nothing of the app's own content.
    assert app.permissions.actions("public") == [f"plugin::users-permissions.auth.{a}" for a in (
        "callback", "forgotPassword", "register", "resetPassword")]
    assert app.permissions.actions("authenticated") == ["plugin::users-permissions.auth.changePassword",
                                                        "plugin::users-permissions.user.me"]


def test_closed_until_a_role_is_granted(app):
    client = app.test_client()
    err = error(client.get("/api/articles"), 403)
    assert err == {"status": 403, "name": "ForbiddenError", "message": "Forbidden", "details": {}}
    app.permissions.grant("public", ["api::article.article.find"])
    assert client.get("/api/articles").status_code == 200
    assert error(client.post("/api/articles", json={"data": {"title": "x"}}), 403)["name"] == "ForbiddenError"
    app.permissions.revoke("public", "api::article.article.find")
    assert client.get("/api/articles").status_code == 403


def test_credentials_that_do_not_check_out_are_401_even_where_the_public_may_go(app):
    app.permissions.grant("public", ["api::article.article.find"])
    client = app.test_client()
    _, headers = user(app)
    token = headers["Authorization"][7:]
    header, payload, signature = token.split(".")
    secret = app.jwt._secret
    bad = {
        "garbage": "garbage",
        "tampered": f"{header}.{payload[:-2]}AA.{signature}",
        "alg none": pyjwt.encode({"id": 1, "iat": int(time.time()), "exp": int(time.time()) + 60}, None,
                                 algorithm="none"),
        "another algorithm": pyjwt.encode({"id": 1, "iat": int(time.time()), "exp": int(time.time()) + 60},
                                          secret, algorithm="HS512"),
        "no exp": pyjwt.encode({"id": 1, "iat": int(time.time())}, secret, algorithm="HS256"),
        "expired": pyjwt.encode({"id": 1, "iat": 1000, "exp": 2000}, secret, algorithm="HS256"),
        "another secret": pyjwt.encode({"id": 1, "iat": int(time.time()), "exp": int(time.time()) + 60},
                                       "not-the-secret-of-this-app-but-long-enough", algorithm="HS256"),
        "no such user": app.jwt.issue(999),
    }
    for what, token in bad.items():
        err = error(client.get("/api/articles", headers={"Authorization": f"Bearer {token}"}), 401)
        assert err == {"status": 401, "name": "UnauthorizedError", "message": "Missing or invalid credentials",
                       "details": {}}, what
    # Another scheme is not a credential: the caller is the public.
    assert client.get("/api/articles", headers={"Authorization": "Basic Zm9vOmJhcg=="}).status_code == 200


def test_a_user_has_their_role_not_the_publics(app):
    app.permissions.grant("public", ["api::article.article.find"])
    client = app.test_client()
    _, headers = user(app)
    assert client.get("/api/articles").status_code == 200
    assert error(client.get("/api/articles", headers=headers), 403)["message"] == "Forbidden"
    app.permissions.grant("authenticated", ["api::article.article.find"])
    found = client.get("/api/articles", headers=headers)
    assert found.status_code == 200 and "secret" not in found.json["data"][0]


def test_a_blocked_user_is_401(app):
    app.permissions.grant("authenticated", ["api::article.article.find"])
    _, headers = user(app, "mallory", blocked=True)
    assert error(app.test_client().get("/api/articles", headers=headers), 401)["name"] == "UnauthorizedError"


def test_auth_false_ignores_credentials_and_code_routes_are_public(app):
    client = app.test_client()
    assert client.get("/whoami", headers={"Authorization": "Bearer garbage"}).json == {"user": None, "auth": None}
    _, headers = user(app)
    assert client.get("/whoami", headers=headers).json == {"user": None, "auth": None}
    assert client.get("/open", headers={"Authorization": "Bearer garbage"}).json == {"user": None}


def test_an_auth_scope_names_the_actions_a_route_needs(app):
    client = app.test_client()
    assert client.get("/scoped").status_code == 403
    _, headers = user(app)
    assert client.get("/scoped", headers=headers).status_code == 403
    app.permissions.grant("authenticated", ["api::article.article.find"])
    assert client.get("/scoped", headers=headers).json == {"strategy": "users-permissions", "user": "ada"}


def test_the_state_holds_the_user_without_private_fields_and_with_its_role(app):
    made, headers = user(app)
    app.documents(USER).update(made["documentId"], data={"resetPasswordToken": "r", "confirmationToken": "c"})
    state = app.test_client().get("/state", headers=headers).json
    assert state["auth"] == "users-permissions" and state["user"]["username"] == "ada"
    assert state["user"]["role"]["type"] == "authenticated"
    assert not {"password", "resetPasswordToken", "confirmationToken"} & set(state["user"])


def test_built_in_policies(app):
    client = app.test_client()
    err = error(client.get("/members"), 403)
    assert err["name"] == "PolicyError" and err["message"] == "Policy Failed"
    _, headers = user(app)
    assert client.get("/members", headers=headers).status_code == 200
    assert client.get("/editors", headers=headers).status_code == 403
    app.permissions.create_role("Editor")
    _, editor = user(app, "grace", role="editor")
    assert client.get("/editors", headers=editor).status_code == 200


def test_mistakes_in_grants_and_roles_name_the_closest(app):
    with pytest.raises(ValueError, match="did you mean 'api::article.article.find'"):
        app.permissions.grant("public", ["api::article.article.fnd"])
    with pytest.raises(ValueError, match="not an action UID"):
        app.permissions.grant("public", ["find"])
    with pytest.raises(LookupError, match="did you mean 'public'"):
        app.permissions.grant("publc", ["api::article.article.find"])
    with pytest.raises(ValueError, match="exists already"):
        app.permissions.create_role("Public")


def test_another_process_sees_a_grant_within_a_second(tmp_path):
    first, second = make(tmp_path, "shared.db"), None
    try:
        second = App(plugins=["users-permissions"],
                     config={"database": {"connection": {"connection": {"filename": str(tmp_path / "shared.db")}}}})
        second.content_types.register(ARTICLE, SCHEMA)
        second.mount(core_router(ARTICLE))
        second.build()
        client = second.test_client()
        assert client.get("/api/articles").status_code == 403  # its copy of the permissions is loaded now
        first.permissions.grant("public", ["api::article.article.find"])
        deadline = time.monotonic() + 30  # a hang detector: the copy is looked at again after a second
        while client.get("/api/articles").status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        first.destroy()
        if second is not None:
            second.destroy()


def test_project_routes_need_their_action_and_functions_need_an_auth_config(project):
    files = {
        "config/plugins.py": "config = {}\n",
        "src/api/thing/content-types/thing/schema.json": '{"kind": "collectionType", "info": {"singularName": '
                                                         '"thing", "pluralName": "things"}, "attributes": {}}',
        "src/api/thing/controllers/thing.py": (
            "from minikoa import core_controller\n"
            "class C(core_controller('api::thing.thing')):\n"
            "    def ping(self, ctx):\n        return {'pong': True}\n"
            "controller = C\n"),
        "src/api/thing/routes/thing.py": "routes = [{'method': 'GET', 'path': '/ping', 'handler': 'thing.ping'}]\n",
        "src/index.py": "def bootstrap(app):\n    app.permissions.grant('public', ['api::thing.thing.ping'])\n",
    }
    app = App.load(project(files))
    assert app.test_client().get("/api/ping").json == {"pong": True}
    app.destroy()
    files["src/api/thing/routes/fn.py"] = ("routes = [{'method': 'GET', 'path': '/fn', "
                                           "'handler': lambda ctx: {}}]\n")
    with pytest.raises(LoadError, match="a function handler has no action a role could be granted"):
        App.load(project(files))


def test_plugins_config_mistakes_fail_at_load(project):
    with pytest.raises(LoadError, match="unknown plugin 'users-permission'; did you mean 'users-permissions'"):
        App.load(project({"config/plugins.py": "config = {'users-permission': {}}\n"}))
    with pytest.raises(LoadError, match="unknown config key 'jwtSecrt'"):
        App.load(project({"config/plugins.py": "config = {'users-permissions': {'config': {'jwtSecrt': 'x'}}}\n"}))


def test_role_and_user_types_are_stored_like_any_content_type(app):
    assert app.content_types[USER].table == "up_users" and app.content_types[ROLE].table == "up_roles"
