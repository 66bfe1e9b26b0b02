"""Checking a query before any SQL: Strapi's ``Invalid key`` errors, in Strapi's order.

``Checker`` holds where a check runs (the schemas, whether private
attributes may be named, the error source, the limits of a public query);
``check_filters`` refuses unknown keys and operators in filters;
``parse_sort`` reads every sort form Strapi takes and ``check_sort``
refuses paths that do not end on a value.

``QueryLimits`` bounds what one public query can make the server do, where
Strapi has no bound: how deep ``populate`` nests, how many relations a
filter or sort path goes through (and, for sort, how many of them lead to
many entries: each multiplies the work per row), and how many populated
entries one answer may hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ValidationError
from .language import VALUE_OPERATORS, Model, as_list, join_path, operands, system_keys
from .privacy import nameable, system_nameable
from .schema import Attribute, Schemas

__all__ = ["Checker", "QueryLimits", "check_filters", "parse_sort", "check_sort", "SortPath"]

#: A checked sort: the path's segments, and whether it is descending.
SortPath = tuple[list[str], bool]
_DIRECTIONS = {"asc": False, "desc": True}


@dataclass(frozen=True)
class QueryLimits:
    """How far one query may reach (``config/api.py``: ``rest.maxPopulateDepth``, ``rest.maxRelationDepth``,
    ``rest.maxPopulated``); each mistake is a 400 before any SQL runs, or, for ``populated``, as
    soon as the answer would hold more."""

    #: populate levels: ``category`` is 1, ``category.articles`` 2
    populate_depth: int = 5
    #: relations and components one filter or sort path goes through
    relation_depth: int = 4
    #: of those, in a sort path, how many may hold many entries (each multiplies the work per row)
    sort_many: int = 1
    #: populated entries in one answer, all levels together
    populated: int = 10_000

    @classmethod
    def from_config(cls, rest: Mapping[str, Any]) -> QueryLimits:
        """The limits in ``config/api.py``'s ``rest`` section, defaults for what it leaves out."""
        found: dict[str, int] = {}
        for key, field in (("maxPopulateDepth", "populate_depth"), ("maxRelationDepth", "relation_depth"),
                           ("maxPopulated", "populated")):
            value = rest.get(key)
            if value is not None:
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    raise ValueError(f"config/api.py: rest.{key} must be a positive integer, not {value!r}")
                found[field] = value
        return cls(**found)


class Checker:
    """Where a check runs: the schemas, whether private attributes are allowed, the error source, and
    the limits (None: trusted code, no limits)."""

    __slots__ = ("schemas", "allow_private", "source", "limits")

    def __init__(self, schemas: Schemas, allow_private: bool = True, source: str = "query",
                 limits: QueryLimits | None = None) -> None:
        self.schemas = schemas
        self.allow_private = allow_private
        self.source = source
        self.limits = limits

    def too_deep(self, param: str, path: str | None, what: str, limit: int) -> ValidationError:
        """A query that reaches too far: 400, with the limit and where it was passed."""
        return ValidationError(f"{what} (the limit is {limit})",
                               {"source": self.source, "param": param, "path": path, "limit": limit})

    def invalid_key(self, key: str, path: str | None, param: str) -> ValidationError:
        """Strapi's ``Invalid key`` error (``... at <path>`` when the path is not the key itself)."""
        message = f"Invalid key {key} at {path}" if path and path != key else f"Invalid key {key}"
        return ValidationError(message, {"key": key, "path": path, "source": self.source, "param": param})

    def invalid(self, message: str, param: str, **details: Any) -> ValidationError:
        return ValidationError(message, {**details, "source": self.source, "param": param})

    def attribute(self, model: Model, key: str, path: str | None, param: str) -> Attribute:
        """The attribute ``key`` of ``model``, refused if unknown, or private where that is not allowed."""
        attr = model.attributes.get(key)
        if attr is None:
            raise self.invalid_key(key, path, param)
        if not nameable(attr, public=not self.allow_private):
            raise self.invalid_key(key, join_path(path, key), param)
        return attr

    def system(self, model: Model, key: str, path: str | None, param: str) -> None:
        """Refuse system field ``key`` (``createdAt``) where a privateAttributes list hides it from this query."""
        if not system_nameable(model, key, public=not self.allow_private):
            raise self.invalid_key(key, join_path(path, key), param)

    def target(self, attr: Attribute) -> Model:
        """The model a relation, media or component attribute leads to."""
        if attr.is_linked:
            return self.schemas.target(attr)
        return self.schemas.component(attr)


# -- checking filters -----------------------------------------------------------------

