"""The keys minikoa reads in ``config/server.py`` and ``config/api.py``, checked when a project loads.

A misspelt key in these files would otherwise be ignored in silence (``prot``
for ``port``, ``defaultLimt``): the value the developer meant never applies.
Each known key is listed with the keys it may hold; Strapi keys minikoa
accepts but has no use for (``url``, ``cron``, ``dirs``...) are known too,
so a Strapi project's files load. Other files check their own keys where
they are read (middlewares, plugins, openapi, the database client).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

__all__ = ["check_keys", "KNOWN"]

_WEBHOOKS = ("defaultHeaders", "populateRelations", "allowPrivate", "allowList", "endpoints", "workers",
             "timeout", "schedule", "jitter", "leaseSeconds", "perWebhook", "pollInterval", "shutdownDeadline")
#: file -> {key: None (any value) or the keys its dict may hold}
KNOWN: dict[str, dict[str, tuple[str, ...] | None]] = {
    "server": {"host": None, "port": None, "app": ("keys",), "proxy": None, "webhooks": _WEBHOOKS, "url": None,
               "socket": None, "emitErrors": None, "cron": None, "dirs": None, "logger": None, "http": None,
               "transfer": None, "admin": None},
    "api": {"rest": ("prefix", "defaultLimit", "maxLimit", "withCount", "maxPopulateDepth", "maxRelationDepth",
                     "maxPopulated"),
            "responses": ("privateAttributes",)},
}


def _unknown(key: Any, known: tuple[str, ...] | list[str], where: str) -> str:
    close = difflib.get_close_matches(str(key), list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f" (keys: {', '.join(known)})"
    return f"unknown key {where + str(key)!r}{hint}"


def check_keys(name: str, config: Any) -> None:
    """ValueError naming the first unknown key of ``config/<name>.py``'s dict (files not in KNOWN pass)."""
    known = KNOWN.get(name)
    if known is None or not isinstance(config, Mapping):
        return
    for key, value in config.items():
        if key not in known:
            raise ValueError(_unknown(key, list(known), ""))
        inner = known[key]
        if inner is not None and isinstance(value, Mapping):
            for sub in value:
                if sub not in inner:
                    raise ValueError(_unknown(sub, inner, f"{key}."))
