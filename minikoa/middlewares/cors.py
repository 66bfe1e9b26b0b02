"""``minikoa::cors``: CORS headers and preflight answers, as Strapi configures @koa/cors.

Options (Strapi's names and defaults): ``origin`` (``"*"``), ``credentials``
(True), ``maxAge`` (31536000), ``methods`` (GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS),
``headers`` (Content-Type,Authorization,Origin,Accept), ``expose`` (none),
``keepHeadersOnError``.

* Every response gets ``Vary: Origin``, error responses included.
* ``origin`` is ``"*"``, an origin, a comma-separated string or a list of
  origins, or a function ``(ctx) -> any of those | None`` called per request.
  An allowed request Origin is echoed back; with ``"*"`` and credentials the
  request Origin is echoed too (browsers refuse ``*`` with credentials), and
  ``"*"`` is sent only when credentials are off. A request whose Origin is not
  allowed gets no Access-Control-* headers and goes on: the browser blocks it.
  (Strapi sends a configured single origin whatever the request Origin is; here
  a single origin is a one-item list, which a browser treats the same way.)
* A preflight (OPTIONS with Origin and Access-Control-Request-Method) from an
  allowed origin is answered here with 204 and the Allow-* headers; nothing
  deeper runs. Any other OPTIONS request goes on to the app.

Errors. In Strapi, ``strapi::errors`` sits outside ``strapi::cors`` and turns
an error into a response before @koa/cors sees it, so the CORS headers set on
the way in stay on 400/404/500 responses whatever ``keepHeadersOnError`` says
(Strapi's default is false and the recorded errors carry the headers). In
minikoa the errors layer is the outermost ``try``, so the exception does pass
through this middleware: to reproduce Strapi, the headers are kept unless
``keepHeadersOnError`` is *explicitly* False, which removes the
Access-Control-* headers from error responses (Vary stays), as @koa/cors does
when an error reaches it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..http.context import Context, PreparedHeaders, prepare_headers
from ..http.onion import Middleware

if TYPE_CHECKING:
    from ..app import App

__all__ = ["middleware", "DEFAULTS"]

NAME = "minikoa::cors"

#: Strapi's defaults (``keepHeadersOnError`` None: not set, headers kept; see the module doc).
#: A None given for a list option means none: no Max-Age/Allow-Methods/Expose
#: header, and for ``headers`` the requested headers are echoed.
DEFAULTS: dict[str, Any] = {
    "origin": "*",
    "maxAge": 31536000,
    "credentials": True,
    "methods": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
    "headers": ["Content-Type", "Authorization", "Origin", "Accept"],
    "keepHeadersOnError": None,
    "expose": None,
}

_ACAO = "Access-Control-Allow-Origin"
_ACAC = "Access-Control-Allow-Credentials"
_EXPOSE = "Access-Control-Expose-Headers"
_VARY = ("Vary", "Origin")

def _fail(key: str, problem: str) -> ValueError:
    return ValueError(f"{NAME}: option {key!r} {problem}")


def _header_list(key: str, value: Any) -> str:
    """A list of names (or a comma-separated string) as one header value; "" for none."""
    if value is None:
        return ""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
        raise _fail(key, f"must be a list of strings or a comma-separated string, not {value!r}")
    items = [i.strip() for i in items if i.strip()]
    if any("\n" in i or "\r" in i for i in items):
        raise _fail(key, "must not contain a newline")
    return ",".join(items)


def _origins(key: str, value: Any) -> frozenset[str] | None:
    """The allowed origins, or None for ``"*"`` (any origin)."""
    if value == "*":
        return None
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
        raise _fail(key, f"must be '*', an origin, a list of origins or a function, not {value!r}")
    origins = frozenset(i.strip() for i in items if i.strip())
    if "*" in origins:
        raise _fail(key, "lists '*' among origins; use origin: '*' alone to allow any origin")
    return origins


def _options(config: dict[str, Any]) -> dict[str, Any]:
    """Strapi's defaults with ``config`` over them (None included: it means "none")."""
    for key in config:
        if key not in DEFAULTS:
            raise _fail(key, f"is unknown (known: {', '.join(DEFAULTS)})")
    opts = {**DEFAULTS, **config}
    for key in ("credentials", "keepHeadersOnError"):
        if not isinstance(opts[key], bool) and (key == "credentials" or opts[key] is not None):
            raise _fail(key, f"must be a boolean, not {opts[key]!r}")
    max_age = opts["maxAge"]
    if max_age is None or max_age is False or (isinstance(max_age, str) and max_age.isdigit()):
        max_age = int(max_age or 0)
    if isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0:
        raise _fail("maxAge", f"must be a non-negative number of seconds, not {max_age!r}")
    opts["maxAge"] = max_age
    return opts


