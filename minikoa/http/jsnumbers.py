"""Numbers in JSON as JavaScript's ``JSON.stringify`` writes them.

Python's encoder writes a float with ``repr``: ``5.0``, ``-0.0``, ``1e+16``, ``1e-05``, ``NaN``.
A Strapi client sees ``5``, ``0``, ``10000000000000000``, ``0.00001`` and ``null`` for the same
numbers, so a body must be written the JavaScript way wherever one leaves the server.

The C encoder offers no hook for floats, and walking every body in Python would cost more than
encoding it. So ``jsoncodec`` encodes with the C encoder and hands its text to ``fix``, which
scans it for the few forms where Python and JavaScript differ (an integral float's ``.0``, an
exponent ``e-0N`` or ``e+16`` to ``e+20``, each right before a delimiter: scans with a literal
first, which the regex engine skips to quickly) and rewrites those numbers in place, leaving
strings alone. Only a NaN or an infinity (which the C encoder is told to refuse) costs a pure-Python
encoding, ``encode``. A float used as a dict key (rare, and a string in JSON anyway) keeps Python's
text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from ..jsnumber import layout

__all__ = ["js_float", "fix", "encode"]

# The end of a number written otherwise by Python, and the delimiter after it (a body that is just a
# number has none: ``fix`` adds one): an integral float below 1e16 (5.0, -0.0, 1234.0) ...
_INTEGRAL = re.compile(r"\.0[,\]}]")
# ... 1e-05 to 9.9e-09 (JavaScript: 0.00001, 0.000001, then 1e-7 ... 1e-9, no zero padding) ...
_SMALL = re.compile(r"e-0\d[,\]}]")
# ... and 1e+16 to 1e+20, integral (JavaScript writes every digit; from 1e+21 on both write the same).
# Plain literals first, and no lookahead: the regex engine's fastest search.
_LARGE = re.compile(r"e\+(?:1[6-9]|20)[,\]}]")
#: The characters of a number, walked back over from a match to the number's start.
_NUMBER_CHARS = frozenset("0123456789.-+e")
# A quote inside a string: preceded by an odd run of backslashes.
_ESCAPED_QUOTE = re.compile(r'(?<!\\)(?:\\\\)*\\"')
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
    return layout(value)


def fix(text: str) -> str | None:
    """``text`` (compact JSON from the C encoder) with every number Python writes otherwise than
    JavaScript rewritten as JavaScript writes it; None when there is none (the usual case)."""
    if "0" not in text and "+" not in text:  # every such number has one (5.0, 1e-05, 1e+16)
        return None
    if text[-1:].isdigit():  # a bare number: give the patterns the delimiter they end with
        fixed = fix(text + ",")
        return fixed[:-1] if fixed is not None else None
    # A search each, first: the usual body has no match, and nothing finds that faster. (``+`` is rare
    # enough for a one-character test to spare the third.)
    if (_INTEGRAL.search(text) is None and _SMALL.search(text) is None
            and ("+" not in text or _LARGE.search(text) is None)):
        return None
    spans = _spans(text, _INTEGRAL) + _spans(text, _SMALL) + _spans(text, _LARGE)
    if not spans:
        return None
    spans.sort()
    parts: list[str] = []
    done = 0
    inside = False  # whether the text at ``done`` is inside a string
    changed = False
    for start, end in spans:
        segment = text[done:start]
        quotes = segment.count('"')
        if quotes and "\\" in segment:  # escaped quotes are not string ends
            quotes -= len(_ESCAPED_QUOTE.findall(segment))
        if quotes % 2:
            inside = not inside
        parts.append(segment)
        number = None if inside else _float(text[start:end])
        if number is None:  # text in a string that looks like such a number: left as it is
            parts.append(text[start:end])
        else:
            parts.append(js_float(number))
            changed = True
        done = end
    parts.append(text[done:])
    return "".join(parts) if changed else None


def _float(token: str) -> float | None:
    # Outside strings every span is a number the encoder wrote; None only if that ever failed to hold.
    try:
        return float(token)
    except ValueError:
        return None


def _spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where ``pattern`` ends a number: ``(start, end)`` of each such number, walked back to the
    delimiter before it (``:``, ``[`` or ``,`` in compact JSON; any other start is inside a string)."""
    found = []
    for match in pattern.finditer(text):
        start = end = match.start()
        while start and text[start - 1] in _NUMBER_CHARS:
            start -= 1
        if start < end and (start == 0 or text[start - 1] in ":[,"):
            found.append((start, match.end() - 1))  # the number, without the delimiter
    return found


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
