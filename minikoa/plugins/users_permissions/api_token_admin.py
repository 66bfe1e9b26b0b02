"""The admin API of API tokens: ``/admin/api-tokens``, guarded by the admin token as ``/admin/webhooks`` is.

Strapi's routes, statuses and shapes (its admin ``api-token`` controller),
each answer in ``{"data": ...}``; the body is the token's fields, bare as
Strapi's admin sends them (or inside ``{"data": {...}}``, as
``/admin/webhooks`` takes them). The key appears in two answers only, as
``accessKey``: the creation's and the regeneration's. ``lifespan`` is a
string of milliseconds, or null, as Strapi answers its big integers.

::

    GET    /admin/api-tokens                 list, by name           200
    POST   /admin/api-tokens                 create                  201 (with accessKey)
    GET    /admin/api-tokens/:id             one                     200, 404
    PUT    /admin/api-tokens/:id             name, description,      200, 404
                                             type, permissions
    DELETE /admin/api-tokens/:id             revoke                  200 (data null if there was none)
    POST   /admin/api-tokens/:id/regenerate  a new key               201 {id, accessKey}, 404

Without the admin token (``config/admin.py`` ``token``, or ``ADMIN_TOKEN``)
every route is 401 ``UnauthorizedError``; API tokens and JWTs do not open it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from ...errors import ValidationError
from ...http.context import Context
from ...webhooks.admin import is_admin
from .api_tokens import ApiTokens

__all__ = ["mount_admin", "TokensAdminApp"]


class TokensAdminApp(Protocol):
    """What the admin API needs of the app (``minikoa.App``)."""

    @property
    def api_tokens(self) -> ApiTokens | None: ...

    def route(self, method: str, path: str, handler: Callable[[Context], Any], *, name: str,
              policies: Sequence[Any]) -> Any: ...


def _fields(ctx: Context) -> Mapping[str, object]:
    """The token fields a request sends: a JSON object, bare or as ``{"data": {...}}``."""
    body = ctx.request_body
    if isinstance(body, Mapping) and set(body) == {"data"}:
        body = body["data"]
    if not isinstance(body, Mapping):
        raise ValidationError("The request body must be a JSON object of the token's fields", {})
    return body


def _shown(token: Mapping[str, Any]) -> dict[str, Any]:
    """A token as Strapi's admin answers with it: ``accessKey`` (when there is one), ``lifespan`` a string."""
    shown = {key: value for key, value in token.items() if key != "access_key"}
    if shown.get("lifespan") is not None:
        shown["lifespan"] = str(shown["lifespan"])
    if "access_key" in token:
        shown["accessKey"] = token["access_key"]
    return shown


def mount_admin(app: TokensAdminApp) -> None:
    """Add the ``/admin/api-tokens`` routes to ``app``; nothing when it has no API tokens (no users-permissions)."""
    tokens = app.api_tokens
    if tokens is None:
        return

    def list_(ctx: Context) -> Any:
        return {"data": [_shown(token) for token in tokens.list()]}

    def create(ctx: Context) -> Any:
        made = tokens.create_from(_fields(ctx))
        ctx.status = 201
        return {"data": _shown(made)}

    def one(ctx: Context) -> Any:
        return {"data": _shown(tokens.get(ctx.params["id"]))}

    def update(ctx: Context) -> Any:
        return {"data": _shown(tokens.update_from(ctx.params["id"], _fields(ctx)))}

    def revoke(ctx: Context) -> Any:
        gone = tokens.delete(ctx.params["id"])
        return {"data": None if gone is None else _shown(gone)}

    def regenerate(ctx: Context) -> Any:
        made = tokens.regenerate(ctx.params["id"])
        ctx.status = 201
        return {"data": {"id": made["id"], "accessKey": made["access_key"]}}

    for method, path, handler, name in (
        ("GET", "/admin/api-tokens", list_, "admin::api-token.list"),
        ("POST", "/admin/api-tokens", create, "admin::api-token.create"),
        ("GET", "/admin/api-tokens/:id", one, "admin::api-token.get"),
        ("PUT", "/admin/api-tokens/:id", update, "admin::api-token.update"),
        ("DELETE", "/admin/api-tokens/:id", revoke, "admin::api-token.revoke"),
        ("POST", "/admin/api-tokens/:id/regenerate", regenerate, "admin::api-token.regenerate"),
    ):
        app.route(method, path, handler, name=name, policies=[is_admin])
