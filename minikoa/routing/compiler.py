"""Compile a route trie into Python source that matches a path.

Walking a trie node by node in a loop pays the interpreter for the loop,
the attribute loads and the dispatch on node kind at every segment. But a
router's trie is fixed once the app starts, and every node's depth, literal
children and routes are known, so the walk can be written out as plain
nested ``if`` statements, once, when the router is frozen. For the routes
``GET /users/me`` and ``GET|DELETE /users/:id``::

    def _m0(segs, n, method, T):
        if n > 1:
            s0 = segs[1]
            if s0 == 'users':
                if n > 2:
                    s1 = segs[2]
                    if s1 == 'me':
                        if n == 3:
                            if method == 'GET' or method == 'HEAD':
                                return T[1], {}
                    if s1:
                        if n == 3:
                            if method == 'GET' or method == 'HEAD':
                                return T[2], {'id': s1}
                            if method == 'DELETE':
                                return T[3], {'id': s1}
        return None

``segs`` is the path split on ``/`` (``segs[0]`` is the empty text before the
leading slash) and ``n`` its length. The function returns ``(handler,
params)`` with the params built by a dict display from segments it already
holds in locals.

**Backtracking.** Alternatives at a node are tried in priority order:
static, then each constrained parameter, then the plain parameter, then the
catch-all. A branch that fails falls through to the next alternative; that
fall-through is the backtracking, with no stack and no state.

**Methods.** ``HEAD`` goes with ``GET`` unless it is routed itself. Methods
are compared, not looked up: interned strings compare by identity first,
and a dict per node would be one more object to fetch from memory.

**Shared code.** Everything that varies between subtrees of the same shape
(the handlers, the regex testers, the dispatch tables) is read from the
tuple ``T`` passed in, never written into the code. Subtrees with the same
shape, ``/v1/...`` beside ``/v2/...`` or one content-type's CRUD routes
beside another's, compile to identical source and share one function, so
the code a large app runs grows with the number of route *shapes*, not
routes. That keeps matching fast as the route count grows, when what costs
is fetching code and tables from memory rather than executing them.

**Wide nodes.** A node with many literal children dispatches through a dict
``{literal: T}`` whose values are the child subtree's function and tables
(``T[0]`` is the function itself), instead of a chain of comparisons: a
lookup and a call cost about as much as six comparisons, so chains stop at
``_CHAIN_MAX``. Subtrees also move to their own function when the nesting
gets deep, well within Python's indentation limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["compile_trie"]

_CHAIN_MAX = 6
_MAX_INDENT = 40

Find = Callable[[list, int, str, tuple], Any]


class _Instance:
    """One compiled subtree: its function's name and its own tables."""

    __slots__ = ("name", "tables", "bound")

    def __init__(self, name: str, tables: list[Any]) -> None:
        self.name = name
        self.tables = tables
        #: after exec: ``(function, *tables)``, the ``T`` the function is called with
        self.bound: tuple[Any, ...] | None = None


