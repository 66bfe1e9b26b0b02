"""The locales of an app (``app.locales``) and their content-type ``plugin::i18n.locale``.

A locale is a row of ``i18n_locale`` (``name``, ``code``), as in Strapi;
which one is the default is configuration (``i18n.config.defaultLocale``),
so ``isDefault`` is worked out when locales are read, not stored. The
default locale is made at the first start (``ensure_default``). Codes are
checked against the known ISO list (``isocodes``) when a locale is made.

Requests on localized content ask ``known(code)`` often; the codes are kept
in memory and read again from the database when a code is not among them
(a locale made by another worker process is then found). A locale deleted
by another process stays known here until this process reads them again.
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...errors import NotFoundError, ValidationError
from .isocodes import check_code, default_name

if TYPE_CHECKING:
    from ...content.documents import DocumentService
    from ...content.layer import ModelLayer

__all__ = ["LOCALE", "SCHEMA", "Locales"]

LOCALE = "plugin::i18n.locale"

#: Strapi's schema of the locale content-type.
SCHEMA: dict[str, Any] = {
    "kind": "collectionType", "collectionName": "i18n_locale",
    "info": {"singularName": "locale", "pluralName": "locales", "displayName": "Locale",
             "description": ""},
    "options": {"draftAndPublish": False},
    "pluginOptions": {"content-manager": {"visible": False}, "content-type-builder": {"visible": False}},
    "attributes": {
        "name": {"type": "string", "minLength": 1, "maxLength": 50, "configurable": False},
        "code": {"type": "string", "unique": True, "configurable": False},
    },
}


class Locales:
    """The app's locales: ``list()``, ``create(code, name)``, ``delete(code)``, ``default``, ``known(code)``."""

    def __init__(self, layer: Callable[[], ModelLayer], default: str) -> None:
        self._layer = layer
        #: the default locale's code (``i18n.config.defaultLocale``)
        self.default = default
        self._codes: frozenset[str] = frozenset()
        self._lock = threading.Lock()
        #: hooks run inside the transaction that deletes a locale, with its code (its content goes too)
        self.on_delete: list[Callable[[str], None]] = []

    @property
    def _service(self) -> DocumentService:
        return self._layer().documents(LOCALE)

    def _out(self, entry: dict[str, Any]) -> dict[str, Any]:
        return {**entry, "isDefault": entry["code"] == self.default}

    def list(self) -> list[dict[str, Any]]:
        """Every locale, by id: Strapi's keys and ``isDefault`` last."""
        found = [self._out(entry) for entry in self._service.find_many(sort="id")]
        self._remember(entry["code"] for entry in found)
        return found

    def get(self, code: str) -> dict[str, Any] | None:
        """The locale ``code``, or None."""
        found = self._service.find_first(filters={"code": {"$eq": code}})
        return self._out(found) if found else None

    def create(self, code: str, name: str | None = None) -> dict[str, Any]:
        """Add the locale ``code`` (named ``"French (fr)"`` unless ``name`` says otherwise).

        A code outside the ISO list, or one that exists already, is a ValidationError.
        """
        try:
            code = check_code(code)
        except ValueError as exc:
            raise ValidationError(str(exc), {"key": "code"}) from None
        if name is not None and (not isinstance(name, str) or not 1 <= len(name) <= 50):
            raise ValidationError(f"a locale's name is 1 to 50 characters, not {name!r}", {"key": "name"})
        layer = self._layer()
        with layer.atomic():
            if self.get(code) is not None:
                raise ValidationError("This locale already exists", {"key": "code", "code": code})
            created = self._service.create(data={"code": code, "name": name or default_name(code)})
        self._forget()
        return self._out(created)

    def delete(self, code: str) -> dict[str, Any]:
        """Remove the locale ``code`` and every entry written in it; the deleted locale.

        The default locale cannot be deleted (a ValidationError, as in Strapi); an unknown code is a
        NotFoundError.
        """
        if code == self.default:
            raise ValidationError("Cannot delete the default locale", {"key": "code", "code": code})
        layer = self._layer()
        with layer.atomic():
            found = self.get(code)
            if found is None:
                raise NotFoundError(f"No locale {code!r}", {"code": code})
            for hook in self.on_delete:
                hook(code)
            self._service.delete(found["documentId"])
        self._forget()
        return found

    def known(self, code: str) -> bool:
        """Whether ``code`` is one of the app's locales (read again from the database on a miss)."""
        if code in self._codes:
            return True
        codes = {entry["code"] for entry in self._service.find_many(fields=["code"])}
        self._remember(codes)
        return code in codes

    def codes(self) -> builtins.list[str]:
        """The codes of every locale, by id."""
        return [entry["code"] for entry in self.list()]

    def ensure_default(self) -> None:
        """Make the default locale if it is not there yet (the first start, or a new ``defaultLocale``).

        Workers starting together may race to make it: the loser finds it made, which is no error.
        """
        if self.get(self.default) is not None:
            return
        try:
            self.create(self.default)
        except ValidationError:
            self._forget()
            if self.get(self.default) is None:
                raise

    def _remember(self, codes: Any) -> None:
        with self._lock:
            self._codes = frozenset(codes)

    def _forget(self) -> None:
        with self._lock:
            self._codes = frozenset()
