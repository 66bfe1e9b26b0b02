"""JavaScript's ways with numbers and strings, as Strapi's validator (yup on Node) shows them.

Validation messages echo numbers and limits the way JavaScript prints them
(``String(2.0)`` is ``"2"``, ``String(1e21)`` is ``"1e+21"``), measure
strings in UTF-16 code units, and cast strings to numbers by JavaScript's
``+value`` rules. These helpers reproduce exactly that, so clients see the
text Strapi would send.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ...jsnumber import layout

__all__ = ["is_number", "js_integer", "js_typeof", "js_length", "js_regex", "js_to_number", "js_number",
           "int_text", "DIGITS"]

#: An optional sign and decimal digits: what JavaScript's ``BigInt`` and Strapi's epoch stamps accept.
DIGITS = re.compile(r"^[+-]?\d+$")
# A decimal literal as JavaScript's ``+string`` reads it: digits with an optional fraction (or a
# fraction alone), then an optional exponent. No two quantifiers here can share a run of digits:
# the former ``\d+\.?\d*`` could split one run at every position, so a long run of digits that
# failed at its end (``"1" * 45_000 + "x"``) cost quadratic time. Each quantifier now ends where
# the next part must start with another character, which keeps a match linear in the input.
_JS_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_JS_RADIX = {"0x": 16, "0o": 8, "0b": 2}


def is_number(value: Any) -> bool:
    """An int or float, not a bool (which Python counts as an int and JSON does not)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def js_integer(value: Any) -> bool:
    """JS ``Number.isInteger``: 3 and 3.0 are integers."""
    return is_number(value) and math.isfinite(value) and float(value).is_integer()


def js_typeof(value: Any) -> str:
    """JS ``typeof`` of a decoded JSON value (null and arrays are ``object``)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"


def js_length(text: str) -> int:
    """A JS string's length: UTF-16 code units (an emoji counts 2), which is what maxLength limits."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def js_regex(source: str) -> str:
    """How JS prints ``new RegExp(source)``: between slashes, with bare slashes escaped."""
    return "/" + re.sub(r"(?<!\\)/", r"\\/", source) + "/"


def js_to_number(value: Any) -> int | float:
    """yup's number cast: JS ``+string`` (whitespace removed) for strings; NaN for non-numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return math.nan
    if not isinstance(value, str):
        return value
    text = re.sub(r"\s", "", value)
    if _JS_DECIMAL.match(text):
        return float(text)
    radix = _JS_RADIX.get(text[:2].lower())
    if radix:
        try:
            return int(text[2:], radix)
        except ValueError:
            return math.nan
    if text in ("Infinity", "+Infinity", "-Infinity"):
        return -math.inf if text[0] == "-" else math.inf
    return math.nan


def js_number(value: int | float) -> str:
    """A number as JS's ``String(n)`` writes it: 1.0 -> "1", 1e-7 -> "1e-7", 1e21 -> "1e+21"."""
    if isinstance(value, int):
        return int_text(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    return layout(value)


def int_text(value: int) -> str:
    """``str(value)``, or JS's ``Infinity`` for an int with more digits than Python will print."""
    try:
        return str(value)
    except ValueError:  # more digits than Python prints
        return "-Infinity" if value < 0 else "Infinity"
