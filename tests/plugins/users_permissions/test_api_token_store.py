"""``app.api_tokens`` from Python, and the salt: from the config, the environment, or made once and kept."""

from __future__ import annotations

import hashlib
import hmac
import logging
import stat
import threading

import pytest

from minikoa import App, ApplicationError, LoadError, NotFoundError, ValidationError
from minikoa.plugins.users_permissions.api_tokens import DAY_MS, salt_for
from tests.conftest import write_project
from tests.plugins.users_permissions.token_apps import ARTICLE, REPORT, Clock, bearer, token_app


@pytest.fixture
def app(tmp_path):
    app = token_app(tmp_path, clock=Clock())
    yield app
    app.destroy()


# -- the Python API -----------------------------------------------------------------------------------


def test_create_returns_the_key_once_as_access_key(app):
    made = app.api_tokens.create(name="ci", type="full-access", description="deploys")
    key = made.pop("access_key")
    assert len(key) == 256 and set(key) <= set("0123456789abcdef")
    assert made == app.api_tokens.get(made["id"]) == app.api_tokens.get(str(made["id"]))
    assert app.api_tokens.list() == [made]
    assert made["description"] == "deploys" and made["permissions"] == [] and made["lifespan"] is None


def test_create_checks_what_it_is_given(app):
    with pytest.raises(ValidationError, match="type must be one of the following values"):
        app.api_tokens.create(name="x", type="admin")
    with pytest.raises(ValidationError, match="Missing permissions attribute for custom token"):
        app.api_tokens.create(name="x", type="custom")
    with pytest.raises(ValidationError, match=r"Unknown permissions provided: api::article\.article\.publish$"):
        app.api_tokens.create(name="x", type="custom", permissions=[f"{ARTICLE}.find", f"{ARTICLE}.publish"])
    with pytest.raises(ValidationError, match="lifespan must be one of the following values"):
        app.api_tokens.create(name="x", type="read-only", lifespan=3600 * 1000)
    with pytest.raises(ValidationError, match="Non-custom tokens should not reference permissions"):
        app.api_tokens.create(name="x", type="read-only", permissions=[f"{ARTICLE}.find"])
    with pytest.raises(ValidationError, match="name is a required field"):
        app.api_tokens.create(name=" ", type="read-only")
    assert app.api_tokens.list() == []
    app.api_tokens.create(name="x", type="read-only")
    with pytest.raises(ApplicationError, match="Name already taken"):
        app.api_tokens.create(name="x", type="full-access")


def test_custom_tokens_take_any_action_a_route_runs_or_names_in_its_scope(app):
    made = app.api_tokens.create(name="x", type="custom", permissions=(REPORT, f"{ARTICLE}.stats", REPORT))
    assert made["permissions"] == [REPORT, f"{ARTICLE}.stats"]
    client = app.test_client()
    assert client.get("/api/reports", headers=bearer(made["access_key"])).status_code == 200
    assert client.get("/api/articles-stats", headers=bearer(made["access_key"])).status_code == 200


def test_update_takes_keywords_and_keeps_what_it_is_not_given(app):
    made = app.api_tokens.create(name="x", type="custom", permissions=[f"{ARTICLE}.find"], description="d",
                                 lifespan=90 * DAY_MS)
    changed = app.api_tokens.update(made["id"], name="y", description=None)
    assert changed["name"] == "y" and changed["description"] == ""
    assert changed["permissions"] == [f"{ARTICLE}.find"] and changed["expiresAt"] == made["expiresAt"]
    assert app.api_tokens.update(made["id"], type="full-access")["permissions"] == []
    with pytest.raises(NotFoundError, match="API Token not found"):
        app.api_tokens.update(999, name="z")
    with pytest.raises(ValidationError, match="name cannot be null"):
        app.api_tokens.update(made["id"], name=None)
    with pytest.raises(TypeError):
        app.api_tokens.update(made["id"], lifespan=None)


def test_get_delete_and_regenerate_of_a_token_that_is_not_there(app):
    for token_id in (1, "1", "x", -3, True):
        with pytest.raises(NotFoundError):
            app.api_tokens.get(token_id)
        with pytest.raises(NotFoundError):
            app.api_tokens.regenerate(token_id)
        assert app.api_tokens.delete(token_id) is None


def test_tokens_made_before_the_app_is_built_are_there_after(tmp_path):
    app = App(config={"database": {"connection": {"connection": {"filename": str(tmp_path / "early.db")}}}})
    app.install("users-permissions", {"apiTokenSalt": "early", "jwtSecret": "j" * 32})
    made = app.api_tokens.create(name="early", type="full-access")  # the table is made on first use
    app.route("GET", "/api/ping", lambda ctx: {"pong": True}, config={"auth": {"scope": []}})
    app.build()
    assert app.test_client().get("/api/ping", headers=bearer(made["access_key"])).json == {"pong": True}
    app.destroy()


