"""Private fields: the one place that decides what a reader may name and see.

A field is private when its schema says ``private: true``, when it is a
password (always), or when it is listed, as in Strapi, in the model's
``options.privateAttributes`` or in ``config/api.py``'s
``responses.privateAttributes`` (every content-type and component). A list
may name system fields too (``createdAt``, ``updatedAt``, ``publishedAt``),
which Strapi hides the same way. The REST API and entry events are
*public* readers: a public query may not name a private field (through
relations included), and a public read leaves private fields out at every
level of what it returns. Trusted code reads everything but passwords,
which never leave the database in any answer.

``compile_private`` works the lists out once, when the app is set up, into each
model's ``private_names``; ``shown``, ``nameable`` and ``system_nameable``
are the rules; ``strip`` applies the output rule to entries built anywhere
else (a custom controller's own data, an event payload).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from .language import operands, system_keys
from .schema import Attribute, Component, ContentType, SchemaError, Schemas

__all__ = ["compile_private", "shown", "nameable", "system_nameable", "strip", "strip_query"]

log = logging.getLogger("minikoa.content")

Model = ContentType | Component


def compile_private(schemas: Schemas, listed: Iterable[str] = ()) -> None:
    """Work out every model's ``private_names`` once: its private attributes and passwords, its
    ``options.privateAttributes``, and ``listed`` (``api.responses.privateAttributes``).

    A list that is not a list of names is a SchemaError naming the file. A name a model does not
    have is kept (a global list names fields that only some types have) and, in a schema's own
    list, logged: Strapi accepts it silently, so a schema written for Strapi still loads.
    """
    listed = _names("config/api.py: responses.privateAttributes", listed)
    models: tuple[Model, ...] = (*schemas.types.values(), *schemas.components.values())
    for model in models:
        options = model.schema.get("options") or {}
        own = _names(f"{model.source}: options.privateAttributes", options.get("privateAttributes") or ())
        system = system_keys(model)
        for name in own:
            if name not in model.attributes and name not in system:
                log.warning("%s: options.privateAttributes names %r, which %s does not have",
                            model.source, name, model.uid)
        model.private_names = frozenset(
            {*listed, *own, *(attr.name for attr in model if attr.private)})


def _names(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise SchemaError(f"{where} must be a list of field names, not {value!r}")
    return tuple(value)


def _private(attr: Attribute) -> bool:
    # ``attr.private`` too: a schema set used before ``compile_private`` still hides what its schemas mark private.
    return attr.private or attr.name in attr.parent.private_names


def shown(attr: Attribute, public: bool) -> bool:
    """Whether a read returns ``attr``: never a password (a write-only field); nothing private to a
    public reader."""
    return not (_private(attr) if public else attr.field.write_only)


def nameable(attr: Attribute, public: bool) -> bool:
    """Whether a query may name ``attr`` (filter, sort or select on it)."""
    return not (public and _private(attr))


def system_nameable(model: Model, key: str, public: bool) -> bool:
    """Whether a query may name system field ``key`` (``createdAt``), and a read return it."""
    return not (public and key in model.private_names)


def strip(schemas: Schemas, model: Model, entry: Any) -> Any:
    """``entry`` (or a list of them) without private attributes, at every depth of populated
    relations, media, components and dynamic zones; the same object when nothing was removed."""
    return _stripper(schemas, model)(entry)


class _Stripper:
    """What to drop from a model's entries and where to look deeper, worked out once per model.

    REST responses run through this for every entry, so the per-entry work
    is a set lookup per key, and only the keys that can hold nested entries
    are visited further, by the strippers of their models, found once.
    """

    __slots__ = ("private", "nested", "schemas", "_inner")

    def __init__(self, schemas: Schemas, model: Model) -> None:
        self.schemas = schemas
        # Private attributes, and the system fields a list names (they are no attributes).
        self.private = frozenset(attr.name for attr in model if not shown(attr, public=True)) | frozenset(
            name for name in model.private_names if name not in model.attributes)
        #: key -> the uid of the model its entries are (relations, media, components); None: a dynamic zone
        self.nested: dict[str, str | None] = {}
        for attr in model:
            if attr.name in self.private:
                continue
            if attr.is_relation or attr.is_media:
                self.nested[attr.name] = attr.target
            elif attr.type == "component":
                self.nested[attr.name] = attr.component
            elif attr.type == "dynamiczone":
                self.nested[attr.name] = None
        #: uid -> its stripper, found on first use (the models may refer to each other)
        self._inner: dict[str, _Stripper] = {}

    def _of(self, uid: str) -> _Stripper:
        found = self._inner.get(uid)
        if found is None:
            schemas = self.schemas
            model = schemas.types[uid] if uid in schemas.types else schemas.components[uid]
            found = self._inner[uid] = _stripper(schemas, model)
        return found

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
        for key, uid in self.nested.items():
            value = out.get(key)
            if not isinstance(value, (dict, list)):
                continue
            if uid is not None:
                stripped = self._of(uid)(value)
            else:
                components = self.schemas.components
                stripped = [self._of(item["__component"])(item)
                            if isinstance(item, dict) and item.get("__component") in components
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


# -- queries: what Strapi's sanitizeQuery leaves of them ---------------------------------------------

def strip_query(schemas: Schemas, model: Model, params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` without what names a private attribute, anywhere: Strapi's ``sanitizeQuery``.

    Filters on private attributes (through relations and components
    included), sort paths through one, private fields and populated private
    attributes are left out; everything else is kept as given, to be
    checked as usual (an unknown key stays a 400).
    """
    out = dict(params)
    if isinstance(params.get("filters"), Mapping):
        out["filters"] = _strip_filters(schemas, model, params["filters"])
    if params.get("sort") is not None:
        out["sort"] = _strip_sort(schemas, model, params["sort"])
    if params.get("fields") is not None:
        out["fields"] = _strip_fields(model, params["fields"])
    if params.get("populate") is not None:
        out["populate"] = _strip_populate(schemas, model, params["populate"])
    return out


