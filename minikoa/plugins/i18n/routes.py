"""The i18n plugin's content API: ``GET /api/i18n/locales`` (``plugin::i18n.locales.listLocales``).

The answer is a bare array of the locales, by id, each with Strapi's keys
(``id, documentId, name, code, createdAt, updatedAt, publishedAt,
isDefault``). As every content API route, it is refused until a role is
granted its action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...http.context import Context
from ...project.registry import Controller

if TYPE_CHECKING:
    from ...app import App

__all__ = ["CONTROLLER", "ROUTES", "LocalesController", "mount"]

CONTROLLER = "plugin::i18n.locales"
_SOURCE = "<minikoa: i18n>"

ROUTES = [{"method": "GET", "path": "/i18n/locales", "handler": f"{CONTROLLER}.listLocales", "config": {}}]


class LocalesController(Controller):
    """``plugin::i18n.locales``: Strapi's locales controller (the content API part)."""

    def listLocales(self, ctx: Context) -> Any:  # noqa: N802 - Strapi's action name
        locales = self.app.locales
        assert locales is not None, "mounted by the i18n plugin, which sets app.locales"
        return locales.list()


def mount(app: App) -> None:
    """Register the controller and mount ``ROUTES``."""
    app.controllers.register(CONTROLLER, LocalesController, source=_SOURCE)
    app.mount(ROUTES, source=_SOURCE)
