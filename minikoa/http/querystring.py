"""Query-string parsing that matches Strapi's ``ctx.query``.

Strapi replaces Koa's flat query parser with ``qs.parse`` (qs 6.11.1, options
``depth: 20, arrayLimit: 100``), so clients send nested queries such as
``filters[title][$eq]=x&sort[0]=title:asc`` and controllers read nested dicts
and lists. :func:`parse_qs` reproduces that parser's output, quirks included,
so code and clients ported from Strapi see the same ``ctx.query``.

Where qs quietly degrades input, minikoa refuses it with
:class:`QueryStringError` (a 400 for the client) rather than hand a controller
data that differs from what was sent:

* more than ``parameter_limit`` ``&``-separated parts (qs drops the rest);
* a key with more than ``depth`` bracket segments (qs folds the rest into one
  literal key);
* a bad percent escape, or escapes that are not UTF-8 (qs keeps the raw text).

Output values are ``str``; containers are ``dict`` and ``list``. qs's merge
rules can also produce ``True`` (``a[b]=1&a=c`` gives ``{'a': {'b': '1',
'c': True}}``) and, with ``strict_null_handling``, ``None`` (a part with no
``=``), exactly where qs produces ``true`` and ``null``.

Dict keys keep first-appearance order. JavaScript objects list integer-like keys
first in numeric order; only the *output order* of such keys differs from
Strapi (equality and values are the same), so that quirk is not reproduced for
output. It is reproduced where it changes values: qs merges top-level
parameters in ``Object.keys`` order, integer-like keys first.
"""

from __future__ import annotations

import functools
import re
from string import hexdigits
from typing import Any

__all__ = ["QueryStringError", "parse_qs"]


class QueryStringError(ValueError):
    """A query string minikoa refuses to parse; the app answers 400.

    ``message`` is short and safe to show a client (echoed input is truncated);
    ``details`` always holds ``{"source": "query"}`` and, when known, the
    top-level parameter at fault as ``"param"``.
    """

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = {"source": "query", **(details or {})}


# Own properties of JavaScript's Object.prototype. qs (allowPrototypes: false)
# drops any parameter whose parent or bracket segment is one of these, and
# never sets such a key to ``true`` in a merge.
_PROTO_KEYS = frozenset((
    "__proto__", "constructor", "hasOwnProperty", "isPrototypeOf",
    "propertyIsEnumerable", "toLocaleString", "toString", "valueOf",
    "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
))

# A well-formed bracket segment: "[" + no brackets + "]". qs 6.11 finds these
# left to right anywhere in the key and ignores the text between and after them
# ("a[b]c[d]" is a -> b -> d; "a[b" has no segment and stays a literal key).
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
# A run of valid escapes (decoded together, as UTF-8 sequences may span
# several), or a "%" that starts no valid escape.
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+|%")
_HEX_BYTE = {a + b: bytes((int(a + b, 16),)) for a in hexdigits for b in hexdigits}
_SLOW_CHARS = frozenset("[]%+")

# A hole in a sparse array under construction; qs compacts them away at the end.
_HOLE: Any = object()


class _BadEscape(Exception):
    """Internal: why a percent-decoding failed (the message tail)."""


