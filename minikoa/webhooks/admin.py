"""The admin REST API: ``/admin/webhooks``, guarded by the admin token.

The token comes from ``config/admin.py`` (``{"token": env("ADMIN_TOKEN")}``)
or, without one, the ``ADMIN_TOKEN`` environment variable; requests send it
as ``Authorization: Bearer <token>``. Without a valid token every route is
401; with no token configured at all, the admin API refuses everything.

::

    GET    /admin/webhooks                   list
    POST   /admin/webhooks                   create (the answer holds the secret, this once)
    GET    /admin/webhooks/:id               one
    PUT    /admin/webhooks/:id               change name, url, events, headers, enabled
    DELETE /admin/webhooks/:id               remove
    POST   /admin/webhooks/:id/trigger       queue a test delivery
    POST   /admin/webhooks/:id/rotate-secret a new secret (shown this once)
    GET    /admin/webhooks/:id/deliveries    the attempts log (never the receivers' bodies)
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from ..errors import UnauthorizedError, ValidationError
from ..http.context import Context
from .registry import Config, Webhooks

__all__ = ["mount_admin", "is_admin", "AdminApp"]


class AdminApp(Protocol):
    """What the admin API needs of the app (``minikoa.App``)."""

    @property
    def config(self) -> Config: ...

    @property
    def webhooks(self) -> Webhooks: ...

    def route(self, method: str, path: str, handler: Callable[[Context], Any], *, name: str,
              policies: Sequence[Any]) -> Any: ...


def is_admin(ctx: Context, config: Any, app: AdminApp) -> bool:
    """Policy: the request carries the admin token."""
    token = app.config.get("admin.token") or os.environ.get("ADMIN_TOKEN")
    header = ctx.get("Authorization") or ""
    scheme, _, given = header.partition(" ")
    if not token or scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise UnauthorizedError("Missing or invalid admin token", {})
    return True


def _body(ctx: Context) -> dict[str, Any]:
    body = ctx.request_body
    data = body.get("data", body) if isinstance(body, Mapping) else None
    if not isinstance(data, Mapping):
        raise ValidationError('Missing "data" payload in the request body', {})
    return dict(data)


def mount_admin(app: AdminApp) -> None:
    """Add the admin webhook routes to ``app``."""
    hooks = app.webhooks
    policies = [is_admin]

    def list_(ctx: Context) -> Any:
        return {"data": hooks.list()}

    def create(ctx: Context) -> Any:
        data = _body(ctx)
        unknown = set(data) - {"name", "url", "events", "headers", "enabled"}
        if unknown:
            key = sorted(unknown)[0]
            raise ValidationError(f"Invalid key {key}", {"key": key, "source": "body"})
        ctx.status = 201
        return {"data": hooks.create(**data)}

    def one(ctx: Context) -> Any:
        return {"data": hooks.get(ctx.params["id"])}

    def update(ctx: Context) -> Any:
        return {"data": hooks.update(ctx.params["id"], **_body(ctx))}

    def delete(ctx: Context) -> Any:
        hooks.delete(ctx.params["id"])
        ctx.status = 204

    def trigger(ctx: Context) -> Any:
        ctx.status = 202
        return {"data": hooks.trigger(ctx.params["id"])}

    def rotate(ctx: Context) -> Any:
        return {"data": hooks.rotate_secret(ctx.params["id"])}

    def deliveries(ctx: Context) -> Any:
        return {"data": hooks.deliveries(ctx.params["id"])}

    for method, path, handler, name in (
        ("GET", "/admin/webhooks", list_, "admin::webhooks.find"),
        ("POST", "/admin/webhooks", create, "admin::webhooks.create"),
        ("GET", "/admin/webhooks/:id", one, "admin::webhooks.findOne"),
        ("PUT", "/admin/webhooks/:id", update, "admin::webhooks.update"),
        ("DELETE", "/admin/webhooks/:id", delete, "admin::webhooks.delete"),
        ("POST", "/admin/webhooks/:id/trigger", trigger, "admin::webhooks.trigger"),
        ("POST", "/admin/webhooks/:id/rotate-secret", rotate, "admin::webhooks.rotateSecret"),
        ("GET", "/admin/webhooks/:id/deliveries", deliveries, "admin::webhooks.deliveries"),
    ):
        app.route(method, path, handler, name=name, policies=policies)
