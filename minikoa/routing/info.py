"""A route's ``info``: whose route it is and which API it serves, as Strapi tags routes.

Strapi's router stamps every route with ``info`` when it registers it, and
the route reaches policies, middlewares and controllers as
``ctx.state.route``: a project's api routes get ``{"apiName": "article",
"type": "content-api"}``, a plugin's ``{"pluginName": "users-permissions",
"type": "content-api"}``, the admin API's ``{"pluginName": "admin", "type":
"admin"}``, and a route added without any of these ``{"type": "api"}``. Code
reads it to tell, say, an admin request from a content API one.

An ``Info`` is made once per route, when the route is registered, and shared
by every request to it, so it is read-only: keys and attributes both read it
(``info["apiName"]``, ``info.apiName``), nothing writes it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["Info", "route_info", "CONTENT_API", "ADMIN", "API"]

#: The API a route serves: the content API (``/api``), the admin API, or neither (Strapi's default, ``api``).
CONTENT_API = "content-api"
ADMIN = "admin"
API = "api"


class Info(Mapping[str, Any]):
    """A read-only mapping whose keys also read as attributes (``info.apiName``)."""

    __slots__ = ("_items",)

    _items: dict[str, Any]

    def __init__(self, items: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_items", dict(items))

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._items[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a route's info is read-only (it is shared by every request); cannot set {name!r}")

    def __repr__(self) -> str:
        return f"Info({self._items!r})"


def route_info(*, api: str | None = None, plugin: str | None = None, type: str | None = None) -> Info:  # noqa: A002
    """A route's info: ``apiName`` for an api's route, ``pluginName`` for a plugin's, and ``type``.

    ``type`` defaults to ``content-api`` for an api's or a plugin's route and
    to ``api`` otherwise, as Strapi's router does. (Strapi replaces whatever
    ``info`` an api's route declares with its own, and so does minikoa.)
    """
    items: dict[str, Any] = {}
    if plugin is not None:
        items["pluginName"] = plugin
    elif api is not None:
        items["apiName"] = api
    items["type"] = type or (CONTENT_API if (plugin is not None or api is not None) else API)
    return Info(items)