def test_an_app_used_again_after_destroy_finds_its_tokens(app):
    made = app.api_tokens.create(name="x", type="read-only")
    app.destroy()  # closes the database; the next use opens it again
    assert app.api_tokens.get(made["id"])["name"] == "x"
    assert app.test_client().get("/api/articles", headers=bearer(made["access_key"])).status_code == 200


# -- the salt -------------------------------------------------------------------------------------------


def test_the_salt_comes_from_the_config_before_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("API_TOKEN_SALT", "from the environment")
    assert salt_for({"apiTokenSalt": "from the config"}, tmp_path, "production") == "from the config"
    assert salt_for({}, tmp_path, "production") == "from the environment"
    with pytest.raises(ValueError, match="apiTokenSalt must be a string"):
        salt_for({"apiTokenSalt": 12345}, tmp_path, "development")
    assert not (tmp_path / "api-token-salt").exists()


def test_the_environment_salt_keys_the_digest(tmp_path, monkeypatch):
    monkeypatch.setenv("API_TOKEN_SALT", "env salt")
    app = token_app(tmp_path, salt=None)
    key = app.api_tokens.create(name="x", type="read-only")["access_key"]
    assert app.api_tokens.digest(key) == hmac.new(b"env salt", key.encode(), hashlib.sha512).hexdigest()
    app.destroy()


def test_production_without_a_salt_does_not_start(tmp_path, monkeypatch):
    monkeypatch.delenv("API_TOKEN_SALT", raising=False)
    monkeypatch.setenv("MINIKOA_ENV", "production")
    app = App()
    with pytest.raises(ValueError, match="no API token salt in production: set API_TOKEN_SALT"):
        app.install("users-permissions", {"jwtSecret": "j" * 32})
    root = write_project(tmp_path / "project", {
        "config/plugins.py": "config = {'users-permissions': {'config': {'jwtSecret': 'j' * 32}}}\n"})
    with pytest.raises(LoadError, match=r"plugins\.py: users-permissions: no API token salt in production"):
        App.load(root)
    assert not (tmp_path / "project" / ".tmp" / "api-token-salt").exists()


def test_development_makes_a_salt_once_and_keeps_it(tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("API_TOKEN_SALT", raising=False)
    monkeypatch.delenv("MINIKOA_ENV", raising=False)
    monkeypatch.delenv("NODE_ENV", raising=False)
    with caplog.at_level(logging.WARNING, logger="minikoa.users-permissions"):
        first = token_app(tmp_path, salt=None)
    kept = tmp_path / ".tmp" / "api-token-salt"  # the working directory's: an app built in code
    assert kept.exists() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert len(kept.read_text()) >= 40 and "no API token salt configured" in caplog.text
    key = first.api_tokens.create(name="x", type="read-only")["access_key"]
    caplog.clear()
    second = token_app(tmp_path, salt=None)  # the next start, or another worker
    assert "no API token salt configured" not in caplog.text
    assert second.test_client().get("/api/articles", headers=bearer(key)).status_code == 200
    assert sorted(p.name for p in kept.parent.iterdir() if "salt" in p.name) == ["api-token-salt"]
    first.destroy()
    second.destroy()


def test_processes_starting_together_make_one_salt(tmp_path, monkeypatch):
    monkeypatch.delenv("API_TOKEN_SALT", raising=False)
    found: list[str] = []
    start = threading.Barrier(8)

    def race():
        start.wait()
        found.append(salt_for({}, tmp_path / ".tmp", "development"))

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(found) == 8 and len(set(found)) == 1
    assert found[0] == (tmp_path / ".tmp" / "api-token-salt").read_text()


def test_an_empty_kept_salt_is_an_error_not_a_weak_salt(tmp_path, monkeypatch):
    monkeypatch.delenv("API_TOKEN_SALT", raising=False)
    (tmp_path / "api-token-salt").write_text("  \n")
    with pytest.raises(ValueError, match="api-token-salt is empty: delete it, or set API_TOKEN_SALT"):
        salt_for({}, tmp_path, "development")


def test_an_unknown_plugin_key_is_still_refused(tmp_path):
    app = App()
    with pytest.raises(ValueError, match="unknown config key 'apiTokenSalts'.*apiTokenSalt"):
        app.install("users-permissions", {"apiTokenSalts": "x"})
