"""Apps for the API-token tests: users-permissions, articles with Strapi's core routes and a few more.

* ``/api/articles``: the core routes (``find``, ``findOne``, ``create``, ``update``, ``delete``);
* ``/api/articles-stats`` (``stats``), ``/api/articles-refind`` (``refind``, a name that ends like a read)
  and ``/api/whoami`` (``whoami``: what the request's auth is), custom controller actions;
* ``/api/reports``: a function route whose ``auth.scope`` names ``api::report.report.generate``;
* ``/api/open``: ``auth: False``;
* the admin API (``/admin/webhooks``, ``/admin/api-tokens``) with the admin token ``ADMIN``.

A clock the tests move: ``Clock``; the app's tokens read it (``app.api_tokens.clock``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from minikoa import App, core_controller, core_router

ARTICLE = "api::article.article"
ADMIN = "admin-secret"
ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN}"}
SALT = "a salt for the tests"
REPORT = "api::report.report.generate"
#: Every action of the articles' routes and the report's scope.
ACTIONS = [f"{ARTICLE}.{name}" for name in ("find", "findOne", "create", "update", "delete", "stats", "refind",
                                             "whoami")] + [REPORT]
DAY = 24 * 3600

_SCHEMA = {"kind": "collectionType", "collectionName": "articles",
           "info": {"singularName": "article", "pluralName": "articles", "displayName": "Article"},
           "options": {"draftAndPublish": False}, "attributes": {"title": {"type": "string"}}}


class ArticleController(core_controller(ARTICLE)):
    def stats(self, ctx: Any) -> Any:
        return {"data": {"count": self.app.documents(ARTICLE).count()}}

    def refind(self, ctx: Any) -> Any:
        return {"data": "refound"}

    def whoami(self, ctx: Any) -> Any:
        auth = ctx.state.auth
        return {"strategy": auth.strategy, "user": ctx.state.user, "credentials": auth.credentials}


def _report(ctx: Any) -> Any:
    return {"data": "report"}


def _open(ctx: Any) -> Any:
    return {"data": "open", "auth": ctx.state.auth is not None}


class Clock:
    """Seconds since the epoch, moved by hand."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def token_app(folder: Path, *, salt: str | None = SALT, db: str = "data.db", clock: Clock | None = None) -> App:
    """A built app on ``folder/db``; ``salt`` None leaves the salt to ``API_TOKEN_SALT`` or the kept file."""
    app = App(config={"database": {"connection": {"connection": {"filename": str(folder / db)}}},
                      "admin": {"token": ADMIN}})
    plugin: dict[str, Any] = {"jwtSecret": "a JWT secret for the API-token tests, long enough"}
    if salt is not None:
        plugin["apiTokenSalt"] = salt
    app.install("users-permissions", plugin)
    app.content_types.register(ARTICLE, _SCHEMA)
    app.controllers.register(ARTICLE, ArticleController)
    app.mount(core_router(ARTICLE), api="article")
    app.mount([{"method": "GET", "path": "/articles-stats", "handler": "article.stats"},
               {"method": "GET", "path": "/articles-refind", "handler": "article.refind"},
               {"method": "GET", "path": "/whoami", "handler": "article.whoami"}], api="article")
    app.route("GET", "/api/reports", _report, config={"auth": {"scope": [REPORT]}})
    app.route("GET", "/api/open", _open, config={"auth": False})
    app.mount_admin()
    app.build()
    if clock is not None:
        assert app.api_tokens is not None
        app.api_tokens.clock = clock
    return app


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
