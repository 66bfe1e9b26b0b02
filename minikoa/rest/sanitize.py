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

from ..content.engine import check_params
from ..content.schema import Component, ContentType, Schemas
from ..errors import ValidationError

__all__ = ["check_query", "check_input", "clean_input", "strip_private", "to_v4", "QUERY_KEYS"]

#: The query keys the REST API reads; anything else is ignored, as in Strapi.
QUERY_KEYS = ("filters", "sort", "fields", "populate", "pagination")
_SYSTEM = ("id", "documentId", "createdAt", "updatedAt", "publishedAt", "locale", "localizations")
#: System keys a client may send and that are dropped, as Strapi 5 drops them.
IGNORED_INPUT = frozenset({"createdAt", "updatedAt", "publishedAt", "createdBy", "updatedBy"})


def clean_input(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` without the system keys Strapi ignores in a write."""
    return {k: v for k, v in data.items() if k not in IGNORED_INPUT}


def check_query(schemas: Schemas, uid: str, query: Mapping[str, Any]) -> dict[str, Any]:
    """The REST query's known keys, checked (unknown or private keys are 400s)."""
    params = {key: query[key] for key in QUERY_KEYS if key in query and query[key] is not None}
    if params:
        check_params(schemas, uid, params, allow_private=False, source="query")
    return params


def check_input(model: ContentType, data: Mapping[str, Any]) -> None:
    """Refuse keys a client may not write, with Strapi's error and details.

    The timestamps (``publishedAt`` included: status decides publishing) are
    not refused but ignored, as Strapi 5 ignores them; see ``clean_input``.
    """
    for key in data:
        if key in ("id", "documentId"):
            raise ValidationError(f"Invalid key {key}", {"key": key, "source": "body"})
        if key in IGNORED_INPUT:
            continue
        attr = model.attributes.get(key)
        if attr is None or key in _SYSTEM or attr.get("writable") is False:
            shown = str(key)[:200]
            raise ValidationError(f"Invalid key {shown}", {"key": shown, "path": None, "source": "body"})


def strip_private(schemas: Schemas, model: ContentType | Component, entry: Any) -> Any:
    """``entry`` (or a list of them) without private and password attributes, at every depth."""
    return _stripper(schemas, model)(entry)


class _Stripper:
    """What to drop from a model's entries and where to look deeper, worked out once per model.

    REST responses run through this for every entry, so the per-entry work
    is a set lookup per key, and only the keys that can hold nested entries
    are visited further.
    """

    __slots__ = ("private", "nested", "schemas")

    def __init__(self, schemas: Schemas, model: ContentType | Component) -> None:
        self.schemas = schemas
        self.private = frozenset(attr.name for attr in model if attr.private)
        #: key -> (kind, uid): "model" for relations/media, "component", or "zone"
        self.nested: dict[str, tuple[str, str | None]] = {}
        for attr in model:
            if attr.private:
                continue
            if attr.is_relation or attr.is_media:
                self.nested[attr.name] = ("model", attr.target)
            elif attr.type == "component":
                self.nested[attr.name] = ("component", attr.component)
            elif attr.type == "dynamiczone":
                self.nested[attr.name] = ("zone", None)

    def __call__(self, entry: Any) -> Any:
        """``entry`` without private keys; the same object when there was nothing to remove."""
        if isinstance(entry, list):
            items = [self(item) for item in entry]
            return entry if all(a is b for a, b in zip(items, entry)) else items
        if not isinstance(entry, dict):
            return entry
        private = self.private
        # Entries read for the API hold no private keys (the query left them
        # out): then this is only a check, and nothing is copied.
        out = {k: v for k, v in entry.items() if k not in private} if private and not private.isdisjoint(entry) \
            else entry
        for key, (kind, uid) in self.nested.items():
            value = out.get(key)
            if not isinstance(value, (dict, list)):
                continue
            if kind == "model":
                stripped = _stripper(self.schemas, self.schemas.types[uid])(value)
            elif kind == "component":
                stripped = _stripper(self.schemas, self.schemas.components[uid])(value)
            else:
                stripped = [_stripper(self.schemas, self.schemas.components[item["__component"]])(item)
                            if isinstance(item, dict) and item.get("__component") in self.schemas.components
                            else item for item in value]
            if stripped is not value:
                if out is entry:
                    out = dict(entry)
                out[key] = stripped
        return out


def _stripper(schemas: Schemas, model: ContentType | Component) -> _Stripper:
    """The stripper of ``model``, made once per set of schemas."""
    try:
        return schemas._strippers[model.uid]  # type: ignore[attr-defined]
    except AttributeError:
        schemas._strippers = {}  # type: ignore[attr-defined]
    except KeyError:
        pass
    found = schemas._strippers[model.uid] = _Stripper(schemas, model)  # type: ignore[attr-defined]
    return found


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
