"""Private attributes: the one place that decides what a reader may name and see.

An attribute is private when its schema says ``private: true``; a password
is always private. The REST API and entry events are *public* readers: a
public query may not name a private attribute (through relations
included), and a public read leaves private attributes out at every level
of what it returns. Trusted code reads everything but passwords, which
never leave the database in any answer.

``hidden``, ``shown`` and ``nameable`` are the rules; ``strip`` applies the
output rule to entries built anywhere else (a custom controller's own
data, an event payload).
"""

from __future__ import annotations

from typing import Any

from .schema import Attribute, Component, ContentType, Schemas

__all__ = ["shown", "nameable", "strip"]

Model = ContentType | Component


def shown(attr: Attribute, public: bool) -> bool:
    """Whether a read returns ``attr``: never a password (a write-only field); nothing private to a
    public reader."""
    return not (attr.private if public else attr.field.write_only)


def nameable(attr: Attribute, public: bool) -> bool:
    """Whether a query may name ``attr`` (filter, sort or select on it)."""
    return not (public and attr.private)


def strip(schemas: Schemas, model: Model, entry: Any) -> Any:
    """``entry`` (or a list of them) without private attributes, at every depth of populated
    relations, media, components and dynamic zones; the same object when nothing was removed."""
    return _stripper(schemas, model)(entry)


class _Stripper:
    """What to drop from a model's entries and where to look deeper, worked out once per model.

    REST responses run through this for every entry, so the per-entry work
    is a set lookup per key, and only the keys that can hold nested entries
    are visited further.
    """

    __slots__ = ("private", "nested", "schemas")

    def __init__(self, schemas: Schemas, model: Model) -> None:
        self.schemas = schemas
        self.private = frozenset(attr.name for attr in model if not shown(attr, public=True))
        #: key -> (kind, uid): "model" for relations/media, "component", or "zone"
        self.nested: dict[str, tuple[str, str | None]] = {}
        for attr in model:
            if attr.name in self.private:
                continue
            if attr.is_relation or attr.is_media:
                self.nested[attr.name] = ("model", attr.target)
            elif attr.type == "component":
                self.nested[attr.name] = ("component", attr.component)
            elif attr.type == "dynamiczone":
                self.nested[attr.name] = ("zone", None)

    def __call__(self, entry: Any) -> Any:
        if isinstance(entry, list):
            items = [self(item) for item in entry]
            return entry if all(a is b for a, b in zip(items, entry)) else items
        if not isinstance(entry, dict):
            return entry
        private = self.private
        # Entries read publicly hold no private keys (the query left them out):
        # then this is only a check, and nothing is copied.
        out = {k: v for k, v in entry.items() if k not in private} if private and not private.isdisjoint(entry) \
            else entry
        schemas = self.schemas
        for key, (kind, uid) in self.nested.items():
            value = out.get(key)
            if not isinstance(value, (dict, list)):
                continue
            if kind == "model":
                stripped = _stripper(schemas, schemas.types[uid])(value)  # type: ignore[index]
            elif kind == "component":
                stripped = _stripper(schemas, schemas.components[uid])(value)  # type: ignore[index]
            else:
                stripped = [_stripper(schemas, schemas.components[item["__component"]])(item)
                            if isinstance(item, dict) and item.get("__component") in schemas.components
                            else item for item in value]
            if stripped is not value:
                if out is entry:
                    out = dict(entry)
                out[key] = stripped
        return out


def _stripper(schemas: Schemas, model: Model) -> _Stripper:
    """The stripper of ``model``, made once per set of schemas."""
    cache: dict[str, _Stripper] = schemas.derived("privacy.strippers", dict)
    found = cache.get(model.uid)
    if found is None:
        found = cache[model.uid] = _Stripper(schemas, model)
    return found
