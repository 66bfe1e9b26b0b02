"""The application: routes, the middleware onion and the WSGI entry point.

``App`` collects routes and middlewares while the program starts, then
compiles them once (``build``, run by the first request if not called
before): every route gets its middleware chain, policy list and handler
folded into one callable, and the global middlewares are folded around the
router. A request then costs a Context, a trie walk and the calls it makes.

The errors layer is not a middleware in the list: it is the ``try`` around
the whole onion in ``__call__``, so it is always outermost, whatever the
configuration, and costs nothing when nothing fails.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from werkzeug.test import Client

from . import policies as _policies
from .body import DEFAULT_LIMITS, BodyLimits
from .context import Context
from .errors import HttpError, MethodNotAllowedError, error_body, to_http_error
from .middleware import Middleware, check_middleware, compose, describe
from .response import finish
from .router import Router

__all__ = ["App", "Route"]

log = logging.getLogger("minikoa")

Handler = Callable[[Context], Any]


class Route:
    """One registered route, as listed by ``app.routes``.

    ``handler`` is the callable, ``name`` how tools and errors call it,
    ``policies`` and ``middlewares`` the route's own (as given), ``config``
    whatever else the route declared (Strapi's route ``config``).
    """

    __slots__ = ("method", "path", "handler", "name", "policies", "middlewares", "config", "endpoint")

    def __init__(self, method: str, path: str, handler: Handler, name: str,
                 policies: Sequence[Any], middlewares: Sequence[Middleware],
                 config: dict[str, Any]) -> None:
        self.method = method
        self.path = path
        self.handler = handler
        self.name = name
        self.policies = tuple(policies)
        self.middlewares = tuple(middlewares)
        self.config = config
        self.endpoint: Callable[[Context], None] | None = None

    @property
    def policy_names(self) -> list[str]:
        return [_policy_label(p) for p in self.policies]

    @property
    def middleware_names(self) -> list[str]:
        return [describe(m) for m in self.middlewares]

    def as_dict(self) -> dict[str, Any]:
        """``{"method", "path", "handler", "policies", "middlewares"}`` with names, for tools."""
        return {"method": self.method, "path": self.path, "handler": self.name,
                "policies": self.policy_names, "middlewares": self.middleware_names}

    def __repr__(self) -> str:
        return f"<Route {self.method} {self.path} -> {self.name}>"


def _policy_label(spec: Any) -> str:
    if isinstance(spec, dict):
        spec = spec.get("name", spec.get("handler"))
    return spec if isinstance(spec, str) else describe(spec)


class App:
    """A minikoa application and WSGI callable (``gunicorn 'module:app'``).

    ``strict_slashes=True`` makes ``/articles`` and ``/articles/`` different
    paths; by default, as in Strapi, one trailing slash is ignored.
    """

    def __init__(self, *, strict_slashes: bool = False, body_limits: BodyLimits = DEFAULT_LIMITS) -> None:
        self.strict_slashes = strict_slashes
        self.body_limits = body_limits
        self.router = Router(strict_slashes=strict_slashes)
        self._routes: list[Route] = []
        self._middlewares: list[Middleware] = []
        self._policy_registry: dict[str, Callable[..., Any]] = {}
        self._handler: Callable[[Context], None] | None = None
        self._lock = threading.Lock()

    # -- registration ---------------------------------------------------

    def use(self, middleware: Middleware) -> Middleware:
        """Add a global middleware (outermost first, in the order of ``use`` calls)."""
        self._middlewares.append(check_middleware(middleware))
        self._handler = None
        return middleware

    def route(self, method: str | Iterable[str], path: str, handler: Handler | None = None, *,
              name: str | None = None, policies: Sequence[Any] = (),
              middlewares: Sequence[Middleware] = (), config: dict[str, Any] | None = None) -> Any:
        """Register ``handler`` for ``method`` (a name or a list) on ``path``.

        Without ``handler`` it returns a decorator. A duplicate method and path
        raises RouteError at once, naming both handlers.
        """
        if handler is None:
            def decorator(func: Handler) -> Handler:
                self.route(method, path, func, name=name, policies=policies,
                           middlewares=middlewares, config=config)
                return func
            return decorator
        if not callable(handler):
            raise TypeError(f"handler for {path!r} is not callable: {handler!r}")
        methods = [m.upper() for m in ([method] if isinstance(method, str) else method)]
        for m in methods:
            if not m.isalpha():
                raise ValueError(f"invalid HTTP method {m!r} for route {path!r}")
        label = name or describe(handler)
        where = f" on route {label} ({path})"
        for mw in middlewares:
            check_middleware(mw, where)
        for m in methods:
            route = Route(m, path, handler, label, policies, middlewares, dict(config or {}))
            self.router.add(m, path, route, name=label)
            self._routes.append(route)
        self._handler = None
        return handler

    def get(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **options)

    def put(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **options)

    def patch(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **options)

    def head(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("HEAD", path, **options)

    def options(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("OPTIONS", path, **options)

    def register_policy(self, name: str, policy: Callable[..., Any]) -> Callable[..., Any]:
        """Make ``policy`` available to routes by ``name``."""
        if not callable(policy):
            raise TypeError(f"policy {name!r} is not callable")
        self._policy_registry[name] = policy
        self._handler = None
        return policy

    def lookup_policy(self, name: str) -> Callable[..., Any] | None:
        return self._policy_registry.get(name)

    @property
    def routes(self) -> list[Route]:
        """Every route, in registration order."""
        return list(self._routes)

    @property
    def middlewares(self) -> list[Middleware]:
        """The global middlewares, outermost first."""
        return list(self._middlewares)

    # -- build ----------------------------------------------------------

    def build(self) -> Callable[[Context], None]:
        """Compile routes, policies and middlewares into the request handler.

        Called by the first request when not called before; call it at start-up
        to see configuration errors (an unknown policy, say) before serving.
        """
        with self._lock:
            if self._handler is not None:
                return self._handler
            for route in self._routes:
                route.endpoint = self._compile_route(route)
            self.router.freeze()
            self._handler = compose(self._middlewares, self._dispatcher())
            return self._handler

    def _compile_route(self, route: Route) -> Callable[[Context], None]:
        where = f"route {route.method} {route.path} ({route.name})"
        prepared = _policies.resolve(route.policies, self.lookup_policy, where)
        handler = route.handler
        app = self

        if prepared:
            def endpoint(ctx: Context) -> None:
                _policies.run(ctx, prepared, app)
                result = handler(ctx)
                if result is not None:
                    ctx._body = result
        else:
            def endpoint(ctx: Context) -> None:
                result = handler(ctx)
                if result is not None:
                    ctx._body = result
        return compose(route.middlewares, endpoint)

    def _dispatcher(self) -> Callable[[Context], None]:
        match = self.router.match

        def dispatch(ctx: Context) -> None:
            try:
                route, params = match(ctx.method, ctx.raw_path)
            except MethodNotAllowedError as exc:
                if ctx.method != "OPTIONS":
                    raise
                ctx.set("Allow", ", ".join(exc.allowed))
                ctx.status = 204
                return
            ctx.params = params
            ctx.route = route
            route.endpoint(ctx)

        return dispatch

    # -- serving --------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        ctx = Context(self, environ)
        try:
            (self._handler or self.build())(ctx)
        except Exception as exc:
            self.handle_error(ctx, exc)
        try:
            return finish(ctx, start_response)
        except Exception as exc:
            # The body itself could not be rendered (not JSON-serialisable, say).
            self.handle_error(ctx, exc)
            return finish(ctx, start_response)

    def handle_error(self, ctx: Context, exc: BaseException) -> None:
        """The errors layer: render ``exc`` into ``ctx`` in Strapi's error shape.

        HttpErrors and Werkzeug's HTTP exceptions keep their status; anything
        else is logged with its traceback and answered with a generic 500.
        """
        error = to_http_error(exc)
        if error is None:
            log.error("Unhandled error in %s %s", ctx.method, ctx.raw_path, exc_info=exc)
            error = HttpError(500)
        elif error.status >= 500:
            log.error("%s in %s %s", error, ctx.method, ctx.raw_path, exc_info=exc)
        ctx.remove("Content-Type")
        ctx.remove("Content-Length")
        if ctx._response is not None:
            ctx._response.response = []
        for name, value in error.headers.items():
            ctx.set(name, value)
        ctx._status = error.status
        ctx._body = error_body(error)

    def test_client(self) -> Client:
        """A Werkzeug test client that calls this app in-process."""
        return Client(self)
