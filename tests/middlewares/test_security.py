"""minikoa::security: Helmet's headers with Strapi's defaults, and every option."""

from __future__ import annotations

from typing import Any

import pytest

from minikoa import App
from minikoa.errors import ValidationError
from minikoa.middlewares.security import middleware

# As recorded from Strapi 5 (every response, errors included), in this order.
STRAPI_CSP = (
    "connect-src 'self' https:;img-src 'self' data: blob: https://market-assets.strapi.io;"
    "media-src 'self' data: blob:;default-src 'self';base-uri 'self';font-src 'self' https: data:;"
    "form-action 'self';frame-ancestors 'self';object-src 'none';script-src 'self';"
    "script-src-attr 'none';style-src 'self' https: 'unsafe-inline'"
)
STRAPI_HEADERS = [
    ("Content-Security-Policy", STRAPI_CSP),
    ("Referrer-Policy", "no-referrer"),
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-DNS-Prefetch-Control", "off"),
    ("X-Download-Options", "noopen"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("X-Permitted-Cross-Domain-Policies", "none"),
]
NEVER_BY_DEFAULT = ["Cross-Origin-Embedder-Policy", "Cross-Origin-Opener-Policy",
                    "Cross-Origin-Resource-Policy", "Origin-Agent-Cluster", "X-XSS-Protection",
                    "Content-Security-Policy-Report-Only"]


def make_app(config: dict[str, Any] | None = None, outer: Any = None) -> App:
    app = App()
    if outer is not None:
        app.use(outer)
    app.use(middleware(config or {}, app))

    @app.get("/x")
    def ok(ctx):
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

    return app


def get(config: dict[str, Any] | None = None, path: str = "/x"):
    return make_app(config).test_client().get(path)


def security_headers(response) -> list[tuple[str, str]]:
    names = {n for n, _ in STRAPI_HEADERS} | set(NEVER_BY_DEFAULT)
    return [(n, v) for n, v in response.headers.items() if n in names]


# -- defaults -----------------------------------------------------------------

def test_defaults_are_strapis_recorded_headers_in_order():
    r = get()
    assert r.status_code == 200
    assert list(r.headers.items())[:len(STRAPI_HEADERS)] == STRAPI_HEADERS
    for name in NEVER_BY_DEFAULT + ["X-Powered-By"]:
        assert name not in r.headers


@pytest.mark.parametrize("path, status", [
    ("/invalid", 400), ("/throw", 400), ("/boom", 500), ("/nowhere", 404)])
def test_error_responses_carry_the_headers(path, status):
    r = get(path=path)
    assert r.status_code == status
    assert security_headers(r) == STRAPI_HEADERS


def test_true_or_none_means_the_default():
    r = get({"contentSecurityPolicy": True, "hsts": None, "frameguard": {}, "noSniff": True})
    assert security_headers(r) == STRAPI_HEADERS


def test_headers_are_set_when_ctx_response_already_exists():
    def outer(ctx):
        ctx.response  # noqa: B018 - materialise the Werkzeug response first
        ctx.set("X-Powered-By", "PHP")
        yield

    r = make_app({}, outer=outer).test_client().get("/x")
    assert security_headers(r) == STRAPI_HEADERS
    assert "X-Powered-By" not in r.headers


def test_nothing_on_returns_no_middleware():
    off = dict.fromkeys(["contentSecurityPolicy", "referrerPolicy", "hsts", "noSniff", "dnsPrefetchControl",
                         "ieNoOpen", "frameguard", "permittedCrossDomainPolicies", "hidePoweredBy"], False)
    assert middleware(off, App()) is None


# -- Content-Security-Policy ----------------------------------------------------

def csp(config: dict[str, Any]) -> str:
    return get({"contentSecurityPolicy": config}).headers["Content-Security-Policy"]


def test_csp_false_removes_the_header():
    r = get({"contentSecurityPolicy": False})
    assert "Content-Security-Policy" not in r.headers
    assert r.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_csp_directive_override_keeps_the_others_and_its_place():
    value = csp({"directives": {"img-src": ["'self'", "https://cdn.test"]}})
    assert value == STRAPI_CSP.replace(
        "img-src 'self' data: blob: https://market-assets.strapi.io", "img-src 'self' https://cdn.test")


def test_csp_camel_case_names_override_kebab_defaults():
    value = csp({"directives": {"imgSrc": "'self'", "scriptSrc": ["'self'", "https://js.test"],
                                "workerSrc": ["'none'"]}})
    # Helmet writes the configured directives first, then the defaults it adds.
    assert value.split(";")[:6] == [
        "connect-src 'self' https:", "img-src 'self'", "media-src 'self' data: blob:",
        "script-src 'self' https://js.test", "worker-src 'none'", "default-src 'self'"]
    assert value.count("img-src") == 1 and value.count("script-src ") == 1


def test_csp_none_removes_a_directive_and_empty_list_is_a_bare_directive():
    value = csp({"directives": {"scriptSrcAttr": None, "upgradeInsecureRequests": []}})
    assert "script-src-attr" not in value
    assert value.split(";")[3] == "upgrade-insecure-requests"


def test_csp_without_helmet_defaults():
    value = csp({"useDefaults": False, "directives": {"defaultSrc": "'none'"}})
    assert value == ("connect-src 'self' https:;img-src 'self' data: blob: https://market-assets.strapi.io;"
                     "media-src 'self' data: blob:;default-src 'none'")


def test_csp_report_only():
    r = get({"contentSecurityPolicy": {"reportOnly": True, "directives": {"reportUri": "/csp"}}})
    assert "Content-Security-Policy" not in r.headers
    assert r.headers["Content-Security-Policy-Report-Only"] == STRAPI_CSP.replace(
        "blob:;default-src", "blob:;report-uri /csp;default-src")


@pytest.mark.parametrize("config, key", [
    ({"useDefaults": False}, "default-src"),
    ({"directives": {"defaultSrc": None}}, "default-src"),
    ({"directives": {"imgSrc": "self"}}, "imgSrc"),
    ({"directives": {"imgSrc": ["'self'; script-src *"]}}, "imgSrc"),
    ({"directives": {"img-src": "'self'", "imgSrc": "'self'"}}, "img-src"),
    ({"directives": {"img src": "'self'"}}, "img src"),
    ({"directives": {"imgSrc": 5}}, "imgSrc"),
    ({"directives": ["img-src"]}, "directives"),
    ({"useDefaults": "yes"}, "useDefaults"),
    ({"reportonly": True}, "reportonly"),
    ("on", "contentSecurityPolicy"),
])
def test_csp_mistakes_fail_at_start_up(config, key):
    with pytest.raises(ValueError, match="minikoa::security") as info:
        middleware({"contentSecurityPolicy": config}, App())
    assert key in str(info.value)


# -- the other headers ------------------------------------------------------------

@pytest.mark.parametrize("option, header, value", [
    ("crossOriginEmbedderPolicy", "Cross-Origin-Embedder-Policy", "require-corp"),
    ("crossOriginOpenerPolicy", "Cross-Origin-Opener-Policy", "same-origin"),
    ("crossOriginResourcePolicy", "Cross-Origin-Resource-Policy", "same-origin"),
    ("originAgentCluster", "Origin-Agent-Cluster", "?1"),
    ("xssFilter", "X-XSS-Protection", "0"),
])
def test_off_in_strapi_turned_on_with_helmets_value(option, header, value):
    assert get({option: True}).headers[header] == value
    assert get({option: {}}).headers[header] == value
    assert header not in get({option: False}).headers


@pytest.mark.parametrize("option, policy, header", [
    ("crossOriginEmbedderPolicy", "credentialless", "Cross-Origin-Embedder-Policy"),
    ("crossOriginOpenerPolicy", "same-origin-allow-popups", "Cross-Origin-Opener-Policy"),
    ("crossOriginResourcePolicy", "cross-origin", "Cross-Origin-Resource-Policy"),
])
def test_cross_origin_policies(option, policy, header):
    assert get({option: {"policy": policy}}).headers[header] == policy
    with pytest.raises(ValueError, match=f"{option}.policy"):
        middleware({option: {"policy": "everything"}}, App())


def test_cross_origin_headers_come_after_csp_in_helmets_order():
    r = get({"crossOriginOpenerPolicy": True, "crossOriginResourcePolicy": {"policy": "same-site"}})
    names = [n for n, _ in r.headers.items()]
    assert names[:4] == ["Content-Security-Policy", "Cross-Origin-Opener-Policy",
                         "Cross-Origin-Resource-Policy", "Referrer-Policy"]


@pytest.mark.parametrize("config, expected", [
    ({"referrerPolicy": {"policy": "same-origin"}}, ("Referrer-Policy", "same-origin")),
    ({"referrerPolicy": {"policy": ["no-referrer", "strict-origin-when-cross-origin"]}},
     ("Referrer-Policy", "no-referrer,strict-origin-when-cross-origin")),
    ({"hsts": {"maxAge": 123.9, "includeSubDomains": False, "preload": True}},
     ("Strict-Transport-Security", "max-age=123; preload")),
    ({"hsts": {"maxAge": 0}}, ("Strict-Transport-Security", "max-age=0; includeSubDomains")),
    ({"strictTransportSecurity": {"preload": True}},
     ("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload")),
    ({"dnsPrefetchControl": {"allow": True}}, ("X-DNS-Prefetch-Control", "on")),
    ({"frameguard": {"action": "deny"}}, ("X-Frame-Options", "DENY")),
    ({"frameguard": {"action": "SAMEORIGIN"}}, ("X-Frame-Options", "SAMEORIGIN")),
    ({"xFrameOptions": {"action": "deny"}}, ("X-Frame-Options", "DENY")),
    ({"permittedCrossDomainPolicies": {"permittedPolicies": "by-content-type"}},
     ("X-Permitted-Cross-Domain-Policies", "by-content-type")),
])
def test_changed_options(config, expected):
    r = get(config)
    name, value = expected
    assert r.headers[name] == value
    others = [h for h in STRAPI_HEADERS if h[0] != name]
    assert [h for h in security_headers(r) if h[0] != name] == others


@pytest.mark.parametrize("option, header", [
    ("referrerPolicy", "Referrer-Policy"), ("hsts", "Strict-Transport-Security"),
    ("noSniff", "X-Content-Type-Options"), ("dnsPrefetchControl", "X-DNS-Prefetch-Control"),
    ("ieNoOpen", "X-Download-Options"), ("frameguard", "X-Frame-Options"),
    ("permittedCrossDomainPolicies", "X-Permitted-Cross-Domain-Policies"),
    ("xContentTypeOptions", "X-Content-Type-Options"),
])
def test_false_removes_a_header(option, header):
    r = get({option: False})
    assert header not in r.headers
    assert len(security_headers(r)) == len(STRAPI_HEADERS) - 1


def test_hide_powered_by():
    def outer(ctx):
        ctx.set("X-Powered-By", "PHP/8")
        yield

    assert "X-Powered-By" not in make_app({}, outer=outer).test_client().get("/x").headers
    kept = make_app({"hidePoweredBy": False}, outer=outer).test_client().get("/x")
    assert kept.headers["X-Powered-By"] == "PHP/8"


@pytest.mark.parametrize("config, key", [
    ({"contentSecurityPolicyy": False}, "contentSecurityPolicyy"),
    ({"hsts": "yes"}, "hsts"),
    ({"hsts": {"maxage": 10}}, "hsts"),
    ({"hsts": {"maxAge": -1}}, "hsts.maxAge"),
    ({"hsts": {"maxAge": True}}, "hsts.maxAge"),
    ({"hsts": {"preload": "yes"}}, "hsts.preload"),
    ({"referrerPolicy": {"policy": "never"}}, "referrerPolicy.policy"),
    ({"referrerPolicy": {"policy": []}}, "referrerPolicy.policy"),
    ({"referrerPolicy": {"policy": ["origin", "origin"]}}, "referrerPolicy.policy"),
    ({"frameguard": {"action": "allow-from"}}, "frameguard.action"),
    ({"dnsPrefetchControl": {"allow": "no"}}, "dnsPrefetchControl.allow"),
    ({"permittedCrossDomainPolicies": {"permittedPolicies": "some"}},
     "permittedCrossDomainPolicies.permittedPolicies"),
    ({"originAgentCluster": {"policy": "?1"}}, "originAgentCluster"),
    ({"noSniff": 1}, "noSniff"),
    ({"frameguard": False, "xFrameOptions": False}, "xFrameOptions"),
])
def test_option_mistakes_fail_at_start_up(config, key):
    with pytest.raises(ValueError, match="minikoa::security") as info:
        middleware(config, App())
    assert repr(key) in str(info.value)


def test_usable_by_name_with_config():
    app = App()
    app.use("strapi::security", {"frameguard": {"action": "deny"}})
    app.get("/x")(lambda ctx: {"ok": True})
    assert app.test_client().get("/x").headers["X-Frame-Options"] == "DENY"