def _decode_run(match: re.Match[str]) -> str:
    run = match.group()
    if len(run) == 1:
        raise _BadEscape("invalid percent-encoding")
    try:
        return bytes.fromhex(run.replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        raise _BadEscape("percent-encoded bytes that are not UTF-8") from None


def _decode(text: str) -> str:
    """``+`` to space, then ``decodeURIComponent``, which refuses what it can't decode."""
    if "+" in text:
        text = text.replace("+", " ")
    if "%" not in text:
        return text
    if not text.isascii():
        return _ESCAPES.sub(_decode_run, text)
    # Common case, twice as fast as the regex: bytes between escapes are ASCII.
    chunks = text.split("%")
    out = [chunks[0].encode()]
    for chunk in chunks[1:]:
        byte = _HEX_BYTE.get(chunk[:2])
        if byte is None:
            raise _BadEscape("invalid percent-encoding")
        out.append(byte)
        out.append(chunk[2:].encode())
    try:
        return b"".join(out).decode("utf-8")
    except UnicodeDecodeError:
        raise _BadEscape("percent-encoded bytes that are not UTF-8") from None


def _clip(text: str) -> str:
    """Client input cut to 50 characters, for error messages and details."""
    return text if len(text) <= 50 else text[:47] + "..."


def _echo(text: str) -> str:
    return repr(_clip(text))


def _top_level(key: str) -> str:
    """The top-level key a (decoded) parameter key lands in, for error details."""
    match = _SEGMENT.search(key)
    if match is not None:
        key = key[: match.start()] or match.group(1)
    return _clip(key)


def _decode_pair(part: str, key: str, value: str | None) -> tuple[str, str | None]:
    """Decode a part's key and value, or raise the client-facing error."""
    decoded_key = ""
    try:
        decoded_key = _decode(key)
        return decoded_key, value if value is None else _decode(value)
    except _BadEscape as exc:
        details = {"param": _top_level(decoded_key)} if decoded_key else {}
        raise QueryStringError(f"Malformed query string: {exc} in {_echo(part)}", details) from None


@functools.lru_cache(maxsize=1024)
def _split_key(key: str) -> tuple[str, tuple[tuple[str, int], ...], int] | None:
    """Split a decoded key as qs 6.11 does; cached, as clients repeat keys.

    Returns None when the parent is a prototype key (qs drops the parameter),
    else ``(parent, chain, proto_at)``: ``chain`` holds the bracket segments
    innermost first, each with its value as a canonical array index (or -1);
    ``proto_at`` is the position (outermost first) of the first segment that
    is a prototype key, or -1.
    """
    match = _SEGMENT.search(key)
    if match is None:
        return None if key in _PROTO_KEYS else (key, (), -1)
    parent = key[: match.start()]
    if parent in _PROTO_KEYS:
        return None
    segments = _SEGMENT.findall(key, match.start())
    proto_at = next((i for i, s in enumerate(segments) if s in _PROTO_KEYS), -1)
    chain = tuple(
        # An array index is canonical decimal: "0", "7", "12" but not "07", "+1", "-1".
        (s, int(s) if s.isdigit() and s.isascii() and (s == "0" or s[0] != "0") and len(s) < 16 else -1)
        for s in reversed(segments)
    )
    return parent, chain, proto_at


def _is_js_array_index(key: str) -> bool:
    """Whether V8 orders this object key before the others (a canonical uint32 < 2**32-1)."""
    return (
        key.isdigit() and key.isascii() and (key == "0" or key[0] != "0")
        and (len(key) < 10 or (len(key) == 10 and int(key) <= 4294967294))
    )


def _merge(target: Any, source: Any) -> Any:
    """qs's ``utils.merge``: fold ``source`` into ``target``; returns the result.

    Mutates ``target`` where qs does. Recursion follows the source chain, so
    its depth is bounded by the ``depth`` limit.
    """
    if source is None or source == "":  # JS-falsy source: qs keeps target as is
        return target
    target_type = type(target)
    if type(source) is str:
        if target_type is list:
            target.append(source)
        elif target_type is dict:
            if source not in _PROTO_KEYS:
                target[source] = True
        else:
            return [target, source]
        return target
    # source is a dict or a list
    if target_type is not dict and target_type is not list:
        return [target, *source] if type(source) is list else [target, source]
    if target_type is list:
        if type(source) is list:
            for i, item in enumerate(source):
                if item is _HOLE:
                    continue
                if i < len(target) and target[i] is not _HOLE:
                    current = target[i]
                    if type(current) in (dict, list) and type(item) in (dict, list):
                        target[i] = _merge(current, item)
                    else:
                        target.append(item)
                else:
                    # Only a source that has holes can reach past the end, and
                    # such a source already flagged the parse for compaction.
                    if i >= len(target):
                        target.extend([_HOLE] * (i + 1 - len(target)))
                    target[i] = item
            return target
        target = {str(i): v for i, v in enumerate(target) if v is not _HOLE}
    if type(source) is list:
        pairs: Any = ((str(i), v) for i, v in enumerate(source) if v is not _HOLE)
    else:
        pairs = source.items()
    for key, value in pairs:
        if key in target:
            target[key] = _merge(target[key], value)
        else:
            target[key] = value
    return target


def _compact(value: Any) -> Any:
    """qs's ``utils.compact``: drop array holes, keeping element order."""
    if type(value) is list:
        return [_compact(v) for v in value if v is not _HOLE]
    if type(value) is dict:
        for key, v in value.items():
            if type(v) is list or type(v) is dict:
                value[key] = _compact(v)
    return value


def parse_qs(
    query: str,
    *,
    depth: int = 20,
    array_limit: int = 100,
    parameter_limit: int = 1000,
    strict_null_handling: bool = False,
) -> dict[str, Any]:
    """Parse a raw ``QUERY_STRING`` the way Strapi's ``qs.parse`` does.

    ``query`` may start with ``?``. ``depth`` is the most bracket segments a key
    may have, ``array_limit`` the largest index that still makes an array
    (``a[101]=x`` gives ``{'a': {'101': 'x'}}``), ``parameter_limit`` the most
    ``&``-separated parts. ``strict_null_handling`` gives ``None`` rather than
    ``''`` for a part without ``=`` (qs's option of that name).

    Raises :class:`QueryStringError` on a limit overrun or malformed escape,
    and never any other exception for any ``str`` input.
    """
    if query[:1] == "?":
        query = query[1:]
    if not query:
        return {}
    if query.count("&") >= parameter_limit:
        raise QueryStringError(f"Too many query parameters (limit {parameter_limit})")
    parts = query.split("&")
    bare_value = None if strict_null_handling else ""

    if _SLOW_CHARS.isdisjoint(query):
        # Flat keys, nothing to decode: qs's result is this dict of strings,
        # with repeated keys combined into lists.
        flat: dict[str, Any] = {}
        for part in parts:
            name, eq, text = part.partition("=")
            if not name or name in _PROTO_KEYS:
                continue
            item: Any = text if eq else bare_value
            if name in flat:
                current = flat[name]
                if type(current) is list:
                    current.append(item)
                else:
                    flat[name] = [current, item]
            else:
                flat[name] = item
        return flat

    # Pass 1 (qs's parseValues): decoded key -> value, repeats combined.
    values: dict[str, Any] = {}
    key: str
    value: str | None
    for part in parts:
        if not part:
            continue
        # qs splits at "]=" when there is one, else at the first "=".
        cut = part.find("]=")
        cut = cut + 1 if cut >= 0 else part.find("=")
        if cut < 0:
            key, value = part, bare_value
        else:
            key, value = part[:cut], part[cut + 1:]
        if "%" in part or "+" in part:
            key, value = _decode_pair(part, key, value)
        if not key:
            continue
        if key in values:
            current = values[key]
            if type(current) is list:
                current.append(value)
            else:
                values[key] = [current, value]
        else:
            values[key] = value

    keys: Any = values
    if any(map(str.isdigit, values)):
        indices = sorted((k for k in values if _is_js_array_index(k)), key=int)
        if indices:
            keys = indices + [k for k in values if not _is_js_array_index(k)]

    # Pass 2 (qs's parseKeys + merge): build each key's chain and merge it in.
    result: dict[str, Any] = {}
    has_holes = False
    chain: tuple[tuple[str, int], ...]
    for key in keys:
        leaf = values[key]
        if "[" not in key:
            if key in _PROTO_KEYS:
                continue
            parent, chain = key, ()
        else:
            split = _split_key(key) if len(key) <= 256 else _split_key.__wrapped__(key)
            if split is None:  # the parent is a prototype key
                if depth > 0 or _SEGMENT.search(key) is None:
                    continue
                split = ("", ((key, -1),), -1)  # with depth 0 qs keeps the key whole
            parent, chain, proto_at = split
            if len(chain) > depth:
                # qs drops the parameter if a segment within the depth is a
                # prototype key; past the depth it would fold the remaining
                # segments into one literal key, which minikoa refuses.
                if 0 <= proto_at < depth:
                    continue
                raise QueryStringError(
                    f"Query parameter nested too deeply: {_echo(key)} (limit {depth})",
                    {"param": _clip(parent or chain[-1][0])},
                )
            if proto_at >= 0:
                continue

        for segment, index in chain:
            if not segment:  # "[]": [].concat(leaf)
                leaf = list(leaf) if type(leaf) is list else [leaf]
            elif index < 0 or index > array_limit:
                leaf = {segment: leaf}
            elif index:
                has_holes = True
                leaf = [_HOLE] * index + [leaf]
            else:
                leaf = [leaf]

        if parent:
            if parent in result:
                result[parent] = _merge(result[parent], leaf)
            else:
                result[parent] = leaf
        else:
            _merge(result, leaf)  # a dict target stays the same dict

    return _compact(result) if has_holes else result
