"""``core_router(uid)``: Strapi's REST routes of a content-type, for a routes file.

The routes are made when the app mounts them, once the schema is known:
list, one, create, update and delete for a collection type; get, update and
delete for a single type. ``only``, ``exclude`` and per-action ``config``
work as in Strapi's ``factories.createCoreRouter``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .etag import etag

if TYPE_CHECKING:
    from ..app import App

__all__ = ["CoreRouter", "core_router", "ACTIONS"]

#: Strapi's action names, and the method each runs.
ACTIONS = {"find": "find", "findOne": "find_one", "create": "create", "update": "update", "delete": "delete"}


class CoreRouter:
    """The REST routes of a content-type, made when the app mounts them (the schema is known then)."""

    def __init__(self, uid: str, only: Iterable[str] | None = None, exclude: Iterable[str] | None = None,
                 config: Mapping[str, Any] | None = None, prefix: str | None = None) -> None:
        self.uid = uid
        self.only = {_strapi_action(a) for a in only} if only is not None else None
        self.exclude = {_strapi_action(a) for a in exclude or ()}
        self.config = {_strapi_action(k): v for k, v in (config or {}).items()}
        self.prefix = prefix
        for action in (self.only or set()) | self.exclude | set(self.config):
            if action not in ACTIONS:
                raise ValueError(f"core_router({uid!r}): unknown action {action!r} "
                                 f"(actions: {', '.join(ACTIONS)})")

    def resolve(self, app: App) -> list[dict[str, Any]]:
        """Route dicts in Strapi's format for ``app``'s schema of the content-type."""
        if self.uid not in app.content_types:
            raise LookupError(f"core_router: unknown content-type {self.uid!r}")
        ctype = app.content_types[self.uid]
        if ctype.is_single:
            base = f"/{ctype.singular_name}"
            table = [("GET", base, "find"), ("PUT", base, "update"), ("DELETE", base, "delete")]
        else:
            base = f"/{ctype.plural_name}"
            table = [("GET", base, "find"), ("POST", base, "create"), ("GET", base + "/:id", "findOne"),
                     ("PUT", base + "/:id", "update"), ("DELETE", base + "/:id", "delete")]
        routes = []
        for method, path, action in table:
            if (self.only is not None and action not in self.only) or action in self.exclude:
                continue
            config = dict(self.config.get(action) or {})
            if self.prefix is not None:
                config.setdefault("prefix", self.prefix)
            if method == "GET":
                config["middlewares"] = [etag, *(config.get("middlewares") or ())]
            routes.append({"method": method, "path": path, "handler": f"{self.uid}.{action}", "config": config})
        return routes

    def __repr__(self) -> str:
        return f"core_router({self.uid!r})"


def core_router(uid: str, only: Iterable[str] | None = None, exclude: Iterable[str] | None = None,
                config: Mapping[str, Any] | None = None, prefix: str | None = None) -> CoreRouter:
    """The REST routes of ``uid``: list, one, create, update, delete (get/update/delete for single types)."""
    return CoreRouter(uid, only, exclude, config, prefix)


def _strapi_action(name: str) -> str:
    return "findOne" if name == "find_one" else name
