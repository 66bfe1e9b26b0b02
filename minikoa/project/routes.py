"""Strapi's route format, checked: the keys a route and its ``config`` may have, the methods, the path.

A typo here must not leave a route quietly unprotected (``"polices"``
instead of ``"policies"``), so every unknown key, method or malformed path
is an error when the route is registered, naming where it came from and
the closest valid name.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["METHODS", "ROUTE_KEYS", "CONFIG_KEYS", "check_route", "check_config", "check_method", "check_path"]

#: The methods a route may answer (HEAD is answered for GET too).
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
#: The keys of a route dict (Strapi's ``info`` is accepted and unused).
ROUTE_KEYS = ("method", "path", "handler", "config", "info")
#: The keys of a route's ``config``: Strapi's, and what API documentation reads.
CONFIG_KEYS = ("policies", "middlewares", "auth", "prefix", "description", "summary", "tags", "deprecated")


def _closest(name: str, known: Iterable[str]) -> str:
    found = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {found[0]!r}?" if found else f" (known: {', '.join(known)})"


def check_method(method: Any) -> str:
    """``method`` upper-cased, or a ValueError naming the closest method."""
    if not isinstance(method, str):
        raise ValueError(f"a route method is a string, not {method!r}")
    upper = method.upper()
    if upper not in METHODS:
        raise ValueError(f"unknown HTTP method {method!r}{_closest(upper, METHODS)}")
    return upper


def check_path(path: Any) -> str:
    """``path`` if it is a string starting with ``/``, else a ValueError."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError(f"a route path starts with '/': {path!r}")
    return path


def check_config(config: Any) -> dict[str, Any]:
    """A route's ``config`` as a dict, or a ValueError naming the unknown key and the closest known one."""
    if config is None:
        return {}
    if not isinstance(config, Mapping):
        raise ValueError(f"a route's config is a dict, not {config!r}")
    for key in config:
        if key not in CONFIG_KEYS:
            raise ValueError(f"unknown route config key {key!r}{_closest(str(key), CONFIG_KEYS)}")
    return dict(config)


def check_route(route: Any) -> None:
    """A route dict of Strapi's format: its keys, method and path (the handler is resolved elsewhere)."""
    if not isinstance(route, Mapping):
        raise ValueError(f"a route is a dict with method, path and handler, not {route!r}")
    for key in route:
        if key not in ROUTE_KEYS:
            raise ValueError(f"unknown route key {key!r}{_closest(str(key), ROUTE_KEYS)}")
    missing = [key for key in ("method", "path", "handler") if key not in route]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    check_method(route["method"])
    check_path(route["path"])
    check_config(route.get("config"))
