"""The i18n plugin: locales for content, as Strapi 5 does it.

``install(app, config)`` adds, through the seams a project uses:

* the content-type ``plugin::i18n.locale`` and ``app.locales``
  (``locales``): ``list()``, ``create(code, name)``, ``delete(code)``, with
  codes checked against the ISO list (``isocodes``); the default locale
  (``i18n.config.defaultLocale``, ``"en"`` when unset; ``settings``) is
  made at the first start;
* ``GET /api/i18n/locales`` (``routes``), the plugin action
  ``plugin::i18n.locales.listLocales``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .isocodes import check_code
from .locales import LOCALE, SCHEMA, Locales
from .routes import mount
from .settings import I18nSettings

if TYPE_CHECKING:
    from ...app import App

__all__ = ["install", "Locales", "I18nSettings", "LOCALE", "check_code"]


def install(app: App, config: Mapping[str, Any]) -> None:
    """Add the i18n plugin to ``app`` (see the module docstring); a ValueError for bad config."""
    settings = I18nSettings.parse(config)
    app.content_types.register(LOCALE, SCHEMA, source="<minikoa: i18n>")
    # Content-types whose pluginOptions say localized get a locale column from now on.
    app.content_types.default_locale = settings.default_locale
    locales = Locales(lambda: app.db, settings.default_locale)
    app.locales = locales
    app.content_types.known_locale = locales.known
    app.db.on_setup(locales.ensure_default)

    def purge(code: str) -> None:
        """What was written in a locale goes with it (as in Strapi), in the deleting transaction."""
        for ctype in app.content_types.types.values():
            if ctype.localized:
                app.db.query(ctype.uid).delete_many(where={"locale": code})
    locales.on_delete.append(purge)
    mount(app)
