"""What the REST API lets in and out: Strapi's sanitizers and validators.

* ``check_query``: the REST query parsed and checked once into a public
  ``Query``: every key must be known and public (``Invalid key secret``
  otherwise), before any SQL runs.
* ``check_input``: a write's ``data`` must not name unknown attributes or
  system fields (``Invalid key nope``, ``source: "body"``); private
  attributes are writable, as Strapi allows.
* ``strip_private``: private and password attributes never leave, at any
  depth of populated relations, components and dynamic zones (the rule is
  ``minikoa.content.privacy``'s, the one place that decides it).
* ``to_v4``: Strapi 4's ``{"id", "documentId", "attributes"}`` shape, for
  clients that send ``Strapi-Response-Format: v4``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..content import privacy
from ..content.privacy import strip
from ..content.query import Query, QueryLimits
from ..content.schema import Component, ContentType, Schemas
from ..errors import ValidationError

__all__ = ["check_query", "strip_query", "check_input", "clean_input", "strip_private", "to_v4", "QUERY_KEYS"]

#: The query keys the REST API reads; anything else is ignored, as in Strapi.
QUERY_KEYS = ("filters", "sort", "fields", "populate", "pagination", "status", "locale")
_SYSTEM = ("id", "documentId", "createdAt", "updatedAt", "publishedAt", "locale", "localizations")
#: System keys a client may send and that are dropped, as Strapi 5 drops them.
IGNORED_INPUT = frozenset({"createdAt", "updatedAt", "publishedAt", "createdBy", "updatedBy"})


def clean_input(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` without the system keys Strapi ignores in a write."""
    return {k: v for k, v in data.items() if k not in IGNORED_INPUT}


def check_query(schemas: Schemas, uid: str, query: Mapping[str, Any], limits: QueryLimits | None = None) -> Query:
    """The REST query's known keys, parsed and checked as a public Query (unknown or private keys, and
    anything past ``limits``, are 400s)."""
    return Query.parse(schemas, uid, {key: query[key] for key in QUERY_KEYS if query.get(key) is not None},
                       public=True, source="query", limits=limits)


def strip_query(schemas: Schemas, uid: str, query: Mapping[str, Any]) -> dict[str, Any]:
    """The REST query without whatever names a private attribute (Strapi's ``sanitizeQuery``)."""
    return privacy.strip_query(schemas, schemas[uid], query)


def check_input(model: ContentType, data: Mapping[str, Any], schemas: Schemas | None = None) -> None:
    """Refuse keys a client may not write, with Strapi's error and details.

    The timestamps (``publishedAt`` included: status decides publishing) are
    not refused but ignored, as Strapi 5 ignores them; see ``clean_input``.
    With ``schemas``, components and dynamic-zone entries are checked too
    (``Invalid key nope at seo``, the path being the attribute's, without indexes).
    """
    for key in data:
        if key in ("id", "documentId"):
            raise ValidationError(f"Invalid key {key}", {"key": key, "source": "body"})
        if key in IGNORED_INPUT:
            continue
        attr = model.attributes.get(key)
        if key == "locale" and model.localized:
            raise ValidationError("locale is not written in data: use the locale parameter (?locale=fr)",
                                  {"key": "locale", "source": "body"})
        if attr is None or key in _SYSTEM or attr.get("writable") is False:
            shown = str(key)[:200]
            raise ValidationError(f"Invalid key {shown}", {"key": shown, "path": None, "source": "body"})
    if schemas is not None:
        for key, value in data.items():
            _check_nested(schemas, model.attributes.get(key), value, str(key))


def _check_nested(schemas: Schemas, attr: Any, value: Any, path: str) -> None:
    """Strapi's unrecognised-field check inside a component or dynamic zone attribute ``attr``.

    Shapes that are wrong (not an object, an unknown component) are left to validation, which words
    them as yup does; only the keys of well-formed instances are checked here.
    """
    if attr is None or attr.type not in ("component", "dynamiczone"):
        return
    zone = attr.type == "dynamiczone"
    items = value if isinstance(value, list) and attr.repeatable else [value]
    for item in items:
        if not isinstance(item, Mapping):
            continue
        uid = item.get("__component") if zone else attr.component
        component = schemas.components.get(uid) if isinstance(uid, str) else None
        if component is None:
            continue
        for key, inner in item.items():
            if key == "id" or (zone and key == "__component"):
                continue
            sub = component.attributes.get(key) if isinstance(key, str) else None
            if sub is None:
                shown = str(key)[:200]
                raise ValidationError(f"Invalid key {shown} at {path}", {"key": shown, "path": path,
                                                                          "source": "body"})
            _check_nested(schemas, sub, inner, f"{path}.{key}")


def strip_private(schemas: Schemas, model: ContentType | Component, entry: Any) -> Any:
    """``entry`` (or a list of them) without private and password attributes, at every depth."""
    return strip(schemas, model, entry)


def to_v4(schemas: Schemas, model: ContentType, entry: Any) -> Any:
    """Strapi 4's shape, as Strapi 5 renders it for ``Strapi-Response-Format: v4``."""
    if isinstance(entry, list):
        return [to_v4(schemas, model, item) for item in entry]
    if not isinstance(entry, dict):
        return entry
    attributes: dict[str, Any] = {}
    for key, value in entry.items():
        if key in ("id", "documentId"):
            continue
        attr = model.attributes.get(key)
        if attr is not None and (attr.is_relation or attr.is_media):
            if isinstance(value, dict) and set(value) == {"count"}:
                attributes[key] = {"data": value}
            else:
                attributes[key] = {"data": to_v4(schemas, schemas.types[attr.target], value)}  # type: ignore[index]
        else:
            attributes[key] = value
    return {"id": entry.get("id"), "documentId": entry.get("documentId"), "attributes": attributes}