def _kept(items: list[Any]) -> list[Any]:
    """A list of names or paths without those that stripping emptied."""
    return [item for item in items if item != "" and item != {}]


def _unnameable(model: Model, key: Any) -> bool:
    if not isinstance(key, str):
        return False
    attr = model.attributes.get(key)
    return not nameable(attr, public=True) if attr is not None else key in model.private_names


def _inner(schemas: Schemas, attr: Attribute) -> Model | None:
    """The model a relation, media or component attribute leads to (None for anything else)."""
    if attr.is_linked:
        return schemas.target(attr)
    if attr.type == "component":
        return schemas.component(attr)
    return None


def _strip_filters(schemas: Schemas, model: Model, filters: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in filters.items():
        if key in ("$and", "$or"):
            out[key] = [_strip_filters(schemas, model, item) if isinstance(item, Mapping) else item
                        for item in operands(value)]
        elif key == "$not":
            out[key] = _strip_filters(schemas, model, value) if isinstance(value, Mapping) else value
        elif _unnameable(model, key):
            continue
        else:
            attr = model.attributes.get(key) if isinstance(key, str) else None
            inner = _inner(schemas, attr) if attr is not None else None
            out[key] = _strip_filters(schemas, inner, value) if inner is not None and isinstance(value, Mapping) \
                else value
    return out


def _walks_private(schemas: Schemas, model: Model, segments: list[str]) -> bool:
    """Whether a dotted path names a private attribute anywhere along it."""
    current: Model | None = model
    for segment in segments:
        if current is None:
            return False
        attr = current.attributes.get(segment)
        if attr is None:
            return segment in current.private_names  # a private system field; else unknown: left to the check
        if not nameable(attr, public=True):
            return True
        current = _inner(schemas, attr)
    return False


def _strip_sort(schemas: Schemas, model: Model, sort: Any, prefix: tuple[str, ...] = ()) -> Any:
    if isinstance(sort, str):
        kept = [part for part in sort.split(",") if not _walks_private(
            schemas, model, [*prefix, *part.partition(":")[0].strip().split(".")])]
        return ",".join(kept)
    if isinstance(sort, list):
        return _kept([_strip_sort(schemas, model, item, prefix) for item in sort])
    if isinstance(sort, Mapping):
        out: dict[str, Any] = {}
        for key, value in sort.items():
            path = (*prefix, *str(key).split("."))
            if _walks_private(schemas, model, list(path)):
                continue
            out[key] = _strip_sort(schemas, model, value, path) if isinstance(value, Mapping) else value
        return out
    return sort


def _strip_fields(model: Model, fields: Any) -> Any:
    if isinstance(fields, str):
        return ",".join(name for name in fields.split(",") if not _unnameable(model, name.strip()))
    if isinstance(fields, list):
        return _kept([_strip_fields(model, item) for item in fields])
    if isinstance(fields, Mapping):
        return {key: _strip_fields(model, item) for key, item in fields.items()}
    return fields


def _strip_populate(schemas: Schemas, model: Model, populate: Any) -> Any:
    if isinstance(populate, str):
        return ",".join(part for part in populate.split(",")
                        if not _walks_private(schemas, model, part.strip().split(".")))
    if isinstance(populate, list):
        return _kept([_strip_populate(schemas, model, item) for item in populate])
    if not isinstance(populate, Mapping):
        return populate
    out: dict[str, Any] = {}
    for key, value in populate.items():
        if isinstance(key, str) and key.isdigit():  # qs's {"0": "a", "1": "b"} list
            out[key] = _strip_populate(schemas, model, value)
            continue
        if _unnameable(model, key):
            continue
        attr = model.attributes.get(key) if isinstance(key, str) else None
        inner = _inner(schemas, attr) if attr is not None else None
        if inner is None or not isinstance(value, Mapping):
            out[key] = value
            continue
        options = dict(value)
        if isinstance(options.get("fields"), (str, list, Mapping)):
            options["fields"] = _strip_fields(inner, options["fields"])
        if isinstance(options.get("filters"), Mapping):
            options["filters"] = _strip_filters(schemas, inner, options["filters"])
        if options.get("sort") is not None:
            options["sort"] = _strip_sort(schemas, inner, options["sort"])
        if options.get("populate") is not None:
            options["populate"] = _strip_populate(schemas, inner, options["populate"])
        out[key] = options
    return out
