"""``populate=localizations`` on a localized content-type: the other locale rows of each document.

``localizations`` is no attribute: Strapi's i18n plugin adds it to every
localized type. Its populate is taken out of the query's populate before
that is parsed (``split``), and the document service fills it after the
read (``fill``): each entry gets the document's rows in the other locales,
in the same status, with their scalar public fields (or the ``fields``
asked), no media, no relations, no nested localizations; ``[]`` if there
are none. ``populate=*`` includes it, as in Strapi.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import ValidationError
from .language import as_list
from .schema import ContentType

if TYPE_CHECKING:
    from .engine import QueryEngine

__all__ = ["NAME", "split", "fill"]

NAME = "localizations"
#: ``fields`` of the localizations: None for every scalar field.
Fields = tuple[str, ...] | None


def _invalid(source: str) -> ValidationError:
    return ValidationError("Invalid populate of localizations: true, *, or {fields: [...]}",
                           {"key": NAME, "source": source, "param": "populate"})


def split(model: ContentType, populate: Any, source: str = "query") -> tuple[Any, bool, Any]:
    """``(populate without localizations, whether they are asked, their raw fields or None)``."""
    if not model.localized or populate is None:
        return populate, False, None
    if populate is True or populate == "*":
        return populate, True, None
    items = [populate] if isinstance(populate, str) else as_list(populate)
    if items is not None:
        kept: list[Any] = []
        asked = False
        for item in items:
            if not isinstance(item, str):
                kept.append(item)  # the populate parser says what is wrong with it
                continue
            parts = [p.strip() for p in item.split(",")]
            asked = asked or NAME in parts or "*" in parts
            rest = ",".join(p for p in parts if p != NAME)
            if rest:
                kept.append(rest)
        return (kept or None), asked, None
    if isinstance(populate, Mapping) and NAME in populate:
        value = populate[NAME]
        remaining = {k: v for k, v in populate.items() if k != NAME} or None
        if value in (True, "true", "*"):
            return remaining, True, None
        if isinstance(value, Mapping) and set(value) <= {"fields"}:
            return remaining, True, value.get("fields")
        if value in (False, "false"):
            return remaining, False, None
        raise _invalid(source)
    return populate, False, None


def fill(engine: QueryEngine, model: ContentType, entries: list[dict[str, Any]], fields: Fields, status: str | None,
         public: bool) -> None:
    """Give each entry its ``localizations`` (see the module docstring), in place, in one query."""
    documents = sorted({entry["documentId"] for entry in entries if "documentId" in entry})
    if not documents:
        return
    wanted = None if fields is None else tuple(dict.fromkeys((*fields, "locale")))
    rows = engine.find(model.uid, {"filters": {"documentId": {"$in": documents}}, "sort": ["id:asc"],
                                   **({"fields": list(wanted)} if wanted else {})}, status=status, public=public)
    by_document: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_document.setdefault(row["documentId"], []).append(row)
    drop_locale = fields is not None and "locale" not in fields
    for entry in entries:
        others = [row for row in by_document.get(entry.get("documentId", ""), []) if row["id"] != entry.get("id")]
        if drop_locale:
            others = [{k: v for k, v in row.items() if k != "locale"} for row in others]
        entry[NAME] = others
