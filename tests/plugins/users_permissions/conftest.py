"""Apps with users-permissions on a database in tmp_path, an email outbox, and helpers to log in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from minikoa import App
from minikoa.plugins.users_permissions.email import MemoryEmailProvider

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
PASSWORD = "Secret-pass-1"


@pytest.fixture
def outbox() -> MemoryEmailProvider:
    return MemoryEmailProvider()


@pytest.fixture
def make(tmp_path, outbox) -> Iterator[Callable[..., App]]:
    """``make(config=None, setup=None, db="users.db", webhooks=None)``: a built app with the plugin
    (``config`` is its config, merged over a JWT secret and the outbox; ``webhooks`` the app's
    ``server.webhooks``); ``setup(app)`` runs before the build."""
    apps: list[App] = []

    def build(config: dict[str, Any] | None = None, setup: Callable[[App], Any] | None = None,
              db: str = "users.db", webhooks: dict[str, Any] | None = None) -> App:
        app = App(config={"database": {"connection": {"connection": {"filename": str(tmp_path / db)}}},
                          "server": {"webhooks": webhooks or {}}})
        app.install("users-permissions", {"jwtSecret": SECRET, "email": {"provider": outbox}, **(config or {})})
        if setup is not None:
            setup(app)
        app.build()
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.destroy()


@pytest.fixture
def app(make) -> App:
    return make()


@pytest.fixture
def client(app):
    return app.test_client()


def bearer(jwt: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt}"}


def register(client, name: str = "ada", password: str = PASSWORD, email: str | None = None) -> tuple[str, dict]:
    """Register ``name`` over HTTP: ``(jwt, user)``."""
    res = client.post("/api/auth/local/register",
                      json={"username": name, "email": email or f"{name}@example.test", "password": password})
    assert res.status_code == 200, res.json
    return res.json["jwt"], res.json["user"]


def give_role(app: App, user_id: int, role: str) -> None:
    """Put the user in ``role`` (a type), as server code does (a client never may)."""
    app.service("plugin::users-permissions.user").edit(user_id, {"role": app.permissions.role(role)["documentId"]})


def login(client, identifier: str, password: str = PASSWORD):
    return client.post("/api/auth/local", json={"identifier": identifier, "password": password})


def error(res, status: int) -> dict[str, Any]:
    """The ``error`` of a response that must be ``status``, in Strapi's envelope."""
    assert res.status_code == status, (res.status_code, res.json)
    assert res.json["data"] is None
    return res.json["error"]
