"""The built-in global middlewares, ``minikoa::<name>`` (``strapi::<name>`` is an alias).

Each lives in its own module and exports a factory
``middleware(config: dict, app) -> middleware | None``: ``config`` holds
Strapi's options for it (camelCase keys, as in ``config/middlewares.py``), and
a factory that has nothing to do per request (its work is configuration)
returns None, so it costs no layer in the onion.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

__all__ = ["BUILTINS", "DEFAULTS", "OPT_IN", "DEFAULT_ORDER", "builtin_factory"]

#: Strapi's default list, in its order: ``config/middlewares.py`` when a project has none.
DEFAULTS: tuple[str, ...] = (
    "errors", "security", "cors", "powered-by", "logger", "query", "body", "session", "favicon", "public",
)

#: The built-ins Strapi documents beyond its default list: a project lists them to use them.
OPT_IN: tuple[str, ...] = ("compression", "ip", "response-time", "responses")

#: Every built-in.
BUILTINS: tuple[str, ...] = DEFAULTS + OPT_IN

DEFAULT_ORDER: list[str] = [f"minikoa::{name}" for name in DEFAULTS]

Factory = Callable[[dict[str, Any], Any], Any]


def builtin_factory(name: str) -> Factory | None:
    """The factory of built-in ``name`` (``"cors"``), or None if there is no such built-in."""
    # Strapi's "poweredBy" and "responseTime" are our "powered-by" and "response-time"
    name = re.sub(r"(?<=[a-z])([A-Z])", r"-\1", name).lower()
    if name not in BUILTINS:
        return None
    module = importlib.import_module(f"{__name__}.{name.replace('-', '_')}")
    return module.middleware