class _Compiler:
    def __init__(self) -> None:
        #: function body -> function name: subtrees of one shape share a function
        self.bodies: dict[str, str] = {}
        self.sources: list[str] = []
        #: instances in completion order (children before their parents)
        self.instances: list[_Instance] = []
        #: dispatch tables whose values are _Instances until exec
        self.dispatch: list[dict[str, Any]] = []

    def function(self, node: Any, depth: int) -> _Instance:
        """Compile the subtree at ``node``, reached after ``depth`` segments."""
        tables: list[Any] = []
        lines: list[str] = []
        self.node(node, depth, depth, lines, 1, tables)
        body = "\n".join(lines)
        name = self.bodies.get(body)
        if name is None:
            name = self.bodies[body] = f"_m{len(self.bodies)}"
            self.sources.append(f"def {name}(segs, n, method, T):\n{body}\n    return None")
        instance = _Instance(name, tables)
        self.instances.append(instance)
        return instance

    @staticmethod
    def table(tables: list[Any], value: Any) -> str:
        tables.append(value)
        return f"T[{len(tables)}]"  # T[0] is the function itself

    def returns(self, routes: dict[str, Any], base: int, lines: list[str], pad: str,
                tables: list[Any]) -> None:
        """Return ``(handler, params)`` for the request's method, if routed here."""
        head_is_get = "GET" in routes and "HEAD" not in routes
        for method, entry in routes.items():
            test = f"method == {method!r}"
            if method == "GET" and head_is_get:
                test += " or method == 'HEAD'"
            lines += [f"{pad}if {test}:",
                      f"{pad}    return {self.table(tables, entry.handler)}, {_params(entry, base)}"]

    def child(self, node: Any, depth: int, base: int, lines: list[str], indent: int,
              tables: list[Any]) -> None:
        """Inline the subtree at ``node``, or call it as its own function when deep."""
        pad = "    " * indent
        if indent > _MAX_INDENT:
            ref = self.table(tables, self.function(node, depth))
            lines += [f"{pad}t = {ref}", f"{pad}found = t[0](segs, n, method, t)",
                      f"{pad}if found is not None:", f"{pad}    return found"]
            return
        before = len(lines)
        self.node(node, depth, base, lines, indent, tables)
        if len(lines) == before:
            lines.append(pad + "pass")

    def node(self, node: Any, depth: int, base: int, lines: list[str], indent: int,
             tables: list[Any]) -> None:
        """Code for a node reached after ``depth`` segments, in a function that
        started at depth ``base``; it returns on a match and falls through otherwise."""
        pad = "    " * indent
        here = depth + 1  # index in segs of the segment after this node
        if node.routes:
            lines.append(f"{pad}if n == {here}:")
            self.returns(node.routes, base, lines, pad + "    ", tables)
        if not (node.static or node.regex or node.param or node.catchall):
            return
        lines.append(f"{pad}if n > {here}:")
        pad += "    "
        seg = f"s{depth}"
        lines.append(f"{pad}{seg} = segs[{here}]")
        if len(node.static) > _CHAIN_MAX:
            dispatch = {text: self.function(child, depth + 1) for text, child in node.static.items()}
            self.dispatch.append(dispatch)
            ref = self.table(tables, dispatch)
            lines += [f"{pad}t = {ref}.get({seg})", f"{pad}if t is not None:",
                      f"{pad}    found = t[0](segs, n, method, t)", f"{pad}    if found is not None:",
                      f"{pad}        return found"]
        else:
            keyword = "if"
            for text, child in node.static.items():
                # Literals are part of the shape: they stay in the code.
                lines.append(f"{pad}{keyword} {seg} == {text!r}:")
                self.child(child, depth + 1, base, lines, indent + 2, tables)
                keyword = "elif"
        for _source, test, child in node.regex:
            ref = self.table(tables, test)
            lines.append(f"{pad}if {seg} and {ref}({seg}) is not None:")
            self.child(child, depth + 1, base, lines, indent + 2, tables)
        if node.param is not None:
            lines.append(f"{pad}if {seg}:")
            self.child(node.param, depth + 1, base, lines, indent + 2, tables)
        if node.catchall is not None and node.catchall.routes:
            lines.append(f"{pad}if any(segs[{here}:]):")
            self.returns(node.catchall.routes, base, lines, pad + "    ", tables)


def _params(entry: Any, base: int) -> str:
    """The dict display of ``entry``'s params, from locals where the function has them.

    The segment at ``segs[i]`` is held in local ``s{i-1}`` once the walk has
    passed it inside the current function (one that started at depth ``base``).
    """
    items = []
    for name, index in entry.slots:
        source = f"s{index - 1}" if index - 1 >= base else f"segs[{index}]"
        items.append(f"{name!r}: {source}")
    if entry.catchall is not None:
        name, index = entry.catchall
        items.append(f"{name!r}: '/'.join(segs[{index}:])")
    return "{" + ", ".join(items) + "}"


def compile_trie(root: Any) -> tuple[Find, tuple[Any, ...], str]:
    """The matching function for the trie at ``root``, its tables, and its source.

    Call it as ``find(segs, n, method, tables)``: it returns ``(handler,
    params)``, or None when no route matches the path and method. The source
    is kept for debugging.
    """
    compiler = _Compiler()
    top = compiler.function(root, 0)
    source = "\n\n".join(compiler.sources)
    namespace: dict[str, Any] = {}
    exec(compile(source, "<minikoa.matcher>", "exec"), namespace)  # noqa: S102 - generated from the trie
    # Children complete before their parents, so a child's bound tuple exists
    # when a parent's tables refer to it.
    for instance in compiler.instances:
        instance.bound = (namespace[instance.name],
                          *(t.bound if isinstance(t, _Instance) else t for t in instance.tables))
    for dispatch in compiler.dispatch:
        for key, instance in dispatch.items():
            dispatch[key] = instance.bound
    assert top.bound is not None
    return top.bound[0], top.bound, source
