"""Casting filter values to what a column stores, as Strapi's query layer does.

Values arrive from query strings (always text: ``"4"``, ``"true"``,
``"2026-01-01"``) or from code (ints, bools, datetimes). Each attribute type
has a kind, and each kind a cast that returns the stored form or raises
BadValue, which the filter compiler turns into a 400 naming the key.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from typing import Any

from .schema import Attribute

__all__ = ["BadValue", "kind_of", "cast", "text"]


class BadValue(Exception):
    pass


def kind_of(attr: Attribute) -> str:
    """The casting kind of an attribute: integer, float, boolean, datetime, date, time, json or string."""
    return _KINDS.get(attr.type, "string")


_KINDS = {"integer": "integer", "biginteger": "integer", "float": "float", "decimal": "float",
          "boolean": "boolean", "datetime": "datetime", "timestamp": "datetime", "date": "date",
          "time": "time", "json": "json", "blocks": "json"}


def cast(kind: str, value: Any) -> Any:
    """``value`` (from a query string or from code) as the column stores it; BadValue if it cannot be."""
    if isinstance(value, (Mapping, list, tuple)):
        raise BadValue
    return _CASTS[kind](value)


def _cast_integer(value: Any) -> int | float:
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
        return _cast_float(text)
    raise BadValue


def _cast_float(value: Any) -> int | float:
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


_TRUE = frozenset({"true", "1", "t"})
_FALSE = frozenset({"false", "0", "f"})


def _cast_bool(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and value in (0, 1):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return 1
        if text in _FALSE:
            return 0
    raise BadValue


def _cast_datetime(value: Any) -> str:
    """An ISO 8601 instant as stored: UTC, milliseconds, ``Z`` (a date alone is midnight UTC)."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise BadValue from None
    else:
        raise BadValue
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="milliseconds") + "Z"


def _cast_date(value: Any) -> str:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise BadValue


def _cast_time(value: Any) -> str:
    if isinstance(value, datetime.time):
        return value.isoformat()
    if isinstance(value, str):
        try:
            datetime.time.fromisoformat(value.strip())
        except ValueError:
            raise BadValue from None
        return value.strip()
    raise BadValue


def text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise BadValue


def _cast_string(value: Any) -> str:
    return text(value)


_CASTS = {"integer": _cast_integer, "float": _cast_float, "boolean": _cast_bool, "datetime": _cast_datetime,
          "date": _cast_date, "time": _cast_time, "string": _cast_string, "json": _cast_string}
