"""Plugins: features built on the seams below them, as Strapi's plugins are.

A plugin adds content-types, routes, policies and steps of the request to
an app, through the same registries and seams a project uses. A project has
the built-in plugins on by default; ``config/plugins.py`` turns one off with
Strapi's key (``{"users-permissions": {"enabled": False}}``) and configures
it (``{"users-permissions": {"config": {...}}}``). An app built in code has
none unless it asks: ``App(plugins=["users-permissions"])``.

* ``users_permissions``: users, roles and permissions, JWT and API tokens.
* ``upload``: the media library (files, image formats, a provider seam).
* ``i18n``: locales, and localized content-types read and written per locale.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .i18n import install as install_i18n
from .upload import install as install_upload
from .users_permissions import install as install_users_permissions

if TYPE_CHECKING:
    from ..app import App

__all__ = ["BUILTIN", "DEFAULT", "install", "enabled_in"]

#: Every built-in plugin, by Strapi's name.
BUILTIN = ("users-permissions", "upload", "i18n")
#: What a project has when ``config/plugins.py`` says nothing.
DEFAULT = ("users-permissions", "upload", "i18n")


def enabled_in(config: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """``(name, its config)`` of the plugins a project's ``config/plugins.py`` leaves on.

    An unknown plugin name is a ValueError naming the closest one.
    """
    found: list[tuple[str, dict[str, Any]]] = []
    for name in config:
        if name not in BUILTIN:
            close = difflib.get_close_matches(str(name), BUILTIN, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (plugins: {', '.join(BUILTIN)})"
            raise ValueError(f"unknown plugin {name!r}{hint}")
    for name in DEFAULT:
        entry = config.get(name) or {}
        if not isinstance(entry, Mapping):
            raise ValueError(f"plugin {name!r}: its entry is a dict ({{'enabled': ..., 'config': {{...}}}})")
        unknown = set(entry) - {"enabled", "config"}
        if unknown:
            raise ValueError(f"plugin {name!r}: unknown key {sorted(unknown)[0]!r} (keys: enabled, config)")
        if entry.get("enabled", True):
            found.append((name, dict(entry.get("config") or {})))
    return found


def install(app: App, name: str, config: Mapping[str, Any] | None = None) -> None:
    """Add plugin ``name`` to ``app`` (before the app is built)."""
    if name == "users-permissions":
        install_users_permissions(app, config or {})
        return
    if name == "upload":
        install_upload(app, config or {})
        return
    if name == "i18n":
        install_i18n(app, config or {})
        return
    close = difflib.get_close_matches(name, BUILTIN, n=1)
    raise ValueError(f"unknown plugin {name!r}" + (f"; did you mean {close[0]!r}?" if close else ""))
