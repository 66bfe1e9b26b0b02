"""``minikoa::security``: Helmet's security headers, with Strapi's defaults.

Strapi's ``strapi::security`` is koa-helmet with overrides: Cross-Origin-*,
Origin-Agent-Cluster and X-XSS-Protection off, and a CSP that allows
``https:`` connections, Strapi's marketplace images and ``data:``/``blob:``
media, without ``upgrade-insecure-requests``. So every response, errors
included, starts with Content-Security-Policy, Referrer-Policy,
Strict-Transport-Security, X-Content-Type-Options, X-DNS-Prefetch-Control,
X-Download-Options, X-Frame-Options and X-Permitted-Cross-Domain-Policies.

Options have Helmet's names (``hsts``, ``frameguard``, ... or Helmet 7's
``strictTransportSecurity``, ``xFrameOptions``, ...): ``False`` removes a
header, ``True`` or a dict turns it on. They are merged over Strapi's, as
Strapi does, except that a list replaces a list (lodash's ``defaultsDeep``
merges arrays index by index) and CSP directive names are compared in
kebab-case, so ``imgSrc`` replaces Strapi's ``img-src``. Per-request
directive values (Helmet's nonce functions) are not supported.

Header values are computed when the app is built; a request copies them
before the rest of the chain runs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..http.context import Context, prepare_headers
from ..http.onion import Middleware

if TYPE_CHECKING:
    from ..app import App

__all__ = ["middleware", "headers_for", "HELMET_CSP_DIRECTIVES", "STRAPI_CSP_DIRECTIVES"]

NAME = "minikoa::security"

#: Helmet's default CSP directives, in Helmet's order (``[]``: a directive without value).
HELMET_CSP_DIRECTIVES: dict[str, list[str]] = {
    "default-src": ["'self'"], "base-uri": ["'self'"], "font-src": ["'self'", "https:", "data:"],
    "form-action": ["'self'"], "frame-ancestors": ["'self'"], "img-src": ["'self'", "data:"],
    "object-src": ["'none'"], "script-src": ["'self'"], "script-src-attr": ["'none'"],
    "style-src": ["'self'", "https:", "'unsafe-inline'"], "upgrade-insecure-requests": [],
}

#: Strapi's directives, merged over Helmet's (``None`` removes a directive).
STRAPI_CSP_DIRECTIVES: dict[str, list[str] | None] = {
    "connect-src": ["'self'", "https:"],
    "img-src": ["'self'", "data:", "blob:", "https://market-assets.strapi.io"],
    "media-src": ["'self'", "data:", "blob:"],
    "upgrade-insecure-requests": None,
}

# Helmet 7's long names, accepted for the classic ones.
_ALIASES = {
    "strictTransportSecurity": "hsts", "xContentTypeOptions": "noSniff",
    "xDnsPrefetchControl": "dnsPrefetchControl", "xDownloadOptions": "ieNoOpen",
    "xFrameOptions": "frameguard", "xPermittedCrossDomainPolicies": "permittedCrossDomainPolicies",
    "xPoweredBy": "hidePoweredBy", "xXssProtection": "xssFilter",
}
_OFF_IN_STRAPI = {"crossOriginEmbedderPolicy", "crossOriginOpenerPolicy", "crossOriginResourcePolicy",
                  "originAgentCluster", "xssFilter"}
_DIRECTIVE_NAME = re.compile(r"[a-zA-Z0-9-]+")
# Keywords that only mean something quoted ('self'); unquoted, they name a host.
_NEEDS_QUOTES = re.compile(
    r"(?:self|none|strict-dynamic|report-sample|inline-speculation-rules|unsafe-inline|unsafe-eval"
    r"|unsafe-hashes|wasm-unsafe-eval|(?:nonce|sha256|sha384|sha512)-.*)", re.I)
_REFERRER_POLICIES = {"no-referrer", "no-referrer-when-downgrade", "same-origin", "origin",
                      "strict-origin", "origin-when-cross-origin", "strict-origin-when-cross-origin",
                      "unsafe-url", ""}

Header = tuple[str, str]


def _fail(key: str, problem: str) -> ValueError:
    return ValueError(f"{NAME}: option {key!r} {problem}")


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(key, f"must be a boolean, not {value!r}")
    return value


def _sub(key: str, value: Any, allowed: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """An on/off option as a dict of its sub-options, or None when it is off."""
    if value is False:
        return None
    if value is True:
        return {}
    if not isinstance(value, dict):
        raise _fail(key, f"must be a boolean or a dict, not {value!r}")
    for name in value:
        if name not in allowed:
            raise _fail(key, f"has an unknown key {name!r} (known: {', '.join(allowed) or 'none'})")
    return value


def _same(*values: str) -> dict[Any, str]:
    return {v: v for v in values}


def _pick(header: str, sub: str, default: Any, choices: dict[Any, str]) -> Callable[[str, Any], Header | None]:
    """The builder of a header whose value one sub-option chooses (``{"policy": ...}``)."""
    def build(key: str, value: Any) -> Header | None:
        opts = _sub(key, value, (sub,))
        if opts is None:
            return None
        choice = opts.get(sub, default)
        if type(choice) is not type(default) or choice not in choices:
            raise _fail(f"{key}.{sub}", f"must be one of {', '.join(map(repr, choices))}, not {choice!r}")
        return header, choices[choice]
    return build


def _flag(header: str, value: str) -> Callable[[str, Any], Header | None]:
    """The builder of a header with a fixed value and no sub-options."""
    def build(key: str, option: Any) -> Header | None:
        return None if _sub(key, option) is None else (header, value)
    return build


def _dashify(name: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "-" + m.group().lower(), name)


def _directives(key: str, raw: Any) -> dict[str, list[str] | None]:
    """``raw`` directives with kebab-case names and list values (None: removed)."""
    if not isinstance(raw, dict):
        raise _fail(key, f"must be a dict of directives, not {raw!r}")
    out: dict[str, list[str] | None] = {}
    for name, value in raw.items():
        if not isinstance(name, str) or not _DIRECTIVE_NAME.fullmatch(name):
            raise _fail(key, f"has an invalid directive name {name!r}")
        dashed = _dashify(name)
        if dashed in out:
            raise _fail(key, f"has the directive {dashed!r} twice")
        if isinstance(value, str):
            value = [value]
        elif value is not None:
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise _fail(f"{key}.{name}", f"must be a string, a list of strings or None, not {value!r}")
            value = list(value)
        for item in value or ():
            if ";" in item or "," in item or "\n" in item or "\r" in item or _NEEDS_QUOTES.fullmatch(item):
                raise _fail(f"{key}.{name}", f"has an invalid value {item!r} (keywords need quotes: \"'self'\")")
        out[dashed] = value
    return out


def _csp(key: str, value: Any) -> Header | None:
    """Content-Security-Policy: Strapi's directives over the user's choice of Helmet defaults."""
    opts = _sub(key, value, ("useDefaults", "directives", "reportOnly"))
    if opts is None:
        return None
    use_defaults = _bool(f"{key}.useDefaults", opts.get("useDefaults", True))
    report_only = _bool(f"{key}.reportOnly", opts.get("reportOnly", False))
    merged = dict(STRAPI_CSP_DIRECTIVES)
    merged.update(_directives(f"{key}.directives", opts.get("directives", {})))
    if use_defaults:
        for name, default in HELMET_CSP_DIRECTIVES.items():
            merged.setdefault(name, default)
    if "default-src" not in merged or merged["default-src"] is None:
        raise _fail(f"{key}.directives", "needs a default-src (a policy without one allows everything)")
    parts = [" ".join([name, *values]) for name, values in merged.items() if values is not None]
    name = "Content-Security-Policy-Report-Only" if report_only else "Content-Security-Policy"
    return name, ";".join(parts)


def _referrer(key: str, value: Any) -> Header | None:
    opts = _sub(key, value, ("policy",))
    if opts is None:
        return None
    policy = opts.get("policy", "no-referrer")
    policies = [policy] if isinstance(policy, str) else policy
    if (not isinstance(policies, (list, tuple)) or not policies or len(set(map(repr, policies))) < len(policies)
            or not all(isinstance(p, str) and p in _REFERRER_POLICIES for p in policies)):
        raise _fail(f"{key}.policy", f"must be one or more distinct policies of "
                                     f"{', '.join(map(repr, sorted(_REFERRER_POLICIES)))}, not {policy!r}")
    return "Referrer-Policy", ",".join(policies)


def _hsts(key: str, value: Any) -> Header | None:
    opts = _sub(key, value, ("maxAge", "includeSubDomains", "preload"))
    if opts is None:
        return None
    max_age = opts.get("maxAge", 31536000)
    if isinstance(max_age, bool) or not isinstance(max_age, (int, float)) or not 0 <= max_age < math.inf:
        raise _fail(f"{key}.maxAge", f"must be a non-negative number of seconds, not {max_age!r}")
    out = f"max-age={math.floor(max_age)}"
    if _bool(f"{key}.includeSubDomains", opts.get("includeSubDomains", True)):
        out += "; includeSubDomains"
    if _bool(f"{key}.preload", opts.get("preload", False)):
        out += "; preload"
    return "Strict-Transport-Security", out


#: Option -> header builder, in the order Helmet sets the headers.
_BUILDERS: dict[str, Callable[[str, Any], Header | None]] = {
    "contentSecurityPolicy": _csp,
    "crossOriginEmbedderPolicy": _pick("Cross-Origin-Embedder-Policy", "policy", "require-corp",
                                       _same("require-corp", "credentialless", "unsafe-none")),
    "crossOriginOpenerPolicy": _pick("Cross-Origin-Opener-Policy", "policy", "same-origin",
                                     _same("same-origin", "same-origin-allow-popups", "unsafe-none")),
    "crossOriginResourcePolicy": _pick("Cross-Origin-Resource-Policy", "policy", "same-origin",
                                       _same("same-origin", "same-site", "cross-origin")),
    "originAgentCluster": _flag("Origin-Agent-Cluster", "?1"),
    "referrerPolicy": _referrer,
    "hsts": _hsts,
    "noSniff": _flag("X-Content-Type-Options", "nosniff"),
    "dnsPrefetchControl": _pick("X-DNS-Prefetch-Control", "allow", False, {False: "off", True: "on"}),
    "ieNoOpen": _flag("X-Download-Options", "noopen"),
    "frameguard": _pick("X-Frame-Options", "action", "sameorigin", {  # any case, as Helmet
        "sameorigin": "SAMEORIGIN", "SAMEORIGIN": "SAMEORIGIN", "deny": "DENY", "DENY": "DENY"}),
    "permittedCrossDomainPolicies": _pick("X-Permitted-Cross-Domain-Policies", "permittedPolicies", "none",
                                          _same("none", "master-only", "by-content-type", "all")),
    "xssFilter": _flag("X-XSS-Protection", "0"),
}


def headers_for(config: dict[str, Any]) -> tuple[list[Header], bool]:
    """The headers ``config`` asks for, in Helmet's order, and whether to hide X-Powered-By."""
    options: dict[str, Any] = {}
    for key, value in config.items():
        name = _ALIASES.get(key, key)
        if name not in _BUILDERS and name != "hidePoweredBy":
            raise _fail(key, f"is unknown (known: {', '.join([*_BUILDERS, 'hidePoweredBy'])})")
        if name in options:
            raise _fail(key, f"is given twice (as {name!r} and its alias)")
        options[name] = value
    headers = []
    for name, build in _BUILDERS.items():
        value = options.get(name)
        # None (or absent) is Strapi's default: on, except for the few Strapi turns off.
        header = build(name, (name not in _OFF_IN_STRAPI) if value is None else value)
        if header is not None:
            headers.append(header)
    hide = options.get("hidePoweredBy")
    return headers, _sub("hidePoweredBy", True if hide is None else hide) is not None


def middleware(config: dict[str, Any], app: App) -> Middleware | None:
    """The security middleware for ``config``; None when every header is off."""
    headers, hide_powered_by = headers_for(config)
    if not headers and not hide_powered_by:
        return None
    prepared = prepare_headers(headers)

    def security(ctx: Context) -> Any:
        ctx.set_prepared(prepared)
        if hide_powered_by:
            ctx.remove("X-Powered-By")
        yield

    return security
