"""A segment trie that maps ``(method, path)`` to a handler and its params.

Patterns use koa-router's syntax, one segment at a time:

* ``articles``       static text, compared after percent-decoding;
* ``:id``            a parameter: any non-empty segment;
* ``:id(\\d+)``      a constrained parameter: a segment the regex fully matches;
* ``*path``          a catch-all, last segment only: the (non-empty) rest of the path.

Priority is structural, never registration order: at every position a static
segment beats a constrained parameter, which beats a plain parameter, which
beats a catch-all. When the preferred branch dead-ends (deeper segments do not
match, or the route there lacks the request's method) the walk backtracks and
tries the next branch, so ``/a/:x/c`` and ``/a/b/:y`` both answer ``/a/b/c``
and ``/a/b/d`` respectively.

Fully static paths are answered by one dict lookup. For the others the trie
is compiled, when the router is frozen (on the first match after a change),
into a Python function that walks it with no loop and no recursion (see
``minikoa.matcher``); the walk here in ``_collect`` is the slow, plain one,
used only to list the methods a path allows once nothing matched.

Parameter *names* live on routes, not on nodes, so ``/users/:id`` and
``/users/:user_id/posts`` share a node yet name their parameter differently:
a route records which segment indexes are parameters, and the code compiled
for it builds exactly its params.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from ..errors import MethodNotAllowedError, NotFoundError, ValidationError
from .compiler import compile_trie

__all__ = ["Router", "RouteError", "parse_pattern"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class RouteError(ValueError):
    """A pattern that cannot be routed, or a route registered twice."""


def _split_pattern(path: str) -> list[str]:
    """Split at ``/`` outside parentheses, so a regex may contain ``/`` or ``(``."""
    parts, depth, start = [], 0, 1
    i = 1
    while i < len(path):
        c = path[i]
        if c == "\\":
            i += 2
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "/" and depth == 0:
            parts.append(path[start:i])
            start = i + 1
        i += 1
    parts.append(path[start:])
    return parts


def parse_pattern(path: str, strict_slashes: bool = False) -> list[tuple[str, str, str | None]]:
    """Parse a pattern into ``(kind, text, regex)`` segments.

    ``kind`` is ``"static"`` (``text`` is the decoded segment), ``"param"``,
    ``"regex"`` (``regex`` set) or ``"catchall"`` (``text`` is the name).
    Raises RouteError naming the pattern and the fault.
    """
    if not isinstance(path, str) or not path.startswith("/"):
        raise RouteError(f"route path {path!r} must be a string starting with '/'")
    if not strict_slashes and len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    if path == "/":
        return []
    segments: list[tuple[str, str, str | None]] = []
    names: set[str] = set()
    parts = _split_pattern(path)
    for pos, part in enumerate(parts):
        if part[:1] == ":" or part[:1] == "*":
            m = _NAME.match(part, 1)
            if m is None:
                raise RouteError(f"route {path!r}: segment {part!r} has no valid parameter name")
            name, rest = m.group(), part[m.end():]
            if name in names:
                raise RouteError(f"route {path!r}: parameter {name!r} is used twice")
            names.add(name)
            if part[0] == "*":
                if rest:
                    raise RouteError(f"route {path!r}: catch-all {part!r} cannot have a suffix")
                if pos != len(parts) - 1:
                    raise RouteError(f"route {path!r}: catch-all {part!r} must be the last segment")
                segments.append(("catchall", name, None))
            elif not rest:
                segments.append(("param", name, None))
            elif rest[0] == "(" and rest[-1] == ")":
                regex = rest[1:-1]
                try:
                    re.compile(regex)
                except re.error as exc:
                    raise RouteError(f"route {path!r}: bad regex for {name!r}: {exc}") from None
                if not regex:
                    raise RouteError(f"route {path!r}: empty regex for {name!r}")
                segments.append(("regex", name, regex))
            else:
                raise RouteError(
                    f"route {path!r}: segment {part!r} is not supported "
                    "(use :name, :name(regex) or a trailing *name)")
        else:
            if "(" in part or "*" in part:
                raise RouteError(f"route {path!r}: segment {part!r} mixes text and pattern syntax")
            segments.append(("static", unquote(part), None))
    return segments


class _Node:
    __slots__ = ("static", "regex", "param", "catchall", "routes")

    def __init__(self) -> None:
        self.static: dict[str, _Node] = {}
        self.regex: list[tuple[str, Callable[[str], Any], _Node]] = []
        self.param: _Node | None = None
        self.catchall: _Node | None = None
        #: method -> _Entry, for routes that end at this node
        self.routes: dict[str, _Entry] | None = None


class _Entry:
    """One registered (method, pattern): the handler and where its params sit."""

    __slots__ = ("method", "path", "handler", "name", "slots", "catchall", "seq")

    def __init__(self, method: str, path: str, handler: Any, name: str,
                 slots: tuple[tuple[str, int], ...], catchall: tuple[str, int] | None,
                 seq: int) -> None:
        self.method = method
        self.path = path
        self.handler = handler
        self.name = name
        self.slots = slots
        self.catchall = catchall
        self.seq = seq


def _handler_name(handler: Any) -> str:
    name = getattr(handler, "name", None)
    if isinstance(name, str):
        return name
    return getattr(handler, "__qualname__", None) or repr(handler)


class Router:
    """Method + path -> handler, with 404 and 405 answers.

    ``add(method, path, handler)`` registers; ``match(method, path)`` returns
    ``(handler, params)`` or raises NotFoundError, or MethodNotAllowedError
    whose ``allowed`` lists what the path accepts. ``path`` is the path as it
    came over the wire (still percent-encoded): static segments are compared
    and params returned decoded, and an encoded ``/`` (``%2F``) stays inside
    its segment. ``HEAD`` falls back to the ``GET`` route.
    """

    def __init__(self, strict_slashes: bool = False) -> None:
        self.strict_slashes = strict_slashes
        self._strip_slash = not strict_slashes
        self._root = _Node()
        #: fully static decoded path -> {method: entry} (HEAD included); the one-lookup fast path
        self._static: dict[str, dict[str, _Entry]] = {}
        self._entries: list[_Entry] = []
        #: the compiled matcher and its tables; until compiled, a stand-in that compiles
        self._find: Callable[..., tuple[Any, dict[str, str]] | None] = self._compile_then_find
        self._tables: tuple[Any, ...] = ()
        #: The generated matcher's source, for the curious and for debugging.
        self.source = ""

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, method: str, path: str, handler: Any, name: str | None = None) -> None:
        """Register ``handler`` for ``method`` on ``path`` (RouteError on a duplicate)."""
        method = method.upper()
        segments = parse_pattern(path, self.strict_slashes)
        node = self._root
        slots: list[tuple[str, int]] = []
        catchall = None
        for index, (kind, text, regex) in enumerate(segments, start=1):
            if kind == "static":
                node = node.static.setdefault(text, _Node())
            elif kind == "param":
                if node.param is None:
                    node.param = _Node()
                node = node.param
                slots.append((text, index))
            elif kind == "regex":
                for source, _, child in node.regex:
                    if source == regex:
                        node = child
                        break
                else:
                    assert regex is not None  # a "regex" segment carries its pattern
                    child = _Node()
                    node.regex.append((regex, re.compile(regex).fullmatch, child))
                    node = child
                slots.append((text, index))
            else:
                if node.catchall is None:
                    node.catchall = _Node()
                node = node.catchall
                catchall = (text, index)
        if node.routes is None:
            node.routes = {}
        label = name or _handler_name(handler)
        existing = node.routes.get(method)
        if existing is not None:
            raise RouteError(
                f"duplicate route {method} {path}: {label!r} clashes with "
                f"{existing.name!r} registered for {method} {existing.path}")
        entry = _Entry(method, path, handler, label, tuple(slots), catchall, len(self._entries))
        node.routes[method] = entry
        self._entries.append(entry)
        if all(kind == "static" for kind, _, _ in segments):
            key = "/" + "/".join(text for _, text, _ in segments)
            table = self._static.setdefault(key, {})
            table[method] = entry
            if method == "GET" and "HEAD" not in node.routes:
                table["HEAD"] = entry  # HEAD is answered by GET unless routed itself
        self._find = self._compile_then_find

    def freeze(self) -> None:
        """Compile the trie into its matching function; done once before matching.

        Matching compiles on demand after a change; call this to pay the cost
        at start-up instead of on the first request.
        """
        self._find, self._tables, self.source = compile_trie(self._root)

    def _compile_then_find(self, segs: list[str], n: int, method: str,
                           tables: tuple) -> tuple[Any, dict[str, str]] | None:
        self.freeze()
        return self._find(segs, n, method, self._tables)

    # -- matching ---------------------------------------------------------

    def match(self, method: str, path: str) -> tuple[Any, dict[str, str]]:
        """``(handler, params)`` for the request, or NotFoundError / MethodNotAllowedError.

        The trie walk itself is generated code (see ``minikoa.matcher``).
        """
        if path[-1] == "/" and self._strip_slash and len(path) > 1:
            path = path[:-1]
        if "%" in path:
            segs = _decode_segments(path)
        else:
            routes = self._static.get(path)
            if routes is not None:
                entry = routes.get(method)
                if entry is not None:
                    return entry.handler, {}
            segs = path.split("/")
        # "/" splits into ["", ""]; a root route is static and was answered above,
        # and the empty segment matches nothing in the trie, so no special case.
        found = self._find(segs, len(segs), method, self._tables)
        if found is None:
            allowed = self.allowed_methods(path)
            if allowed:
                raise MethodNotAllowedError(allowed=allowed)
            raise NotFoundError()
        return found

    def allowed_methods(self, path: str) -> list[str]:
        """Every method some route accepts for ``path``, in ``Allow`` order.

        Koa-router's order: registration order, with ``HEAD`` just before the
        ``GET`` that implies it.
        """
        if len(path) > 1 and path[-1] == "/" and not self.strict_slashes:
            path = path[:-1]
        segs = _decode_segments(path) if "%" in path else path.split("/")
        if len(segs) == 2 and not segs[1]:
            segs = [""]
        found: list[_Entry] = []
        _collect(self._root, segs, 1, len(segs), found)
        methods: list[str] = []
        for entry in sorted(found, key=lambda e: e.seq):
            if entry.method == "GET" and "HEAD" not in methods:
                methods.append("HEAD")
            if entry.method not in methods:
                methods.append(entry.method)
        return methods

    def routes(self) -> list[tuple[str, str, Any]]:
        """``(method, path, handler)`` for every route, in registration order."""
        return [(e.method, e.path, e.handler) for e in self._entries]


def _decode_segments(path: str) -> list[str]:
    try:
        return [unquote(s, errors="strict") if "%" in s else s for s in path.split("/")]
    except UnicodeDecodeError:
        raise ValidationError("Malformed URL: the path is not valid UTF-8") from None


def _collect(node: _Node, segs: list[str], i: int, n: int, out: list[_Entry]) -> None:
    """Every entry whose pattern matches, whatever its method (for 405's Allow)."""
    if i == n:
        if node.routes:
            out.extend(node.routes.values())
        return
    seg = segs[i]
    child = node.static.get(seg)
    if child is not None:
        _collect(child, segs, i + 1, n, out)
    if seg:
        for _, test, child in node.regex:
            if test(seg) is not None:
                _collect(child, segs, i + 1, n, out)
        if node.param is not None:
            _collect(node.param, segs, i + 1, n, out)
    if node.catchall is not None and node.catchall.routes and any(segs[i:]):
        out.extend(node.catchall.routes.values())

