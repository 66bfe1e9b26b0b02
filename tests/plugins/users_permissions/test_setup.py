"""The plugin's config, the routes it mounts, and Strapi's default grants at the first start (only then)."""

from __future__ import annotations

import pytest

from minikoa import App, LoadError
from minikoa.plugins.users_permissions.defaults import DEFAULT_GRANTS
from minikoa.plugins.users_permissions.routes import ROUTES

from .conftest import register


def test_the_routes_and_their_actions(app):
    mine = [(r.method, r.path, r.action) for r in app.routes if r.action and "users-permissions" in r.action]
    assert mine == [(r["method"], "/api" + r["path"], r["handler"]) for r in ROUTES]
    limited = {r.path for r in app.routes if "plugin::users-permissions.rateLimit" in r.middleware_names}
    assert limited == {"/api/auth/local", "/api/auth/local/register", "/api/auth/forgot-password",
                       "/api/auth/reset-password", "/api/auth/change-password"}


def test_the_first_start_grants_strapis_defaults_and_a_restart_undoes_no_revoke(make):
    app = make(db="shared.db")
    assert app.permissions.actions("public") == sorted(DEFAULT_GRANTS["public"])
    assert app.permissions.actions("authenticated") == sorted(DEFAULT_GRANTS["authenticated"])
    app.permissions.revoke("public", "plugin::users-permissions.auth.register")  # registration closed
    app.destroy()
    again = make(db="shared.db")
    assert "plugin::users-permissions.auth.register" not in again.permissions.actions("public")
    res = again.test_client().post("/api/auth/local/register",
                                   json={"username": "ada", "email": "ada@example.test", "password": "Secret-1"})
    assert res.status_code == 403 and res.json["error"]["name"] == "ForbiddenError"


def test_a_project_closes_registration_by_revoking_it(project):
    app = App.load(project({
        "config/plugins.py": "config = {'users-permissions': {'config': {'jwtSecret': 'x' * 40}}}\n",
        "src/index.py": "def bootstrap(app):\n"
                        "    app.permissions.revoke('public', ['plugin::users-permissions.auth.register'])\n"}))
    try:
        client = app.test_client()
        assert client.post("/api/auth/local/register", json={}).status_code == 403
        assert client.post("/api/auth/local", json={}).status_code == 400  # login stays open
    finally:
        app.destroy()


class NoSend:
    pass


@pytest.mark.parametrize("config, message", [
    ({"nope": 1}, "unknown config key 'nope'"),
    ({"email": {"provider": NoSend()}}, "email.provider must have a method send"),
    ({"email": {"from": "a\nb"}}, "email.from must be a one-line string"),
    ({"email": {"smtp": {}}}, "unknown key email.smtp"),
    ({"resetPassword": {"url": "javascript:alert(1)"}}, "resetPassword.url must be an http(s) URL"),
    ({"resetPassword": {"expiresIn": 0}}, "resetPassword.expiresIn must be a positive whole number"),
    ({"ratelimit": []}, "ratelimit must be a dict"),
])
def test_config_mistakes_are_named(make, config, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make(config)


def test_a_project_config_mistake_names_the_file(project):
    with pytest.raises(LoadError, match=r"plugins\.py: users-permissions: unknown key ratelimit\.maximum"):
        App.load(project({"config/plugins.py":
                          "config = {'users-permissions': {'config': {'ratelimit': {'maximum': 5}}}}\n"}))


def test_the_sender_is_on_every_message(make, outbox):
    client = make({"email": {"provider": outbox, "from": "Blog <no-reply@example.test>"}}).test_client()
    register(client, "ada")
    client.post("/api/auth/forgot-password", json={"email": "ada@example.test"})
    assert outbox.last_to("ada@example.test").sender == "Blog <no-reply@example.test>"
