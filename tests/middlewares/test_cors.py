"""minikoa::cors: @koa/cors as Strapi 5 configures it, checked against the recorded headers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minikoa import App
from minikoa.errors import ValidationError
from minikoa.middlewares.cors import middleware
from minikoa.middlewares.security import middleware as security

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
EXPOSE = "Access-Control-Expose-Headers"
ORIGIN = "http://example.test"
PREFLIGHT = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
# Strapi 5's preflight answer, as recorded.
STRAPI_PREFLIGHT = [
    ("Vary", "Origin"),
    (ACAO, ORIGIN),
    (ACAC, "true"),
    ("Access-Control-Max-Age", "31536000"),
    ("Access-Control-Allow-Methods", "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS"),
    ("Access-Control-Allow-Headers", "Content-Type,Authorization,Origin,Accept"),
]


def make_app(config: dict[str, Any] | None = None, outer: Any = None) -> tuple[App, list[str]]:
    """An app with the cors middleware; ``reached`` records what ran behind it."""
    app = App()
    reached: list[str] = []
    if outer is not None:
        app.use(outer)
    app.use(middleware(config or {}, app))

    def inner(ctx):
        reached.append("inner")
        yield

    app.use(inner)

    @app.route(["GET", "POST"], "/x")
    def ok(ctx):
        reached.append("handler")
        return {"ok": True}

    @app.get("/invalid")
    def invalid(ctx):
        raise ValidationError("title must be a string")

    @app.get("/throw")
    def throw(ctx):
        ctx.throw(400)

    @app.get("/boom")
    def boom(ctx):
        raise RuntimeError("bug")

    return app, reached


def request(config: dict[str, Any] | None = None, path: str = "/x", method: str = "GET",
            headers: dict[str, str] | None = None, outer: Any = None):
    app, _ = make_app(config, outer)
    return app.test_client().open(path, method=method, headers=headers or {})


def cors_headers(response) -> list[tuple[str, str]]:
    return [(n, v) for n, v in response.headers.items() if n == "Vary" or n.startswith("Access-Control-")]


# -- simple requests ------------------------------------------------------------

def test_no_origin_gets_strapis_empty_allow_origin():
    r = request()
    assert r.status_code == 200
    assert cors_headers(r) == [("Vary", "Origin"), (ACAO, ""), (ACAC, "true")]


def test_origin_is_echoed_with_credentials():
    r = request(headers={"Origin": ORIGIN})
    assert cors_headers(r) == [("Vary", "Origin"), (ACAO, ORIGIN), (ACAC, "true")]


def test_order_behind_security_matches_the_recording():
    app = App()
    app.use(security({}, app))
    app.use(middleware({}, app))
    app.get("/x")(lambda ctx: {"ok": True})
    names = [n for n, _ in app.test_client().get("/x").headers.items()]
    assert names[7:11] == ["X-Permitted-Cross-Domain-Policies", "Vary", ACAO, ACAC]


def test_without_credentials_the_wildcard_is_sent():
    for headers in ({}, {"Origin": ORIGIN}):
        r = request({"credentials": False}, headers=headers)
        assert cors_headers(r) == [("Vary", "Origin"), (ACAO, "*")]


def test_expose_headers():
    r = request({"expose": ["X-Total", "X-Page"]}, headers={"Origin": ORIGIN})
    assert r.headers[EXPOSE] == "X-Total,X-Page"
    assert request({"expose": "X-Total, X-Page"}).headers[EXPOSE] == "X-Total,X-Page"
    assert EXPOSE not in request().headers


@pytest.mark.parametrize("before, after", [
    ("Accept-Encoding", "Accept-Encoding, Origin"),
    ("Origin", "Origin"),
    ("accept, origin", "accept, origin"),
    ("*", "*"),
])
def test_vary_is_appended_not_duplicated(before, after):
    def outer(ctx):
        ctx.set("Vary", before)
        yield

    r = request(headers={"Origin": ORIGIN}, outer=outer)
    assert r.headers.getlist("Vary") == [after]
    assert r.headers[ACAO] == ORIGIN


def test_headers_are_set_when_ctx_response_already_exists():
    def outer(ctx):
        ctx.response.headers["Vary"] = "Cookie"
        yield

    r = request({"expose": ["X-Total"]}, headers={"Origin": ORIGIN}, outer=outer)
    assert cors_headers(r) == [("Vary", "Cookie, Origin"), (ACAO, ORIGIN), (ACAC, "true"), (EXPOSE, "X-Total")]


# -- allowed origins ----------------------------------------------------------------

@pytest.mark.parametrize("origin", [
    ["https://a.test", "https://b.test"], "https://a.test, https://b.test", ("https://b.test",),
    lambda ctx: ["https://b.test"], lambda ctx: "https://a.test,https://b.test"])
def test_allowed_origins(origin):
    allowed = request({"origin": origin}, headers={"Origin": "https://b.test"})
    assert cors_headers(allowed) == [("Vary", "Origin"), (ACAO, "https://b.test"), (ACAC, "true")]
    refused = request({"origin": origin}, headers={"Origin": "https://evil.test"})
    assert refused.status_code == 200
    assert cors_headers(refused) == [("Vary", "Origin")]
    assert cors_headers(request({"origin": origin})) == [("Vary", "Origin")]


def test_origin_function_gets_ctx_and_may_allow_everything_or_nothing():
    seen = []

    def by_path(ctx):
        seen.append(ctx.path)
        return "*" if ctx.path == "/x" else None

    r = request({"origin": by_path}, headers={"Origin": ORIGIN})
    assert (seen, r.headers[ACAO]) == (["/x"], ORIGIN)
    r = request({"origin": by_path}, path="/invalid", headers={"Origin": ORIGIN})
    assert cors_headers(r) == [("Vary", "Origin")]


# -- preflight ------------------------------------------------------------------------

def test_preflight_is_answered_here_and_nothing_deeper_runs():
    app, reached = make_app()
    r = app.test_client().open("/x", method="OPTIONS", headers=PREFLIGHT)
    assert r.status_code == 204
    assert r.data == b""
    assert cors_headers(r) == STRAPI_PREFLIGHT
    assert "Allow" not in r.headers
    assert reached == []


def test_preflight_with_changed_options():
    r = request({"maxAge": 600, "methods": ["GET", "POST"], "headers": "X-Api-Key, Content-Type",
                 "credentials": False, "expose": ["X-Total"]}, method="OPTIONS", headers=PREFLIGHT)
    assert cors_headers(r) == [
        ("Vary", "Origin"), (ACAO, "*"), ("Access-Control-Max-Age", "600"),
        ("Access-Control-Allow-Methods", "GET,POST"),
        ("Access-Control-Allow-Headers", "X-Api-Key,Content-Type")]


@pytest.mark.parametrize("headers", [[], None, ""])
def test_preflight_echoes_requested_headers_when_none_configured(headers):
    asked = {**PREFLIGHT, "Access-Control-Request-Headers": "x-api-key,content-type"}
    r = request({"headers": headers}, method="OPTIONS", headers=asked)
    assert r.headers["Access-Control-Allow-Headers"] == "x-api-key,content-type"
    r = request({"headers": headers}, method="OPTIONS", headers=PREFLIGHT)
    assert "Access-Control-Allow-Headers" not in r.headers


def test_preflight_without_max_age_or_methods():
    r = request({"maxAge": 0, "methods": None}, method="OPTIONS", headers=PREFLIGHT)
    assert "Access-Control-Max-Age" not in r.headers
    assert "Access-Control-Allow-Methods" not in r.headers
    assert r.status_code == 204


@pytest.mark.parametrize("config, headers", [
    ({}, {}),                                                       # recorded: 86-options-no-origin
    ({}, {"Origin": ORIGIN}),                                       # no Access-Control-Request-Method
    ({}, {"Access-Control-Request-Method": "POST"}),                # no Origin
    ({"origin": ["https://a.test"]}, PREFLIGHT),                    # origin not allowed
])
def test_options_that_are_not_an_allowed_preflight_go_to_the_app(config, headers):
    app, reached = make_app(config)
    r = app.test_client().open("/x", method="OPTIONS", headers=headers)
    assert r.status_code == 204
    assert r.headers["Allow"] == "HEAD, GET, POST"
    assert cors_headers(r) == [("Vary", "Origin")]
    assert reached == ["inner"]


# -- errors ---------------------------------------------------------------------------

@pytest.mark.parametrize("path, method, status", [
    ("/invalid", "GET", 400), ("/throw", "GET", 400), ("/boom", "GET", 500),
    ("/nowhere", "GET", 404), ("/x", "PATCH", 405)])
@pytest.mark.parametrize("config", [{}, {"keepHeadersOnError": True}])
def test_error_responses_keep_the_headers_as_strapi_does(config, path, method, status):
    r = request(config, path=path, method=method)
    assert r.status_code == status
    assert cors_headers(r) == [("Vary", "Origin"), (ACAO, ""), (ACAC, "true")]
    r = request(config, path=path, method=method, headers={"Origin": ORIGIN})
    assert cors_headers(r) == [("Vary", "Origin"), (ACAO, ORIGIN), (ACAC, "true")]


@pytest.mark.parametrize("path, status", [("/invalid", 400), ("/boom", 500), ("/nowhere", 404)])
def test_explicit_keep_headers_on_error_false_strips_them(path, status):
    config = {"keepHeadersOnError": False, "expose": ["X-Total"]}
    r = request(config, path=path, headers={"Origin": ORIGIN})
    assert r.status_code == status
    assert cors_headers(r) == [("Vary", "Origin")]
    ok = request(config, headers={"Origin": ORIGIN})
    assert cors_headers(ok) == [("Vary", "Origin"), (ACAO, ORIGIN), (ACAC, "true"), (EXPOSE, "X-Total")]


# -- configuration mistakes --------------------------------------------------------------

@pytest.mark.parametrize("config, key", [
    ({"origins": "*"}, "origins"),
    ({"enabled": True}, "enabled"),
    ({"credentials": "true"}, "credentials"),
    ({"credentials": None}, "credentials"),
    ({"keepHeadersOnError": 0}, "keepHeadersOnError"),
    ({"maxAge": -1}, "maxAge"),
    ({"maxAge": "ten"}, "maxAge"),
    ({"maxAge": True}, "maxAge"),
    ({"origin": 5}, "origin"),
    ({"origin": None}, "origin"),
    ({"origin": ["*", "https://a.test"]}, "origin"),
    ({"methods": 5}, "methods"),
    ({"headers": ["X-A\r\nX-Injected: 1"]}, "headers"),
    ({"expose": [1]}, "expose"),
])
def test_mistakes_fail_at_start_up(config, key):
    with pytest.raises(ValueError, match="minikoa::cors") as info:
        middleware(config, App())
    assert repr(key) in str(info.value)


def test_max_age_as_a_string_of_digits():
    r = request({"maxAge": "600"}, method="OPTIONS", headers=PREFLIGHT)
    assert r.headers["Access-Control-Max-Age"] == "600"


def test_usable_by_name_with_config():
    app = App()
    app.use({"name": "strapi::cors", "config": {"origin": ["https://a.test"], "maxAge": 600}})
    app.get("/x")(lambda ctx: {"ok": True})
    r = app.test_client().open("/x", method="OPTIONS",
                               headers={"Origin": "https://a.test", "Access-Control-Request-Method": "GET"})
    assert (r.status_code, r.headers["Access-Control-Max-Age"], r.headers[ACAO]) == (204, "600", "https://a.test")


origins = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e), min_size=1, max_size=30).map(
    lambda s: "https://" + s.replace(",", ""))


@settings(max_examples=60, deadline=None)
@given(allowed=st.lists(origins, min_size=1, max_size=4), sent=origins)
def test_an_origin_is_echoed_exactly_when_listed(allowed, sent):
    app = App()
    app.use(middleware({"origin": allowed}, app))
    app.get("/x")(lambda ctx: {"ok": True})
    r = app.test_client().get("/x", headers={"Origin": sent})
    expected = [("Vary", "Origin"), (ACAO, sent), (ACAC, "true")] if sent in allowed else [("Vary", "Origin")]
    assert cors_headers(r) == expected


def _allowed_origin(origin: str) -> tuple[int, str | None]:
    res = request({"origin": ["https://a.example", "https://b.example"]}, headers={"Origin": origin})
    return res.status_code, res.headers.get("Access-Control-Allow-Origin")


