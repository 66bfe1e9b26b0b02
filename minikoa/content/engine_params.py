"""The query engine's parameters (Strapi's ``strapi.db.query``): named, checked, then translated.

``app.db.query(uid)`` takes Strapi's parameters, as keywords or as one dict,
in camelCase or snake_case: ``where``, ``select``, ``orderBy`` /
``order_by``, ``offset``, ``limit``, ``populate``, ``data``. Each method
takes the ones Strapi's takes (``gather``); anything else is a
``QueryError`` naming it and the closest valid name, never ignored.

The engine underneath speaks the REST query language (``Query``), whose
words differ but whose meaning is the same: ``where`` is ``filters``,
``select`` is ``fields``, ``orderBy`` is ``sort``, and a populate's
``{"select", "where", "orderBy", "populate", "count", "on"}`` are its
``fields``, ``filters``, ``sort``, ``populate``, ``count`` and ``on``.
``translate`` maps one to the other; ``explain`` turns the checker's
``Invalid key`` errors (an unknown attribute or operator) into a
``QueryError`` that names the closest valid one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ValidationError
from .language import OPERATORS, Model, as_list, system_keys
from .schema import ContentType, Schemas

__all__ = ["QueryError", "gather", "translate", "explain", "closest"]

#: snake_case name -> Strapi's camelCase, for the parameters spelled differently.
_CAMEL = {"order_by": "orderBy"}
_SNAKE = {camel: snake for snake, camel in _CAMEL.items()}
#: The REST name of each read parameter, and back.
_REST = {"where": "filters", "select": "fields", "order_by": "sort", "populate": "populate"}
_ENGINE = {rest: _CAMEL.get(engine, engine) for engine, rest in _REST.items()}
#: What a populate's nested object takes, in the query engine's words -> the REST words.
_POPULATE_KEYS = {"select": "fields", "where": "filters", "orderBy": "sort", "order_by": "sort",
                  "populate": "populate", "count": "count", "on": "on"}


class QueryError(ValueError):
    """A query engine call that names something unknown: a parameter, an attribute, an operator.

    ``name`` is what was unknown and ``closest`` the valid name nearest to it (None when none is near).
    """

    def __init__(self, message: str, name: str | None = None, closest: str | None = None) -> None:
        super().__init__(message)
        self.name = name
        self.closest = closest


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to ``name`` (a case-insensitive match first), or None."""
    options = list(candidates)
    lowered = {c.lower(): c for c in options}
    if name.lower() in lowered:
        return lowered[name.lower()]
    found = difflib.get_close_matches(name, options, n=1, cutoff=0.5)
    return found[0] if found else None


def _hint(name: str, candidates: Iterable[str]) -> tuple[str, str | None]:
    options = sorted(set(candidates))
    near = closest(name, options)
    return (f"; did you mean {near!r}?" if near else f" (valid: {', '.join(options)})"), near


def gather(method: str, allowed: tuple[str, ...], params: Mapping[str, Any] | None,
           keywords: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of one call, by snake_case name, from one dict and/or keywords.

    ``allowed`` are the snake_case names ``method`` takes; anything else, or a
    parameter given twice, is a QueryError.
    """
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(f"{method} takes its parameters as a dict or as keywords, not {type(params).__name__}")
    found: dict[str, Any] = {}
    spelled_as: dict[str, str] = {}
    for source in (params or {}, keywords):
        for key, value in source.items():
            name = _SNAKE.get(key, key)
            if name not in allowed:
                spelled = [*allowed, *(_CAMEL[a] for a in allowed if a in _CAMEL)]
                hint, near = _hint(str(key), spelled)
                raise QueryError(f"{method}() has no parameter {key!r}{hint}", str(key), near)
            if name in found:
                raise QueryError(f"{method}() was given {name!r} twice (as {spelled_as[name]!r} and {key!r})",
                                 str(key))
            found[name] = value
            spelled_as[name] = str(key)
    return found


def translate(params: Mapping[str, Any]) -> dict[str, Any]:
    """The read parameters among ``params`` in the REST words the checker and compiler take."""
    out: dict[str, Any] = {}
    for name, rest in _REST.items():
        value = params.get(name)
        if value is None:
            continue
        out[rest] = _populate(value, "populate") if name == "populate" else value
    return out


def _populate(value: Any, path: str) -> Any:
    """A query-engine populate in the REST words: names and lists are the same; objects are mapped."""
    if not isinstance(value, Mapping) or as_list(value) is not None:
        return value
    return {name: _spec(spec, f"{path}.{name}") for name, spec in value.items()}


def _spec(spec: Any, where: str) -> Any:
    """One populated attribute's object (``{"select", "where", ...}``) in the REST words."""
    if not isinstance(spec, Mapping):
        return spec  # True, "*", False
    mapped: dict[str, Any] = {}
    for key, item in spec.items():
        rest = _POPULATE_KEYS.get(key)
        if key in ("limit", "offset"):
            raise QueryError(f"{where}: {key} inside a populate is not supported; filter with where instead",
                             str(key))
        if rest is None:
            hint, near = _hint(str(key), ["select", "where", "orderBy", "populate", "count", "on"])
            raise QueryError(f"{where} has no key {key!r}{hint}", str(key), near)
        if rest == "populate":
            item = _populate(item, f"{where}.populate")
        elif rest == "on" and isinstance(item, Mapping):
            item = {uid: _spec(part, f"{where}.on.{uid}") for uid, part in item.items()}
        mapped[rest] = item
    return mapped


def explain(error: ValidationError, schemas: Schemas, model: ContentType) -> Exception:
    """``error`` from checking a translated query: an unknown attribute or operator becomes a
    QueryError in the query engine's words, naming the closest valid name; any other is itself."""
    details = error.details if isinstance(error.details, Mapping) else {}
    key, param = details.get("key"), details.get("param")
    if not isinstance(key, str) or not error.message.startswith("Invalid key"):
        return error
    where = _ENGINE.get(str(param), str(param))
    path = details.get("path")
    segments = str(path).split(".") if path else []
    if segments and segments[-1] == key:  # named, but not allowed there (a relation in select, ...)
        segments.pop()
    target = _model_at(schemas, model, segments)
    if key.startswith("$"):
        hint, near = _hint(key, OPERATORS)
        return QueryError(f"unknown operator {key!r} in {where} of {model.uid}{hint}", key, near)
    if target is None or key in target.attributes:  # known, but not usable there
        if param == "fields":
            return QueryError(f"select of {model.uid} names columns: {key!r} is not one (a relation, media "
                              "or component is populated instead)", key)
        return QueryError(f"{where} of {model.uid} cannot use {key!r} there ({error.message})", key)
    hint, near = _hint(key, [*target.attributes, *system_keys(target)])
    return QueryError(f"unknown attribute {key!r} of {target.uid} in {where}{hint}", key, near)


def _model_at(schemas: Schemas, model: Model, segments: list[str]) -> Model | None:
    """The model a checker's error path leads to, through relations and components."""
    current: Model = model
    for segment in segments:
        attr = current.attributes.get(segment)
        if attr is None:
            continue  # an operator, an index: not a step
        if attr.is_linked:
            current = schemas.target(attr)
        elif attr.type == "component":
            current = schemas.component(attr)
        else:
            return current
    return current
