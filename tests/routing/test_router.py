"""The segment trie: syntax, priority, backtracking, decoding, 404/405."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minikoa.errors import MethodNotAllowedError, NotFoundError, ValidationError
from minikoa.routing.router import RouteError, Router, parse_pattern


def make(*routes: str, strict: bool = False) -> Router:
    router = Router(strict_slashes=strict)
    for spec in routes:
        method, path = spec.split(" ", 1)
        router.add(method, path, spec)
    return router


def test_static_param_regex_catchall():
    r = make("GET /users", "GET /users/:id", "GET /n/:id(\\d+)", "GET /files/*path")
    assert r.match("GET", "/users") == ("GET /users", {})
    assert r.match("GET", "/users/42") == ("GET /users/:id", {"id": "42"})
    assert r.match("GET", "/n/7") == ("GET /n/:id(\\d+)", {"id": "7"})
    assert r.match("GET", "/files/a/b/c.txt") == ("GET /files/*path", {"path": "a/b/c.txt"})
    with pytest.raises(NotFoundError):
        r.match("GET", "/n/x")
    with pytest.raises(NotFoundError):
        r.match("GET", "/files")


def test_root_route():
    r = make("GET /", "GET /a")
    assert r.match("GET", "/") == ("GET /", {})
    assert r.match("GET", "/a") == ("GET /a", {})


def test_priority_does_not_depend_on_registration_order():
    specs = ["GET /p/*rest", "GET /p/:name", "GET /p/:id(\\d+)", "GET /p/me"]
    for order in (specs, list(reversed(specs))):
        r = make(*order)
        assert r.match("GET", "/p/me")[0] == "GET /p/me"
        assert r.match("GET", "/p/12")[0] == "GET /p/:id(\\d+)"
        assert r.match("GET", "/p/bob")[0] == "GET /p/:name"
        assert r.match("GET", "/p/a/b")[0] == "GET /p/*rest"


def test_backtracking_when_the_static_branch_dead_ends():
    # /a/b/... prefers the static "b", whose subtree has no "c": back to :x.
    r = make("GET /a/:x/c", "GET /a/b/d")
    assert r.match("GET", "/a/b/c") == ("GET /a/:x/c", {"x": "b"})
    assert r.match("GET", "/a/b/d") == ("GET /a/b/d", {})
    # Both of the routes stay reachable.
    r = make("GET /a/:x/c", "GET /a/b/:y")
    assert r.match("GET", "/a/b/d") == ("GET /a/b/:y", {"y": "d"})
    assert r.match("GET", "/a/z/c") == ("GET /a/:x/c", {"x": "z"})
    # Left-to-right: at the second segment the static "b" wins.
    assert r.match("GET", "/a/b/c") == ("GET /a/b/:y", {"y": "c"})


def test_backtracking_past_a_constrained_param_and_a_method():
    r = make("GET /v/:id(\\d+)/x", "GET /v/:slug/y", "POST /w/static", "GET /w/:any")
    assert r.match("GET", "/v/12/y") == ("GET /v/:slug/y", {"slug": "12"})
    # The static route lacks GET: the param route that has it answers.
    assert r.match("GET", "/w/static") == ("GET /w/:any", {"any": "static"})
    assert r.match("POST", "/w/static") == ("POST /w/static", {})


def test_different_param_names_at_one_position():
    r = make("GET /users/:id", "GET /users/:user_id/posts", "DELETE /users/:uid")
    assert r.match("GET", "/users/1") == ("GET /users/:id", {"id": "1"})
    assert r.match("GET", "/users/1/posts") == ("GET /users/:user_id/posts", {"user_id": "1"})
    assert r.match("DELETE", "/users/1") == ("DELETE /users/:uid", {"uid": "1"})


def test_params_are_percent_decoded_and_slash_stays_in_segment():
    r = make("GET /hello/:name", "GET /caf\u00e9/:x")
    assert r.match("GET", "/hello/w%C3%B6rld")[1] == {"name": "w\u00f6rld"}
    assert r.match("GET", "/hello/a%2Fb")[1] == {"name": "a/b"}
    assert r.match("GET", "/hello/a%20b")[1] == {"name": "a b"}
    assert r.match("GET", "/caf%C3%A9/1")[0] == "GET /caf\u00e9/:x"
    with pytest.raises(ValidationError):
        r.match("GET", "/hello/%FF")


def test_params_never_match_an_empty_segment():
    r = make("GET /a/:x/b")
    with pytest.raises(NotFoundError):
        r.match("GET", "/a//b")


def test_duplicate_route_names_both_handlers():
    r = Router()

    def first(ctx): ...

    def second(ctx): ...

    r.add("GET", "/users/:id", first)
    with pytest.raises(RouteError) as err:
        r.add("GET", "/users/:other", second)
    assert "first" in str(err.value) and "second" in str(err.value)
    r.add("POST", "/users/:id", second)  # another method is fine


def test_trailing_slash_ignored_by_default_strict_on_request():
    r = make("GET /articles")
    assert r.match("GET", "/articles/")[0] == "GET /articles"
    with pytest.raises(RouteError):
        r.add("GET", "/articles/", "again")
    s = make("GET /articles", "GET /articles/", strict=True)
    assert s.match("GET", "/articles")[0] == "GET /articles"
    assert s.match("GET", "/articles/")[0] == "GET /articles/"
    t = make("GET /only", strict=True)
    with pytest.raises(NotFoundError):
        t.match("GET", "/only/")


def test_405_lists_allowed_methods_in_koa_order():
    r = make("GET /api/articles", "POST /api/articles", "GET /api/articles/:id",
             "PUT /api/articles/:id", "DELETE /api/articles/:id")
    with pytest.raises(MethodNotAllowedError) as err:
        r.match("PATCH", "/api/articles")
    assert err.value.allowed == ("HEAD", "GET", "POST")
    assert err.value.headers["Allow"] == "HEAD, GET, POST"
    with pytest.raises(MethodNotAllowedError) as err:
        r.match("POST", "/api/articles/abc")
    assert err.value.allowed == ("HEAD", "GET", "PUT", "DELETE")
    with pytest.raises(NotFoundError):
        r.match("GET", "/api/nope")


def test_head_uses_get_unless_head_is_routed():
    r = make("GET /a", "GET /b/:x")
    assert r.match("HEAD", "/a")[0] == "GET /a"
    assert r.match("HEAD", "/b/1") == ("GET /b/:x", {"x": "1"})
    r.add("HEAD", "/a", "HEAD /a")
    assert r.match("HEAD", "/a")[0] == "HEAD /a"


def test_catchall_beats_nothing_but_loses_to_everything():
    r = make("GET /s/*rest", "GET /s/:a/:b")
    assert r.match("GET", "/s/x/y") == ("GET /s/:a/:b", {"a": "x", "b": "y"})
    assert r.match("GET", "/s/x/y/z") == ("GET /s/*rest", {"rest": "x/y/z"})
    assert r.match("GET", "/s/x") == ("GET /s/*rest", {"rest": "x"})


@pytest.mark.parametrize("pattern, message", [
    ("articles", "must be a string starting with '/'"),
    ("/a/:", "no valid parameter name"),
    ("/a/:1x", "no valid parameter name"),
    ("/a/*rest/b", "must be the last segment"),
    ("/a/:x/:x", "used twice"),
    ("/a/:x(", "not supported"),
    ("/a/:x([)", "bad regex"),
    ("/a/:x?", "not supported"),
    ("/a/b(c)", "mixes text and pattern"),
])
def test_bad_patterns_are_refused_with_the_reason(pattern, message):
    with pytest.raises(RouteError, match=re.escape(message)):
        parse_pattern(pattern)


def test_regex_may_contain_slash_and_groups():
    r = make("GET /d/:date(\\d{4}-(?:0[1-9]|1[0-2]))", "GET /p/:x([^/]+)")
    assert r.match("GET", "/d/2024-05")[1] == {"date": "2024-05"}
    with pytest.raises(NotFoundError):
        r.match("GET", "/d/2024-13")
    assert r.match("GET", "/p/q")[1] == {"x": "q"}


def test_routes_listing_in_registration_order():
    r = make("GET /b", "POST /a/:id")
    assert r.routes() == [("GET", "/b", "GET /b"), ("POST", "/a/:id", "POST /a/:id")]
    assert len(r) == 2


def test_adding_after_matching_is_seen():
    r = make("GET /a/:x")
    assert r.match("GET", "/a/1")[0] == "GET /a/:x"
    r.add("GET", "/a/static", "GET /a/static")
    assert r.match("GET", "/a/static")[0] == "GET /a/static"
    assert r.match("GET", "/a/2")[0] == "GET /a/:x"


def test_github_routes_all_reachable():
    from pathlib import Path
    lines = (Path(__file__).parents[2] / "benchmarks/data/github-api-routes.txt").read_text().split("\n")
    routes = [line.split(" ", 1) for line in lines if line.strip()]
    r = Router()
    for method, path in routes:
        r.add(method, path, (method, path))
    for method, path in routes:
        concrete = re.sub(r":(\w+)", lambda m: m.group(1) + "1", path)
        handler, params = r.match(method, concrete)
        names = re.findall(r":(\w+)", path)
        # The winner is the route itself or a more specific one for that path.
        if handler == (method, path):
            assert params == {n: n + "1" for n in names}
        else:
            assert handler[0] == method


# -- property: the trie picks what a brute-force reference picks -------------

_RANK = {"static": 0, "regex": 1, "param": 2, "catchall": 3}
# Eight literals so that some nodes get more children than a comparison chain
# holds and dispatch through a table in the generated code.
_LITERALS = ["a", "b", "c", "d", "e", "f", "g", "1"]
_SEG = st.sampled_from(_LITERALS + [":p", ":q(\\d+)"])


def _reference(routes: list[tuple[str, str]], method: str, path: str):
    """The best route by brute force: among routes matching the path and method,
    the one whose segment kinds are smallest left to right (static < regex <
    param < catch-all)."""
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]  # one trailing slash is ignored
    segs = [] if path == "/" else path.split("/")[1:]
    best = None
    for m, pattern in routes:
        if m != method:
            continue
        parsed = parse_pattern(pattern)
        kinds = []
        ok = True
        for i, (kind, text, regex) in enumerate(parsed):
            if kind == "catchall":
                ok = i < len(segs) and any(segs[i:])
                kinds.append(_RANK[kind])
                break
            if i >= len(segs):
                ok = False
                break
            seg = segs[i]
            if kind == "static":
                ok = seg == text
            elif kind == "regex":
                ok = bool(seg) and re.fullmatch(regex, seg) is not None
            else:
                ok = bool(seg)
            if not ok:
                break
            kinds.append(_RANK[kind])
        else:
            ok = ok and len(parsed) == len(segs)
        if ok and (best is None or kinds < best[0]):
            best = (kinds, pattern)
    return best[1] if best else None


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["GET", "POST"]),
                       st.lists(_SEG, min_size=0, max_size=4).map(lambda s: "/" + "/".join(s)),
                       st.booleans()),
             min_size=1, max_size=24),
    st.lists(st.sampled_from(_LITERALS + ["22", "z", ""]), min_size=0, max_size=5),
    st.sampled_from(["GET", "POST"]),
)
def test_trie_agrees_with_brute_force(specs, segs, method):
    router = Router()
    routes: list[tuple[str, str]] = []
    for m, pattern, catchall in specs:
        if catchall:
            pattern = pattern.rstrip("/") + "/*rest"
        try:
            router.add(m, pattern, pattern)
        except RouteError:
            continue  # duplicate shapes or repeated names: refused, not registered
        routes.append((m, pattern))
    path = "/" + "/".join(segs)
    expected = _reference(routes, method, path)
    try:
        got = router.match(method, path)[0]
    except (NotFoundError, MethodNotAllowedError):
        got = None
    assert got == expected


def _match(path: str) -> tuple[str, object]:
    router = make("GET /articles/:id", "GET /articles/:id(\\d+)/comments", "GET /files/*path", "GET /a/b/c")
    try:
        handler, params = router.match("GET", path)
    except (NotFoundError, ValidationError) as exc:
        return type(exc).__name__, None
    return handler, {k: len(v) for k, v in params.items()}


