"""What an entry event's payload holds: the populate that reads it.

Webhook receivers (and ``app.events`` listeners) get the entry a write
made. Strapi users ask for its components and dynamic zones, which a
plain read leaves out (they are populated only when asked for), so every
payload reads them, at every depth: a component inside a component, each
component of a dynamic zone. ``server.webhooks.populateRelations`` adds the
entry's relations and media, one level deep, as Strapi's option does.
Private attributes are not asked for (a public read refuses to name them)
and are stripped from what comes back, at every depth, by ``privacy``.

The populate is worked out once per content-type and kept with the schemas.
"""

from __future__ import annotations

from typing import Any

from .privacy import nameable
from .schema import Component, ContentType, Schemas

__all__ = ["payload_populate"]

Model = ContentType | Component


def payload_populate(schemas: Schemas, ctype: ContentType, relations: bool) -> dict[str, Any]:
    """The populate of ``ctype``'s event payloads: components and dynamic zones at every depth, and
    with ``relations`` its relations and media one level deep; {} when there is nothing to populate."""
    cache: dict[tuple[str, bool], dict[str, Any]] = schemas.derived("payloads.populate", dict)
    key = (ctype.uid, relations)
    found = cache.get(key)
    if found is None:
        found = cache[key] = _populate(schemas, ctype, relations, ())
    return found


def _populate(schemas: Schemas, model: Model, relations: bool, within: tuple[str, ...]) -> dict[str, Any]:
    """``within``: the components this one sits in (Strapi refuses a component that holds itself; the
    check keeps a schema set that does from recursing here)."""
    out: dict[str, Any] = {}
    for attr in model:
        if not nameable(attr, public=True):
            continue
        if attr.type == "component" and attr.component not in within:
            out[attr.name] = _component(schemas, attr.component, within)
        elif attr.type == "dynamiczone":
            out[attr.name] = {"on": {uid: _component(schemas, uid, within)
                                     for uid in attr.components if uid in schemas.components and uid not in within}}
        elif relations and isinstance(model, ContentType) and (attr.is_relation or attr.is_media):
            out[attr.name] = True
    return out


def _component(schemas: Schemas, uid: str | None, within: tuple[str, ...]) -> Any:
    """A component's populate: its own components (and zones) below it, or True when it has none."""
    if uid is None:
        return True
    inner = _populate(schemas, schemas.components[uid], False, (*within, uid))
    return {"populate": inner} if inner else True
