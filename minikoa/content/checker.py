"""Checking a query before any SQL: Strapi's ``Invalid key`` errors, in Strapi's order.

``Checker`` holds where a check runs (the schemas, whether private
attributes may be named, the error source); ``check_filters`` refuses
unknown keys and operators in filters; ``parse_sort`` reads every sort form
Strapi takes and ``check_sort`` refuses paths that do not end on a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ValidationError
from .language import VALUE_OPERATORS, Model, as_list, join_path, operands, system_keys
from .privacy import nameable
from .schema import Attribute, Schemas

__all__ = ["Checker", "check_filters", "parse_sort", "check_sort", "SortPath"]

#: A checked sort: the path's segments, and whether it is descending.
SortPath = tuple[list[str], bool]
_DIRECTIONS = {"asc": False, "desc": True}


class Checker:
    """Where a check runs: the schemas, whether private attributes are allowed, the error source."""

    __slots__ = ("schemas", "allow_private", "source")

    def __init__(self, schemas: Schemas, allow_private: bool = True, source: str = "query") -> None:
        self.schemas = schemas
        self.allow_private = allow_private
        self.source = source

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

    def target(self, attr: Attribute) -> Model:
        """The model a relation, media or component attribute leads to."""
        if attr.is_linked:
            return self.schemas.target(attr)
        return self.schemas.component(attr)


# -- checking filters -----------------------------------------------------------------

def check_filters(checker: Checker, model: Model, filters: Any, path: str | None = None,
                  relation: bool = False) -> None:
    """Refuse unknown keys and operators in ``filters`` (``relation``: operators may apply to ``id``)."""
    if not isinstance(filters, Mapping):
        if relation:
            return  # ``{"category": 3}``: the related id
        raise checker.invalid("Invalid filters: expected an object", "filters", path=path)
    for key, value in filters.items():
        if key in ("$and", "$or"):
            for item in operands(value):
                check_filters(checker, model, item, path, relation)
        elif key == "$not":
            check_filters(checker, model, value, path, relation)
        elif isinstance(key, str) and key.startswith("$"):
            if not (relation and key in VALUE_OPERATORS):
                raise checker.invalid_key(key, path, "filters")
        elif key in system_keys(model):
            _check_operators(checker, value, join_path(path, key))
        else:
            _check_attribute(checker, model, key, value, path)


def _check_attribute(checker: Checker, model: Model, key: str, value: Any, path: str | None) -> None:
    attr = checker.attribute(model, key, path, "filters")
    path = join_path(path, key)
    if attr.is_scalar:
        _check_operators(checker, value, path)
    elif attr.is_linked:
        check_filters(checker, checker.target(attr), value, path, relation=True)
    elif attr.type == "component":
        check_filters(checker, checker.target(attr), value, path)
    else:  # dynamic zones cannot be filtered on
        raise checker.invalid_key(key, path, "filters")


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
    """Each sort path must end on a scalar, through relations, media or components (``base``: where it is)."""
    for segments, _desc in sort:
        path = base
        current = model
        for index, key in enumerate(segments):
            last = index == len(segments) - 1
            if key in system_keys(current):
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
                current = checker.target(attr)
