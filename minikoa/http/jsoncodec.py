"""JSON in and out, compact like Strapi's, with one encoder built at import.

``json.dumps`` with any non-default option builds a new encoder per call;
reusing one instance keeps the C encoder's speed for every response. Numbers
come out as JavaScript's ``JSON.stringify`` writes them (``5`` not ``5.0``,
``1e-7``, ``0`` for ``-0.0``, ``null`` for NaN): ``jsnumbers`` says how, and
what it costs (a scan of the text; a second pass only for a body that needs it).

``loads_strict`` reads JSON from a request as JavaScript's ``JSON.parse`` (and so
Strapi) does, without Python's extras (NaN, Infinity), and also refuses strings
that are not valid Unicode: JavaScript keeps a lone surrogate, but no UTF-8
encoder or database takes one.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import decimal
import enum
import json
import re
import uuid
from typing import Any

from . import jsnumbers

__all__ = ["dumps", "dumpb", "loads", "loads_strict", "default", "JSONValueError", "SURROGATE"]

#: A UTF-16 surrogate. Never part of valid text: a str holds one only when something (a
#: ``"\\ud800"`` JSON escape without its pair, a utf-7 decoder) made a lone one.
SURROGATE = re.compile("[\ud800-\udfff]")


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


# allow_nan=False: a NaN or an infinity raises, and the JavaScript path writes it as null.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=default, allow_nan=False)
# Lone surrogates (legal in JSON input, e.g. "\\ud800") cannot be UTF-8 encoded;
# the ASCII encoder escapes them as JSON.stringify does.
_ASCII_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), default=default, allow_nan=False)
_STRING = {_ENCODER: json.encoder.encode_basestring, _ASCII_ENCODER: json.encoder.encode_basestring_ascii}


def _encode(encoder: json.JSONEncoder, obj: Any) -> str:
    """``obj`` as compact JSON, numbers written as JavaScript's JSON.stringify writes them (see
    ``jsnumbers``): the C encoder's text, with the few numbers Python writes otherwise rewritten."""
    try:
        text = encoder.encode(obj)
    except ValueError as exc:
        if "Circular" in str(exc):
            raise
        # a NaN or an infinity: null, as in JavaScript (rare enough for the pure-Python encoder)
        return jsnumbers.encode(obj, _STRING[encoder], default)
    # checked here first: a body with neither character (GET /json) costs two scans and no call
    if "0" in text or "+" in text:
        return jsnumbers.fix(text) or text
    return text


def dumps(obj: Any) -> str:
    """``obj`` as compact JSON text, UTF-8 friendly, numbers as JavaScript writes them."""
    return _encode(_ENCODER, obj)


def dumpb(obj: Any) -> bytes:
    """``obj`` as compact UTF-8 JSON bytes, numbers as JavaScript writes them."""
    # _encode, inlined: every response body comes this way.
    try:
        text = _ENCODER.encode(obj)
    except ValueError:
        text = _encode(_ENCODER, obj)
    else:
        if "0" in text or "+" in text:
            text = jsnumbers.fix(text) or text
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _encode(_ASCII_ENCODER, obj).encode("ascii")


loads = json.loads


class JSONValueError(ValueError):
    """JSON that parses in Python but is refused: NaN or Infinity, a lone surrogate, an endless number."""


def _no_constant(name: str) -> Any:
    raise JSONValueError(f"{name} is not a JSON value")


# Python's parser takes NaN, Infinity and -Infinity; JSON (and JSON.parse) has no such values.
_STRICT_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def loads_strict(data: bytes | str) -> Any:
    """A request's JSON: UTF-8 text (after an optional BOM, which Node's decoder skips) holding
    only JSON values and valid Unicode.

    Raises a ValueError: UnicodeDecodeError for bytes that are not UTF-8 (UTF-8-encoded
    surrogates included), ``json.JSONDecodeError`` for text that is not JSON, ``JSONValueError``
    for NaN or Infinity, a string holding a lone surrogate (``"\\ud800"``), an integer with more
    digits than Python converts, or nesting too deep to parse.
    """
    text = data.decode("utf-8-sig") if isinstance(data, (bytes, bytearray)) else data
    if not isinstance(data, (bytes, bytearray)) and SURROGATE.search(text):
        raise JSONValueError("the text holds a lone surrogate, which is not a Unicode character")
    try:
        value = _STRICT_DECODER.decode(text)
        # Text decoded strictly from UTF-8 holds no surrogates; only a \uD800-\uDFFF escape can put
        # one in a string, so most bodies skip the check. Where one could, the value is encoded
        # back (in C: lone surrogates stay as they are) and searched, rather than walked in Python.
        found = SURROGATE.search(dumps(value)) if "\\ud" in text or "\\uD" in text else None
    except RecursionError:
        raise JSONValueError("nested too deeply") from None
    except (json.JSONDecodeError, JSONValueError):
        raise
    except ValueError:  # int(): "Exceeds the limit (4300 digits) for integer string conversion"
        raise JSONValueError("a number has too many digits") from None
    if found is not None:
        raise JSONValueError(f"a string holds the lone surrogate \\u{ord(found.group()):04x}, "
                             "which is not a Unicode character")
    return value
