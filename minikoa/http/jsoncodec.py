"""JSON in and out, compact like Strapi's, with one encoder built at import.

``json.dumps`` with any non-default option builds a new encoder per call;
reusing one instance keeps the C encoder's speed for every response.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import decimal
import enum
import json
import uuid
from typing import Any

__all__ = ["dumps", "dumpb", "loads", "default"]


def _iso_datetime(value: _dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="milliseconds") + "Z"


def default(value: Any) -> Any:
    """Types JSON lacks: datetimes as ISO 8601 UTC with milliseconds (Strapi's form)."""
    if isinstance(value, _dt.datetime):
        return _iso_datetime(value)
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return list(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    for_json = getattr(value, "__json__", None)
    if callable(for_json):
        return for_json()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=default)
# Lone surrogates (legal in JSON input, e.g. "\\ud800") cannot be UTF-8 encoded;
# the ASCII encoder escapes them as JSON.stringify does.
_ASCII_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), default=default)

#: ``dumps(obj) -> str``, compact, UTF-8 friendly.
dumps = _ENCODER.encode


def dumpb(obj: Any) -> bytes:
    """``obj`` as compact UTF-8 JSON bytes."""
    text = _ENCODER.encode(obj)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _ASCII_ENCODER.encode(obj).encode("ascii")


loads = json.loads
