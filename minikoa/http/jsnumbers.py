"""Numbers in JSON as JavaScript's ``JSON.stringify`` writes them.

Python's encoder writes a float with ``repr``: ``5.0``, ``-0.0``, ``1e+16``, ``1e-05``, ``NaN``.
A Strapi client sees ``5``, ``0``, ``10000000000000000``, ``0.00001`` and ``null`` for the same
numbers, so a body must be written the JavaScript way wherever one leaves the server.

The C encoder offers no hook for floats, and walking every body in Python would cost more than
encoding it. So ``jsoncodec`` encodes with the C encoder first and asks ``python_floats`` whether
the text can hold a float Python writes otherwise than JavaScript (a cheap scan: such a float
always leaves ``.0`` before a delimiter, ``e-0`` or ``e+``); only then does it re-encode with
``js_ready`` (integral floats as ints: exact, and written as JavaScript does) or, where a float
below 1e-4 needs JavaScript's layout that no Python value gets from the C encoder, with ``encode``.
A float used as a dict key (rare, and a string in JSON anyway) keeps Python's text unless the body is
re-encoded for another reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

__all__ = ["js_float", "python_floats", "needs_layout", "js_ready", "encode"]

# A float Python writes with a trailing ".0" (5.0, -0.0, 1234.0); a string ending in ".0" only costs a
# re-encoding. The leading literal lets the regex engine skip ahead quickly.
_INTEGRAL = re.compile(r"\.0(?=[,\]}]|$)")
# 1e-05 .. 9.9e-05 and on to e-09: JavaScript writes 0.00001, 0.000001, 1e-7 ... 1e-9 (no zero padding).
_SMALL = re.compile(r"e-0")
#: Past this an integral float is written with an exponent by both (1e+21).
_EXPONENT_FROM = 1e21


def js_float(value: float) -> str:
    """``value`` as ``JSON.stringify`` writes it: 5.0 -> "5", -0.0 -> "0", 1e16 -> "10000000000000000",
    1e-7 -> "1e-7", 1e21 -> "1e+21", NaN and infinities -> "null"."""
    if not math.isfinite(value):
        return "null"
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < _EXPONENT_FROM:
        return str(int(value))
    sign = "-" if value < 0 else ""
    # repr's digits are the shortest that read back as the same double, which is what JavaScript
    # prints too; only the layout differs. value = 0.DIGITS * 10**point.
    _, raw, exponent = Decimal(repr(abs(value))).as_tuple()
    assert isinstance(exponent, int)  # finite
    digits = "".join(map(str, raw)).rstrip("0")
    point = len(raw) + exponent
    if len(digits) <= point <= 21:
        return sign + digits + "0" * (point - len(digits))
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'+' if point > 0 else '-'}{abs(point - 1)}"


def python_floats(text: str) -> bool:
    """Whether ``text``, from the C encoder, may hold a float written otherwise than JavaScript would
    (never False when it does; rarely True when it does not: a string ending in ``.0``)."""
    if "0" not in text and "+" not in text:  # every such float has one (5.0, 1e-05, 1e+16)
        return False
    return (_INTEGRAL.search(text) is not None or ("+" in text and "e+" in text)
            or _SMALL.search(text) is not None)


def needs_layout(text: str) -> bool:
    """Whether ``text`` holds a float below 1e-4, which only ``encode`` writes as JavaScript does."""
    return _SMALL.search(text) is not None


def _number(value: float) -> int | float | None:
    if not math.isfinite(value):
        return None
    if value.is_integer() and abs(value) < _EXPONENT_FROM:
        return int(value)  # also -0.0 -> 0
    return value


def _key(key: Any) -> Any:
    return js_float(key) if isinstance(key, float) else key


def js_ready(value: Any, default: Callable[[Any], Any]) -> Any:
    """``value`` with every float the C encoder would write otherwise than JavaScript replaced by what
    it writes as JavaScript does (integral floats by ints, non-finite ones by None); ``default`` turns
    the other types into JSON values, as for the encoder."""
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, (str, int)) or value is None:
        return value
    if isinstance(value, dict):
        return {_key(k): js_ready(v, default) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [js_ready(item, default) for item in value]
    return js_ready(default(value), default)


def encode(value: Any, string: Callable[[str], str], default: Callable[[Any], Any]) -> str:
    """``value`` as compact JSON with every number written as JavaScript writes it (pure Python: the
    rare bodies holding a float below 1e-4). ``string`` writes a JSON string."""
    parts: list[str] = []
    _write(value, parts, string, default)
    return "".join(parts)


def _write(value: Any, parts: list[str], string: Callable[[str], str], default: Callable[[Any], Any]) -> None:
    if isinstance(value, str):
        parts.append(string(value))
    elif value is None or value is True or value is False:
        parts.append("null" if value is None else "true" if value else "false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(js_float(value))
    elif isinstance(value, dict):
        parts.append("{")
        for i, (key, item) in enumerate(value.items()):
            if i:
                parts.append(",")
            parts.append(string(_key_text(key)))
            parts.append(":")
            _write(item, parts, string, default)
        parts.append("}")
    elif isinstance(value, (list, tuple)):
        parts.append("[")
        for i, item in enumerate(value):
            if i:
                parts.append(",")
            _write(item, parts, string, default)
        parts.append("]")
    else:
        _write(default(value), parts, string, default)


def _key_text(key: Any) -> str:
    """A dict key as the encoder writes it: strings as they are, numbers and constants as text."""
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return js_float(key)
    if key is None or key is True or key is False:
        return "null" if key is None else "true" if key else "false"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
