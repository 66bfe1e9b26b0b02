"""Number field types: integer, biginteger, float, decimal.

Validation is yup's number schema as Strapi builds it: JavaScript's ``+value``
cast (so ``" 4 "`` and ``"0x10"`` are numbers), ``min``/``max`` (truncated to
integers for the integer types), then the column's range. Bigintegers go past
JavaScript's safe integers, so they are exact when sent as digit strings and
read back as strings, as Strapi returns them.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ...db import ColumnType
from .base import INVALID, AttributeView, BadValue, Checks, ErrorPath, ScalarField
from .js import DIGITS, is_number, js_integer, js_number, js_to_number
from .jsonschema import JSONSchema, SchemaRefs, bounded

__all__ = ["IntegerField", "BigIntegerField", "FloatField", "DecimalField", "cast_integer", "cast_float"]

_INT32 = (-2**31, 2**31 - 1)
_INT64 = (-2**63, 2**63 - 1)


def cast_integer(value: Any) -> int | float:
    """A filter value for an integer column: exact ints, and floats where they are not whole."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return int(value) if value.is_integer() else value
        raise BadValue
    if isinstance(value, str):
        text = value.strip()
        if "_" not in text:
            try:
                return int(text)
            except ValueError:
                pass
        return cast_float(text)
    raise BadValue


def cast_float(value: Any) -> int | float:
    """A filter value for a float column: any finite number."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and (not value.strip() or "_" in value):
        raise BadValue  # float() would take "1_0"
    try:  # str, float, Decimal and other numbers
        number = float(value)
    except (TypeError, ValueError):
        raise BadValue from None
    if not math.isfinite(number):
        raise BadValue
    return number


def _number(run: Checks, value: Any, path: ErrorPath) -> Any:
    """yup's number cast, or a type error: a number, or INVALID."""
    number = js_to_number(value)
    if isinstance(number, float) and math.isnan(number):
        # NaN !== NaN, so yup reports even a NaN input as cast
        return run.type_error(path, "number", value, final=math.nan)
    return number


def _bounds(run: Checks, attr: AttributeView, number: int | float, path: ErrorPath, whole: bool) -> bool:
    """Check ``min``/``max`` (truncated to integers for integer types, as Strapi does)."""
    mark = run.mark()
    least, most = attr.get("min"), attr.get("max")
    if is_number(least):
        least = int(least) if whole else least
        if number < least:
            run.fail(path, f"must be greater than or equal to {js_number(least)}", number)
    if is_number(most):
        most = int(most) if whole else most
        if number > most:
            run.fail(path, f"must be less than or equal to {js_number(most)}", number)
    return run.ok_since(mark)


class IntegerField(ScalarField):
    """``integer``: a whole number that fits 32 bits."""

    name = "integer"
    yup_type = "number"
    column_type = ColumnType.INTEGER
    #: the column's range, checked once the attribute's own bounds pass
    limits = _INT32

    def cast(self, value: Any) -> Any:
        number = cast_integer(value)
        low, high = self.limits
        if isinstance(number, int) and not low <= number <= high:
            raise BadValue  # no row holds it, and the database could not even compare it
        return number

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        stripped = re.sub(r"\s", "", value) if isinstance(value, str) else ""
        if DIGITS.match(stripped) and len(stripped) <= 40:
            number: int | float = int(stripped)  # exact, even past 2**53 (bigintegers arrive as strings)
        else:
            number = _number(run, value, path)
            if number is INVALID:
                return INVALID
        mark = run.mark()
        if isinstance(number, float):
            if number.is_integer():
                number = int(number)
            else:
                run.fail(path, "must be an integer", number)
        if _bounds(run, attr, number, path, whole=True) and run.ok_since(mark):
            low, high = self.limits
            if number < low:
                run.fail(path, f"must be greater than or equal to {low}", number)
            elif number > high:
                run.fail(path, f"must be less than or equal to {high}", number)
        return number if run.ok_since(mark) else INVALID

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        return bounded({"type": "integer", "format": "int32"}, "minimum", _whole(attr.get("min")),
                       "maximum", _whole(attr.get("max")))


def _whole(limit: Any) -> Any:
    return int(limit) if is_number(limit) and math.isfinite(limit) else None


class BigIntegerField(IntegerField):
    """``biginteger``: a whole number that fits 64 bits; a string in API output, as in Strapi."""

    name = "biginteger"
    column_type = ColumnType.BIGINT
    limits = _INT64
    from_db = str
    from_json = str

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        # Strapi checks a biginteger with a test of its own rather than yup's number cast: digits
        # (a string, for values past 2**53) or a whole number, anything else `must be a valid integer`.
        if isinstance(value, str):
            text = value.strip()
            if not DIGITS.match(text):
                return run.fail(path, "must be a valid integer", value)
            if len(text) > 40:  # far past 64 bits: said without converting (linear in the length)
                low, high = self.limits
                side = f"greater than or equal to {low}" if text[0] == "-" else f"less than or equal to {high}"
                return run.fail(path, f"must be {side}", value)
        elif not js_integer(value):
            return run.fail(path, "must be a valid integer", value)
        return super().validate(run, attr, value, path)

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        text = {"type": "string", "pattern": r"^-?\d+$"}
        if input:  # a number is accepted too, exact while it is a safe integer
            return {"anyOf": [text, {"type": "integer", "format": "int64"}]}
        return text


class FloatField(ScalarField):
    """``float``: a finite number."""

    name = "float"
    yup_type = "number"
    column_type = ColumnType.FLOAT

    def cast(self, value: Any) -> Any:
        return cast_float(value)

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        number = _number(run, value, path)
        if number is INVALID:
            return INVALID
        try:
            stored = float(number)
        except OverflowError:
            stored = math.inf
        if not math.isfinite(stored):
            return run.fail(path, "must be a finite number", stored)
        # bounds report the number as given (2, as JS prints it, not 2.0)
        return stored if _bounds(run, attr, number, path, whole=False) else INVALID

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        return bounded({"type": "number"}, "minimum", attr.get("min"), "maximum", attr.get("max"))


class DecimalField(FloatField):
    """``decimal``: a number kept exactly where the database has a decimal type."""

    name = "decimal"
    column_type = ColumnType.DECIMAL
