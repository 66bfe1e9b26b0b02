"""Compile a route trie into Python source: one matching function per subtree.

Walking a trie node by node in a loop pays the interpreter for the loop,
the attribute loads and the dispatch on node kind at every segment. But a
router's trie is fixed once the app starts, and every node's depth, literal
children and route table are known, so the walk can be written out as
plain nested ``if`` statements, which is what this module does, once, when
the router is frozen. For routes ``GET /users/:id`` and ``GET /users/me``::

    def _m0(segs, n, method):
        if n > 1:
            s0 = segs[1]
            if s0 == 'users':
                if n > 2:
                    s1 = segs[2]
                    if s1 == 'me':
                        if n == 3:
                            e = R0.get(method)
                            if e is not None:
                                return e
                    if s1:
                        if n == 3:
                            e = R1.get(method)
                            if e is not None:
                                return e
        return None

``segs`` is the path split on ``/`` (``segs[0]`` is the empty text before the
leading slash) and ``n`` its length. Alternatives at a node are tried in
priority order: static, then each constrained parameter, then the plain
parameter, then the catch-all. A branch that fails falls through to the next
alternative, and that fall-through is the backtracking: no stack, no state.

Each ``R`` table maps a method to its route, with ``HEAD`` already pointing
at the ``GET`` route where no ``HEAD`` route exists, so a method costs one
dict lookup. A node with many literal children dispatches through a dict of
functions, one per child subtree, instead of a chain of comparisons: a
lookup and a call cost about as much as six comparisons, so chains stop at
``_CHAIN_MAX``. Subtrees also move to their own function when the nesting
would get deep, to keep well within Python's indentation limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["compile_trie"]

_CHAIN_MAX = 6
_MAX_INDENT = 40

Find = Callable[[list, int, str], Any]


def _with_head(routes: dict[str, Any]) -> dict[str, Any]:
    table = dict(routes)
    if "GET" in table and "HEAD" not in table:
        table["HEAD"] = table["GET"]
    return table


class _Compiler:
    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {}
        self.sources: list[str] = []
        #: dispatch tables whose values are function names until exec
        self.pending: list[dict[str, Any]] = []
        #: every route entry, to give each its params extractor
        self.entries: list[Any] = []

    def const(self, prefix: str, value: Any) -> str:
        name = f"{prefix}{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def function(self, node: Any, depth: int) -> str:
        name = f"_m{len(self.sources)}"
        self.sources.append("")  # reserve the slot so nested functions number after
        index = len(self.sources) - 1
        lines = [f"def {name}(segs, n, method):"]
        self.node(node, depth, lines, 1)
        lines.append("    return None")
        self.sources[index] = "\n".join(lines)
        return name

    def returns(self, table: dict[str, Any], lines: list[str], pad: str) -> None:
        self.entries.extend(table.values())
        name = self.const("R", _with_head(table))
        lines += [f"{pad}e = {name}.get(method)", f"{pad}if e is not None:", f"{pad}    return e"]

    def child(self, node: Any, depth: int, lines: list[str], indent: int) -> None:
        """Inline ``node``'s subtree, or call it as its own function when deep."""
        pad = "    " * indent
        if indent > _MAX_INDENT:
            fn = self.function(node, depth)
            lines += [f"{pad}e = {fn}(segs, n, method)", f"{pad}if e is not None:", f"{pad}    return e"]
            return
        before = len(lines)
        self.node(node, depth, lines, indent)
        if len(lines) == before:
            lines.append(pad + "pass")

    def node(self, node: Any, depth: int, lines: list[str], indent: int) -> None:
        """Code for a node reached after ``depth`` segments; it returns on a match."""
        pad = "    " * indent
        here = depth + 1  # index in segs of the segment after this node
        if node.routes:
            lines.append(f"{pad}if n == {here}:")
            self.returns(node.routes, lines, pad + "    ")
        if not (node.static or node.regex or node.param or node.catchall):
            return
        lines.append(f"{pad}if n > {here}:")
        pad += "    "
        seg = f"s{depth}"
        lines.append(f"{pad}{seg} = segs[{here}]")
        if len(node.static) > _CHAIN_MAX:
            table = {text: self.function(child, depth + 1) for text, child in node.static.items()}
            self.pending.append(table)
            name = self.const("S", table)
            lines += [f"{pad}f = {name}.get({seg})", f"{pad}if f is not None:",
                      f"{pad}    e = f(segs, n, method)", f"{pad}    if e is not None:",
                      f"{pad}        return e"]
        else:
            keyword = "if"
            for text, child in node.static.items():
                lines.append(f"{pad}{keyword} {seg} == {text!r}:")
                self.child(child, depth + 1, lines, indent + 2)
                keyword = "elif"
        for _source, test, child in node.regex:
            name = self.const("X", test)
            lines.append(f"{pad}if {seg} and {name}({seg}) is not None:")
            self.child(child, depth + 1, lines, indent + 2)
        if node.param is not None:
            lines.append(f"{pad}if {seg}:")
            self.child(node.param, depth + 1, lines, indent + 2)
        if node.catchall is not None and node.catchall.routes:
            lines.append(f"{pad}if any(segs[{here}:]):")
            self.returns(node.catchall.routes, lines, pad + "    ")


def compile_trie(root: Any) -> tuple[Find, str]:
    """The matching function for the trie at ``root``, and its source (for debugging).

    The function takes ``(segs, n, method)`` and returns the route entry or None.
    """
    compiler = _Compiler()
    entry = compiler.function(root, 0)
    source = "\n\n".join(compiler.sources)
    namespace = compiler.namespace
    exec(compile(source, "<minikoa.matcher>", "exec"), namespace)  # noqa: S102 - generated from the trie
    for table in compiler.pending:
        for key, fn_name in table.items():
            table[key] = namespace[fn_name]
    _give_extractors(compiler.entries)
    return namespace[entry], source


def _give_extractors(entries: list[Any]) -> None:
    """Set ``entry.extract``: a generated ``segs -> params`` dict display per route.

    A dict display with constant keys builds the params in one step, faster
    than a loop over ``(name, index)`` pairs.
    """
    lines = []
    for i, entry in enumerate(entries):
        items = [f"{name!r}: segs[{index}]" for name, index in entry.slots]
        if entry.catchall is not None:
            name, index = entry.catchall
            items.append(f"{name!r}: '/'.join(segs[{index}:])")
        lines.append(f"E{i} = (lambda segs: {{{', '.join(items)}}})" if items else f"E{i} = None")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<minikoa.matcher.params>", "exec"), namespace)  # noqa: S102
    for i, entry in enumerate(entries):
        entry.extract = namespace[f"E{i}"]
