"""Strapi's query language, the words of it: operators, system fields, lists written as objects.

Shared by what checks a query (``checker``), what it selects (``selection``)
and what compiles it to SQL (``filters``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .schema import Component, ContentType

__all__ = [
    "VALUE_OPERATORS", "LOGICAL", "OPERATORS", "SYSTEM_COLUMNS", "LOCALIZED_COLUMNS", "Model",
    "as_list", "operands", "join_path", "system_keys",
]

#: Operators that compare an attribute with a value.
VALUE_OPERATORS = frozenset({
    "$eq", "$eqi", "$ne", "$nei", "$lt", "$lte", "$gt", "$gte", "$in", "$notIn", "$contains",
    "$notContains", "$containsi", "$notContainsi", "$null", "$notNull", "$between", "$startsWith",
    "$startsWithi", "$endsWith", "$endsWithi",
})
LOGICAL = frozenset({"$and", "$or", "$not"})
OPERATORS = VALUE_OPERATORS | LOGICAL

#: System fields of every content-type row: key -> column.
SYSTEM_COLUMNS = {"id": "id", "documentId": "document_id", "createdAt": "created_at",
                  "updatedAt": "updated_at", "publishedAt": "published_at"}
#: The same, for a localized content-type (one row per locale, its ``locale`` column).
LOCALIZED_COLUMNS = {**SYSTEM_COLUMNS, "locale": "locale"}

Model = ContentType | Component


def as_list(value: Any) -> list[Any] | None:
    """``value`` as a list: lists and tuples, and qs's ``{"0": .., "1": ..}`` objects; else None."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, Mapping) and value and all(isinstance(k, str) and k.isdigit() for k in value):
        return [value[k] for k in sorted(value, key=int)]
    return None


def operands(value: Any) -> list[Any]:
    """The operands of ``$and``/``$or``: a list, or one object taken as a list of one."""
    items = as_list(value)
    return [value] if items is None else items


def join_path(path: str | None, key: str) -> str:
    return key if path is None else f"{path}.{key}"


def system_keys(model: Model) -> Mapping[str, str]:
    """The system fields a model can be filtered and sorted on (components: their ``id``)."""
    if isinstance(model, ContentType):
        return LOCALIZED_COLUMNS if model.localized else SYSTEM_COLUMNS
    return {"id": "id"}