def check_filters(checker: Checker, model: Model, filters: Any, path: str | None = None,
                  relation: bool = False, hops: int = 0) -> None:
    """Refuse unknown keys and operators in ``filters`` (``relation``: operators may apply to ``id``;
    ``hops``: relations and components gone through to get here)."""
    if not isinstance(filters, Mapping):
        if relation:
            return  # ``{"category": 3}``: the related id
        raise checker.invalid("Invalid filters: expected an object", "filters", path=path)
    for key, value in filters.items():
        if key in ("$and", "$or"):
            for item in operands(value):
                check_filters(checker, model, item, path, relation, hops)
        elif key == "$not":
            check_filters(checker, model, value, path, relation, hops)
        elif isinstance(key, str) and key.startswith("$"):
            if not (relation and key in VALUE_OPERATORS):
                raise checker.invalid_key(key, path, "filters")
        elif key in system_keys(model):
            checker.system(model, key, path, "filters")
            _check_operators(checker, value, join_path(path, key))
        else:
            _check_attribute(checker, model, key, value, path, hops)


def _check_attribute(checker: Checker, model: Model, key: str, value: Any, path: str | None, hops: int) -> None:
    attr = checker.attribute(model, key, path, "filters")
    path = join_path(path, key)
    if attr.is_scalar:
        _check_operators(checker, value, path)
        return
    if attr.type == "dynamiczone":  # dynamic zones cannot be filtered on
        raise checker.invalid_key(key, path, "filters")
    limits = checker.limits
    if limits is not None and hops + 1 > limits.relation_depth:
        raise checker.too_deep("filters", path, f"Filters go through too many relations at {path}",
                               limits.relation_depth)
    if attr.is_linked:
        check_filters(checker, checker.target(attr), value, path, relation=True, hops=hops + 1)
    else:
        check_filters(checker, checker.target(attr), value, path, hops=hops + 1)


def _check_operators(checker: Checker, value: Any, path: str) -> None:
    if not isinstance(value, Mapping) or as_list(value) is not None:
        return
    for op, operand in value.items():
        if op == "$not":
            _check_operators(checker, operand, path)
        elif op in ("$and", "$or"):
            for item in operands(operand):
                _check_operators(checker, item, path)
        elif op not in VALUE_OPERATORS:
            raise checker.invalid_key(str(op), path, "filters")


# -- sort -----------------------------------------------------------------------------

def parse_sort(checker: Checker, sort: Any) -> list[tuple[list[str], bool]]:
    """``(path segments, descending)`` pairs from any of Strapi's sort forms.

    ``"title"``, ``"title:desc,views"``, ``["views:desc", "title"]``,
    ``{"title": "desc"}``, ``{"category": {"name": "asc"}}`` and lists of these.
    """
    out: list[tuple[list[str], bool]] = []
    _parse_sort(checker, sort, [], out)
    return out


def _parse_sort(checker: Checker, sort: Any, prefix: list[str], out: list[tuple[list[str], bool]]) -> None:
    if sort is None or sort == "":
        return
    items = as_list(sort)
    if items is not None:
        for item in items:
            _parse_sort(checker, item, prefix, out)
    elif isinstance(sort, str):
        for part in sort.split(","):
            part = part.strip()
            if part:
                field, _, direction = part.partition(":")
                out.append(([*prefix, *field.strip().split(".")], _direction(checker, direction or "asc")))
    elif isinstance(sort, Mapping):
        for key, value in sort.items():
            if isinstance(value, Mapping):
                _parse_sort(checker, value, [*prefix, *str(key).split(".")], out)
            else:
                out.append(([*prefix, *str(key).split(".")], _direction(checker, value)))
    else:
        raise checker.invalid("Invalid sort", "sort")


def _direction(checker: Checker, value: Any) -> bool:
    direction = _DIRECTIONS.get(str(value).strip().lower()) if isinstance(value, str) else None
    if direction is None:
        raise checker.invalid("Invalid order. order can only be one of asc|desc|ASC|DESC", "sort")
    return direction


def check_sort(checker: Checker, model: Model, sort: list[tuple[list[str], bool]],
               base: str | None = None) -> None:
    """Each sort path must end on a scalar, through relations, media or components (``base``: where it is);
    with limits, through at most ``relation_depth`` of them, at most ``sort_many`` holding many entries."""
    limits = checker.limits
    for segments, _desc in sort:
        path = base
        current = model
        hops = many = 0
        for index, key in enumerate(segments):
            last = index == len(segments) - 1
            if key in system_keys(current):
                checker.system(current, key, path, "sort")
                if not last:
                    raise checker.invalid_key(segments[index + 1], join_path(path, key), "sort")
                continue
            attr = checker.attribute(current, key, path, "sort")
            path = join_path(path, key)
            if attr.is_scalar:
                if not last:  # nothing is inside a scalar
                    raise checker.invalid_key(segments[index + 1], path, "sort")
            elif last or attr.type == "dynamiczone":  # a relation or component is not a value
                raise checker.invalid_key(key, path, "sort")
            else:
                hops += 1
                many += attr.many or attr.repeatable
                if limits is not None:
                    if hops > limits.relation_depth:
                        raise checker.too_deep("sort", path, f"Sort goes through too many relations at {path}",
                                               limits.relation_depth)
                    if many > limits.sort_many:
                        raise checker.too_deep(
                            "sort", path, f"Sort goes through too many relations that hold many entries at {path}",
                            limits.sort_many)
                current = checker.target(attr)
