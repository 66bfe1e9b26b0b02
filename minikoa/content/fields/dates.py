"""Date and time field types: date, time, datetime, timestamp.

Stored as ISO 8601 text that sorts in time order: ``YYYY-MM-DD``,
``HH:mm:ss.SSS``, and instants in UTC with milliseconds and ``Z``
(``2026-01-02T03:04:05.000Z``), which is also how Strapi returns them.
Bodies may send any ISO 8601 form (an offset is converted to UTC, none means
UTC) or, for instants, epoch milliseconds. A value in no form Strapi reads is
refused with Strapi's fixed message and empty details (``Invalid format,
expected yyyy-MM-dd``): Strapi's validator lets it through and its storage
step refuses it, so it is no yup error.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ...db import ColumnType
from .base import AttributeView, BadValue, Checks, ErrorPath, ScalarField
from .js import DIGITS, is_number
from .jsonschema import JSONSchema, SchemaRefs

__all__ = ["DateField", "TimeField", "DateTimeField", "TimestampField", "cast_datetime", "parse_datetime"]

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})"
                  r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
                  r"(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$")
# Seconds are required, as Strapi's parser requires them ("07:05" is refused).
_TIME = re.compile(r"^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def cast_datetime(value: Any) -> str:
    """A filter value as an instant is stored: UTC, milliseconds, ``Z`` (a date alone is midnight UTC)."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise BadValue from None
    else:
        raise BadValue
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
        except OverflowError:  # an instant before year 1 or after 9999 in UTC
            raise BadValue from None
    return moment.isoformat(timespec="milliseconds") + "Z"


def parse_datetime(value: Any) -> dt.datetime | None:
    """An aware datetime from ISO 8601 text (no offset: UTC), epoch milliseconds, or a datetime."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    try:
        if isinstance(value, str) and DIGITS.match(value):
            value = int(value)
        if is_number(value):
            return _EPOCH + dt.timedelta(milliseconds=value)
        match = _ISO.match(value) if isinstance(value, str) else None
        if not match:
            return None
        year, month, day, hour, minute, second, fraction, _zulu, sign, off_h, off_m = match.groups()
        zone = dt.timezone.utc
        if sign:
            offset = dt.timedelta(hours=int(off_h), minutes=int(off_m or 0))
            zone = dt.timezone(-offset if sign == "-" else offset)
        return dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                           int((fraction or "")[:3].ljust(3, "0")) * 1000, tzinfo=zone)
    except (ValueError, OverflowError):
        return None


class DateField(ScalarField):
    """``date``: a calendar day."""

    name = "date"
    column_type = ColumnType.DATE

    def cast(self, value: Any) -> Any:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        raise BadValue

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        if isinstance(value, dt.date):  # a date, or a datetime (its date part)
            return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        match = _ISO.match(value) if isinstance(value, str) else None
        if match:
            try:
                day = dt.date(int(match[1]), int(match[2]), int(match[3]))
                return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
            except ValueError:
                pass
        return run.format_error("Invalid format, expected yyyy-MM-dd")

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        return {"type": "string", "format": "date"}


class TimeField(ScalarField):
    """``time``: a time of day, ``HH:mm:ss.SSS``."""

    name = "time"
    column_type = ColumnType.TIME

    def cast(self, value: Any) -> Any:
        if isinstance(value, dt.time):
            return value.isoformat()
        if isinstance(value, str):
            try:
                dt.time.fromisoformat(value.strip())
            except ValueError:
                raise BadValue from None
            return value.strip()
        raise BadValue

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        if isinstance(value, dt.time):
            return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond // 1000:03d}"
        match = _TIME.match(value) if isinstance(value, str) else None
        if match:
            hour, minute, second = int(match[1]), int(match[2]), int(match[3])
            if hour < 24 and minute < 60 and second < 60:
                return f"{hour:02d}:{minute:02d}:{second:02d}.{(match[4] or '').ljust(3, '0')}"
        return run.format_error("Invalid time format, expected HH:mm:ss.SSS")

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        return {"type": "string", "format": "time"}


class DateTimeField(ScalarField):
    """``datetime``: an instant."""

    name = "datetime"
    column_type = ColumnType.DATETIME

    def cast(self, value: Any) -> Any:
        return cast_datetime(value)

    def validate(self, run: Checks, attr: AttributeView, value: Any, path: ErrorPath) -> Any:
        moment = parse_datetime(value)
        if moment is not None:
            try:
                moment = moment.astimezone(dt.timezone.utc)
            except OverflowError:  # an instant before year 1 or after 9999 in UTC
                moment = None
        if moment is None:
            return run.format_error("Invalid format, expected a timestamp or an ISO date")
        return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:"
                f"{moment.second:02d}.{moment.microsecond // 1000:03d}Z")

    def value_schema(self, attr: AttributeView, refs: SchemaRefs, input: bool) -> JSONSchema:
        moment = {"type": "string", "format": "date-time"}
        if input:  # epoch milliseconds too
            return {"anyOf": [moment, {"type": "integer"}]}
        return moment


class TimestampField(DateTimeField):
    """``timestamp``: an instant, as ``datetime``."""

    name = "timestamp"
