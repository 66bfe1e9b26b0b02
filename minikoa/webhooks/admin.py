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
from collections.abc import Mapping
from typing import Any

from ..errors import UnauthorizedError, ValidationError

__all__ = ["mount_admin", "is_admin"]


def is_admin(ctx: Any, config: Any, app: Any) -> bool:
    """Policy: the request carries the admin token."""
    token = app.config.get("admin.token") or os.environ.get("ADMIN_TOKEN")
    header = ctx.get("Authorization") or ""
    scheme, _, given = header.partition(" ")
    if not token or scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise UnauthorizedError("Missing or invalid admin token", {})
    return True


def _body(ctx: Any) -> dict[str, Any]:
    body = ctx.request_body
    data = body.get("data", body) if isinstance(body, Mapping) else None
    if not isinstance(data, Mapping):
        raise ValidationError('Missing "data" payload in the request body', {})
    return dict(data)


def mount_admin(app: Any) -> None:
    """Add the admin webhook routes to ``app``."""
    hooks = lambda: app.webhooks  # noqa: E731 - the registry is made when the app is built
    policies = [is_admin]

    def list_(ctx: Any) -> Any:
        return {"data": hooks().list()}

    def create(ctx: Any) -> Any:
        data = _body(ctx)
        unknown = set(data) - {"name", "url", "events", "headers", "enabled"}
        if unknown:
            key = sorted(unknown)[0]
            raise ValidationError(f"Invalid key {key}", {"key": key, "source": "body"})
        ctx.status = 201
        return {"data": hooks().create(**data)}

    def one(ctx: Any) -> Any:
        return {"data": hooks().get(ctx.params["id"])}

    def update(ctx: Any) -> Any:
        return {"data": hooks().update(ctx.params["id"], **_body(ctx))}

    def delete(ctx: Any) -> Any:
        hooks().delete(ctx.params["id"])
        ctx.status = 204

    def trigger(ctx: Any) -> Any:
        ctx.status = 202
        return {"data": hooks().trigger(ctx.params["id"])}

    def rotate(ctx: Any) -> Any:
        return {"data": hooks().rotate_secret(ctx.params["id"])}

    def deliveries(ctx: Any) -> Any:
        return {"data": hooks().deliveries(ctx.params["id"])}

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