def _add_vary(ctx: Context) -> None:
    """Add Origin to the Vary header, keeping what is there (the slow, general path)."""
    vary = ctx.response_header("Vary")
    if vary is None:
        ctx.set("Vary", "Origin")
    elif not {v.strip().lower() for v in vary.split(",")} & {"origin", "*"}:
        ctx.set("Vary", f"{vary}, Origin")


def _emit(ctx: Context, entries: PreparedHeaders, origin: str | None = None) -> None:
    """Add ``entries`` (with Vary), Access-Control-Allow-Origin set to ``origin`` if given."""
    if origin is not None:
        # The echoed request Origin, in its place in the order; servers refuse
        # line breaks in request headers, so it needs no further check.
        entries = PreparedHeaders(entries)
        entries["access-control-allow-origin"] = (_ACAO, origin)
    if ctx.response_header("Vary") is None:
        ctx.set_prepared(entries)
    else:
        _add_vary(ctx)
        ctx.set_prepared(PreparedHeaders((k, v) for k, v in entries.items() if k != "vary"))


def middleware(config: dict[str, Any], app: App) -> Middleware:
    """The CORS middleware for ``config`` (Strapi's options, camelCase)."""
    opts = _options(config)
    credentials: bool = opts["credentials"]
    strip_on_error = opts["keepHeadersOnError"] is False
    dynamic: Callable[[Any], Any] | None = opts["origin"] if callable(opts["origin"]) else None
    allowed = None if dynamic else _origins("origin", opts["origin"])

    simple_list = [_VARY, (_ACAO, "" if credentials else "*")]
    if credentials:
        simple_list.append((_ACAC, "true"))
    preflight_list = list(simple_list)
    expose = _header_list("expose", opts["expose"])
    if expose:
        simple_list.append((_EXPOSE, expose))
    for name, value in (("Access-Control-Max-Age", str(opts["maxAge"]) if opts["maxAge"] else ""),
                        ("Access-Control-Allow-Methods", _header_list("methods", opts["methods"]))):
        if value:
            preflight_list.append((name, value))
    allow_headers = _header_list("headers", opts["headers"])
    if allow_headers:
        preflight_list.append(("Access-Control-Allow-Headers", allow_headers))
    vary_only = prepare_headers([_VARY])
    simple = prepare_headers(simple_list)
    preflight = prepare_headers(preflight_list)

    def allow(ctx: Context, origin: str | None) -> str | None:
        """The Access-Control-Allow-Origin value for this request, or None: not allowed."""
        ok = allowed if dynamic is None else _origins("origin() result", dynamic(ctx) or ())
        if ok is None:  # "*": echo the origin, as credentials require ("" without one: Strapi's value)
            return (origin or "") if credentials else "*"
        return origin if origin in ok else None

    def cors(ctx: Context) -> Any:
        environ = ctx.environ
        origin = environ.get("HTTP_ORIGIN")
        if ctx.method == "OPTIONS":
            value = None
            if origin is not None and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ:
                value = allow(ctx, origin)
            if value is None:  # not a preflight, or a refused one: the app answers OPTIONS
                _emit(ctx, vary_only)
                yield
                return
            _emit(ctx, preflight, value)
            if not allow_headers:
                requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
                if requested:
                    ctx.set("Access-Control-Allow-Headers", requested)
            ctx.status = 204
            return
        value = allow(ctx, origin)
        if value is None:
            _emit(ctx, vary_only)
        elif origin is None:
            # No Origin (curl, server-to-server): Strapi 5 still sends an empty
            # Access-Control-Allow-Origin (``*`` without credentials) and the
            # credentials flag, as ``simple`` holds; kept as recorded.
            _emit(ctx, simple)
        else:
            _emit(ctx, simple, value)
        if not strip_on_error:
            yield
            return
        try:
            yield
        except Exception:
            for name in (_ACAO, _ACAC, _EXPOSE):
                ctx.remove(name)
            raise

    return cors
