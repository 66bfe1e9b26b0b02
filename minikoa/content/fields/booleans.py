"""The boolean field type: 1 or 0 in its column, ``true``/``false`` in filters and bodies."""

from __future__ import annotations

import re
from typing import Any

from ...db import ColumnType
from .base import AttributeView, BadValue, Checks, ErrorPath, ScalarField
from .js import js_number
from .jsonschema import JSONSchema, SchemaRefs

__all__ = ["BooleanField", "cast_boolean"]

_TRUE = frozenset({"true", "1", "t"})
_FALSE = frozenset({"false", "0", "f"})


def cast_boolean(value: Any) -> bool:
    """A filter value as a boolean (``true``, ``t``, ``1``; ``false``, ``f``, ``0``): a real boolean, which
    SQLite stores as 1 or 0 and a database with a boolean type compares with its own."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise BadValue


class BooleanField(ScalarField):
    """``boolean``."""

    name = "boolean"
    yup_type = "boolean"
    column_type = ColumnType.BOOLEAN
    from_db = bool
    from_json = bool

    def cast(self, value: Any) -> Any:
        return cast_boolean(value)

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        # yup's boolean cast: true/false, and "true"/"1"/"false"/"0" in any case (numbers as JS prints them)
        if isinstance(value, bool):
            return value
        if isinstance(value, (str, int, float)):
            text = value if isinstance(value, str) else js_number(value)
            if re.fullmatch(r"(?i)true|1", text):
                return True
            if re.fullmatch(r"(?i)false|0", text):
                return False
        return run.type_error(path, "boolean", value)

    def to_db(self, value: Any) -> Any:
        return bool(value)  # SQLite stores 1 or 0; a boolean column takes it as it is

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        return {"type": "boolean"}
