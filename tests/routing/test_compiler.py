"""The trie compiler: wide nodes, deep paths and backtracking in generated code."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from minikoa.errors import NotFoundError
from minikoa.routing.compiler import _CHAIN_MAX, _MAX_INDENT
from minikoa.routing.router import Router


def test_wide_nodes_dispatch_through_a_table_and_still_backtrack():
    r = Router()
    names = [f"n{i}" for i in range(_CHAIN_MAX * 3)]
    for name in names:
        r.add("GET", f"/{name}/:id/x", name)
    r.add("GET", "/:any/:id/y", "param")
    r.freeze()
    assert ".get(s0)" in r.source  # the root's children go through a dict
    for name in names:
        assert r.match("GET", f"/{name}/7/x") == (name, {"id": "7"})
        # the static subtree has no "y": fall back to the parameter branch
        assert r.match("GET", f"/{name}/7/y") == ("param", {"any": name, "id": "7"})
    assert r.match("GET", "/other/7/y") == ("param", {"any": "other", "id": "7"})


def test_narrow_nodes_use_comparisons():
    r = Router()
    r.add("GET", "/a/:x", "a")
    r.add("GET", "/b/:x", "b")
    r.freeze()
    assert "s0 == 'a'" in r.source and "s0 == 'b'" in r.source


def test_paths_deeper_than_the_inline_limit():
    depth = _MAX_INDENT  # well past the point where subtrees move to functions
    static = "/" + "/".join(f"s{i}" for i in range(depth))
    params = "/" + "/".join(f":p{i}" for i in range(depth))
    r = Router()
    r.add("GET", static, "static")
    r.add("GET", params + "/end", "params")
    r.add("GET", "/s0/*rest", "rest")
    assert r.match("GET", static) == ("static", {})
    values = "/" + "/".join(f"v{i}" for i in range(depth))
    handler, got = r.match("GET", values + "/end")
    assert handler == "params" and got == {f"p{i}": f"v{i}" for i in range(depth)}
    assert r.match("GET", static + "/more") == ("rest", {"rest": static[4:] + "/more"})
    with pytest.raises(NotFoundError):
        r.match("GET", values)


def test_literals_are_quoted_safely():
    # A parameter after the literal keeps these routes out of the static
    # fast path, so the generated comparisons are what match them.
    tricky = ["it's", 'say "hi"', "back\\slash", "tab\there", "\u00e9t\u00e9"]
    r = Router()
    for text in tricky:
        r.add("GET", "/q/" + quote(text, safe="") + "/:id", text)
    for text in tricky:
        assert r.match("GET", "/q/" + quote(text, safe="") + "/1") == (text, {"id": "1"})


def test_github_routes_under_fifty_prefixes_share_code_and_all_match():
    from pathlib import Path

    lines = (Path(__file__).parents[2] / "benchmarks/data/github-api-routes.txt").read_text().split("\n")
    routes = [line.split(" ", 1) for line in lines if line.strip()]
    r = Router()
    for i in range(50):
        for method, path in routes:
            r.add(method, f"/v{i}{path}", (i, method, path))
    r.freeze()
    # 10,150 routes, but the 50 subtrees have one shape: one set of functions.
    assert r.source.count("\ndef ") + 1 < 200
    for i in range(50):
        for method, path in routes:
            concrete = "/".join(seg[1:] + "9" if seg.startswith(":") else seg for seg in path.split("/"))
            handler, params = r.match(method, f"/v{i}{concrete}")
            assert handler[0] == i and handler[1] == method
            if handler[2] == path:
                assert params == {seg[1:]: seg[1:] + "9" for seg in path.split("/") if seg.startswith(":")}
