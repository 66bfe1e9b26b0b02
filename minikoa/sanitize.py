"""What the REST API lets in and out: Strapi's sanitizers and validators.

* ``check_query``: every key of a REST query must be known and public
  (``Invalid key secret`` otherwise), before any SQL runs.
* ``check_input``: a write's ``data`` must not name unknown attributes or
  system fields (``Invalid key nope``, ``source: "body"``); private
  attributes are writable, as Strapi allows.
* ``strip_private``: private and password attributes never leave, at any
  depth of populated relations, components and dynamic zones.
* ``to_v4``: Strapi 4's ``{"id", "documentId", "attributes"}`` shape, for
  clients that send ``Strapi-Response-Format: v4``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import ValidationError
from .query import check_params
from .schema import Component, ContentType, Schemas

__all__ = ["check_query", "check_input", "strip_private", "to_v4", "QUERY_KEYS"]

#: The query keys the REST API reads; anything else is ignored, as in Strapi.
QUERY_KEYS = ("filters", "sort", "fields", "populate", "pagination")
_SYSTEM = ("id", "documentId", "createdAt", "updatedAt", "publishedAt", "locale", "localizations")


def check_query(schemas: Schemas, uid: str, query: Mapping[str, Any]) -> dict[str, Any]:
    """The REST query's known keys, checked (unknown or private keys are 400s)."""
    params = {key: query[key] for key in QUERY_KEYS if key in query and query[key] is not None}
    check_params(schemas, uid, params, allow_private=False, source="query")
    return params


def check_input(model: ContentType, data: Mapping[str, Any]) -> None:
    """Refuse keys a client may not write, with Strapi's error and details."""
    for key in data:
        if key in ("id", "documentId"):
            raise ValidationError(f"Invalid key {key}", {"key": key, "source": "body"})
        attr = model.attributes.get(key)
        if attr is None or key in _SYSTEM or attr.get("writable") is False:
            shown = str(key)[:200]
            raise ValidationError(f"Invalid key {shown}", {"key": shown, "path": None, "source": "body"})


def strip_private(schemas: Schemas, model: ContentType | Component, entry: Any) -> Any:
    """``entry`` (or a list of them) without private and password attributes, at every depth."""
    if isinstance(entry, list):
        return [strip_private(schemas, model, item) for item in entry]
    if not isinstance(entry, dict):
        return entry
    out: dict[str, Any] = {}
    for key, value in entry.items():
        attr = model.attributes.get(key)
        if attr is None:
            out[key] = value
            continue
        if attr.private:
            continue
        if value is None or not isinstance(value, (dict, list)):
            out[key] = value
        elif attr.is_relation or attr.is_media:
            out[key] = strip_private(schemas, schemas.types[attr.target], value)
        elif attr.type == "component":
            out[key] = strip_private(schemas, schemas.components[attr.component], value)
        elif attr.type == "dynamiczone":
            out[key] = [strip_private(schemas, schemas.components[item["__component"]], item)
                        if isinstance(item, dict) and item.get("__component") in schemas.components else item
                        for item in value]
        else:
            out[key] = value
    return out


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
                attributes[key] = {"data": to_v4(schemas, schemas.types[attr.target], value)}
        else:
            attributes[key] = value
    return {"id": entry.get("id"), "documentId": entry.get("documentId"), "attributes": attributes}
