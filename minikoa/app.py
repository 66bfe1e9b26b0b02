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

import atexit
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from werkzeug.test import Client

from .content.documents import DocumentService
from .content.events import Events
from .content.layer import ModelLayer
from .content.query import QueryLimits
from .content.schema import Schemas
from .db import Database, check_client, connect
from .errors import HttpError
from .http.body import DEFAULT_LIMITS, BodyLimits
from .http.context import Context
from .http.dispatch import dispatcher
from .http.onion import Endpoint, check_middleware, compose, describe, endpoint
from .http.proxy import ProxyTrust
from .http.response import finish, render_error, to_http_error
from .plugins import enabled_in
from .plugins import install as install_plugin
from .plugins.i18n import Locales
from .plugins.openapi import document as openapi_document
from .plugins.openapi import mount as mount_openapi
from .plugins.users_permissions import ApiTokens, Jwt, Permissions, RouteAuth, mount_api_token_admin
from .project import policies as _policies
from .project import resolve as _resolve
from .project.config import Config, ConfigError, load_dotenv
from .project.config_keys import KNOWN as KNOWN_CONFIG
from .project.config_keys import check_keys as check_config_keys
from .project.loader import LoadError, load_project
from .project.registry import ClassRegistry, Controller, Registry, Service
from .project.routes import check_config, check_method, check_path, check_route
from .rest import core_controller, core_service
from .routing.info import ADMIN, CONTENT_API, Info, route_info
from .routing.router import Router
from .webhooks import Webhooks
from .webhooks.admin import mount_admin

__all__ = ["App", "Route"]

log = logging.getLogger("minikoa")

Handler = Callable[[Context], Any]


class Route:
    """One registered route, as listed by ``app.routes``.

    ``handler`` is the callable, ``name`` how tools and errors call it,
    ``policies`` and ``middlewares`` the route's own (as given), ``config``
    whatever else the route declared (Strapi's route ``config``), ``info``
    whose route it is (Strapi's ``route.info``: ``apiName`` or ``pluginName``,
    and ``type``). The matched route is ``ctx.state.route``.
    """

    __slots__ = ("method", "path", "handler", "name", "policies", "middlewares", "config", "api",
                 "source", "endpoint", "action", "info")

    def __init__(self, method: str, path: str, handler: Handler, name: str,
                 policies: Sequence[Any], middlewares: Sequence[Any],
                 config: dict[str, Any], api: str | None = None, source: str | None = None,
                 action: str | None = None, info: Info | None = None) -> None:
        self.method = method
        self.path = path
        self.handler = handler
        self.name = name
        self.policies = tuple(policies)
        self.middlewares = tuple(middlewares)
        self.config = config
        #: The api the route belongs to (short policy and middleware names resolve in it).
        self.api = api
        #: The routes file it came from, for error messages.
        self.source = source
        #: The controller action it runs (``api::article.article.find``): what a role is granted.
        self.action = action
        #: Whose route it is and which API it serves (``{"apiName": "article", "type": "content-api"}``).
        self.info = info if info is not None else route_info(api=api)
        self.endpoint: Callable[[Context], None] | None = None

    @property
    def policy_names(self) -> list[str]:
        return [_spec_label(p) for p in self.policies]

    @property
    def middleware_names(self) -> list[str]:
        return [_spec_label(m) for m in self.middlewares]

    @property
    def where(self) -> str:
        origin = f" in {self.source}" if self.source else ""
        return f"route {self.method} {self.path} ({self.name}){origin}"

    def as_dict(self) -> dict[str, Any]:
        """``{"method", "path", "handler", "policies", "middlewares"}`` with names, for tools."""
        return {"method": self.method, "path": self.path, "handler": self.name,
                "policies": self.policy_names, "middlewares": self.middleware_names}

    def __repr__(self) -> str:
        return f"<Route {self.method} {self.path} -> {self.name}>"


def _api_of(uid: Any) -> str | None:
    """The api of a content-type UID (``api::article.article`` -> ``article``), else None."""
    if isinstance(uid, str) and uid.startswith("api::"):
        return uid[5:].split(".", 1)[0]
    return None


def _spec_label(spec: Any) -> str:
    if isinstance(spec, dict):
        spec = spec.get("name") or spec.get("handler") or spec.get("resolve")
    return spec if isinstance(spec, str) else describe(spec)


class _TestClient(Client):
    def open(self, *args: Any, buffered: bool = True, **kwargs: Any) -> Any:
        return super().open(*args, buffered=buffered, **kwargs)


class App:
    """A minikoa application and WSGI callable (``gunicorn 'module:app'``).

    ``App()`` is an app built in code; ``App.load(path)`` loads a project
    folder in Strapi's layout. ``strict_slashes=True`` makes ``/articles`` and
    ``/articles/`` different paths; by default, as in Strapi, one trailing
    slash is ignored.
    """

    def __init__(self, *, strict_slashes: bool = False, body_limits: BodyLimits = DEFAULT_LIMITS,
                 config: Config | dict[str, Any] | None = None, root: str | Path | None = None,
                 plugins: Iterable[str] = ()) -> None:
        self.strict_slashes = strict_slashes
        self.body_limits = body_limits
        #: Which forwarded headers ``ctx.ip`` trusts (``config/server.py``'s ``proxy``), read at build.
        self.proxy = ProxyTrust()
        #: How ``ctx.query`` parses (``minikoa.querystring.parse_qs`` options); Strapi's by default.
        self.query_options: dict[str, Any] = {"strict_null_handling": True}
        #: All configuration (``app.config.get("server.port")``); a project's config/ files.
        self.config = config if isinstance(config, Config) else Config(config)
        #: The project folder, or None for an app built in code.
        self.root = Path(root).resolve() if root is not None else None
        self.router = Router(strict_slashes=strict_slashes)
        self.controllers: ClassRegistry = ClassRegistry("controller", Controller, self)
        self.services: ClassRegistry = ClassRegistry("service", Service, self)
        self.policies: Registry[Callable[..., Any]] = Registry("policy")
        #: Middleware *factories* ``(config, app) -> middleware`` by UID.
        self.middlewares: Registry[Callable[..., Any]] = Registry("middleware")
        self._routes: list[Route] = []
        #: global middleware specs, outermost first, as given to ``use``
        self._global: list[tuple[Any, dict[str, Any] | None, str | None]] = []
        self._handler: Callable[[Context], None] | None = None
        self._lock = threading.RLock()
        self._destroy_hooks: list[Callable[[], Any]] = []
        #: The ``info`` of the routes being registered by a plugin as it installs (or by the admin API).
        self._registering: Info | None = None
        #: Content-types and components (``app.content_types.register(uid, schema)``).
        self.content_types = Schemas()
        #: In-process events (``app.events.on("entry.create", fn)``).
        self.events = Events()
        self._db: ModelLayer | None = None
        #: The webhooks (``create``, ``list``, ``get``, ``update``, ``delete``, ``trigger``, ...). Made here,
        #: with nothing done yet; ``build()`` sets them up (tables, declared webhooks, the events subscription),
        #: and so does their first use on an app not yet built (see ``minikoa.webhooks.registry``).
        self.webhooks = Webhooks(self.config, self._database, self.events)
        #: How far a REST query may reach (``config/api.py``'s ``rest.maxPopulateDepth``,
        #: ``maxRelationDepth``, ``maxPopulated``), read when the app is built.
        self.rest_limits = QueryLimits()
        #: Each route's authentication and authorization step (the users-permissions plugin's), or None.
        self.auth: RouteAuth | None = None
        #: Roles and their actions (``app.permissions.grant("public", [...])``), with users-permissions.
        self.permissions: Permissions | None = None
        #: Users' JWTs (issue and verify), with users-permissions.
        self.jwt: Jwt | None = None
        #: API tokens (``create``, ``list``, ``get``, ``update``, ``delete``, ``regenerate``), with users-permissions.
        self.api_tokens: ApiTokens | None = None
        #: The locales (``list``, ``create``, ``delete``), with the i18n plugin.
        self.locales: Locales | None = None
        #: The plugins installed, by name.
        self.plugins: list[str] = []
        for name in plugins:
            self.install(name)

    def install(self, plugin: str, config: dict[str, Any] | None = None) -> None:
        """Add a plugin (``"users-permissions"``) with its config, before the app is built."""
        if self._handler is not None:
            raise RuntimeError(f"cannot install plugin {plugin!r}: the app is already built")
        # The routes a plugin registers while it installs are its own (``info.pluginName``).
        outer, self._registering = self._registering, route_info(plugin=plugin)
        try:
            install_plugin(self, plugin, config or {})
        finally:
            self._registering = outer
        self.plugins.append(plugin)

    @property
    def actions(self) -> set[str]:
        """Every action a route runs or names in its ``auth.scope``: what roles can be granted."""
        found: set[str] = set()
        for route in self._routes:
            if route.action is not None:
                found.add(route.action)
            auth = route.config.get("auth")
            if isinstance(auth, dict):
                scope = auth.get("scope", [])
                found.update([scope] if isinstance(scope, str) else scope)
        return found

    @classmethod
    def load(cls, path: str | Path, *, build: bool = True, **options: Any) -> App:
        """Load the project folder at ``path`` (config/, src/) into a new, built app.

        Mistakes raise LoadError naming the file and the name at fault.
        ``build=False`` reads every file, registers everything and mounts the
        routes, and checks every name they use (``check``), but runs nothing:
        no database, no middleware factory, no ``bootstrap``, no secret made
        in ``.tmp`` (what ``minikoa routes`` and the other listings need). Such
        an app is for looking at, not for serving: load the project again to
        serve it.
        """
        root = Path(path).resolve()
        if not root.is_dir():
            raise LoadError(f"{path}: no such project folder")
        try:
            load_dotenv(root / ".env")
            config = Config.load(root / "config")
        except ConfigError as exc:  # it names the file (and line): a load error like any other
            raise LoadError(str(exc)) from exc
        for name in KNOWN_CONFIG:
            try:
                check_config_keys(name, config.get(name))
            except ValueError as exc:
                found = next(iter(sorted((root / "config").glob(f"{name}.*"))), root / "config" / f"{name}.py")
                raise LoadError(f"{found}: {exc}") from None
        try:
            check_client(config.get("database.connection") or {})
        except ValueError as exc:  # before anything runs: the file at fault, not a failed first query
            found = next((f for f in sorted((root / "config").glob("database.*"))), root / "config" / "database.py")
            raise LoadError(f"{found}: {exc}") from None
        app = cls(config=config, root=root, **options)
        try:
            plugins = enabled_in(config.get("plugins") or {})
        except ValueError as exc:
            raise LoadError(f"{root / 'config' / 'plugins.py'}: {exc}") from None
        for name, plugin_config in plugins:
            try:
                app.install(name, plugin_config)
            except ValueError as exc:
                raise LoadError(f"{root / 'config' / 'plugins.py'}: {exc}") from None
        load_project(app, root, build=build)
        try:
            mount_openapi(app)
        except ValueError as exc:
            raise LoadError(f"{root / 'config' / 'openapi.py'}: {str(exc).removeprefix('config/openapi.py: ')}") \
                from None
        if build:
            atexit.register(app.destroy)
        return app

    # -- models ---------------------------------------------------------

    @property
    def db(self) -> ModelLayer:
        """The model layer: database, lifecycles (``app.db.lifecycles.subscribe``), queries."""
        if self._db is None:
            connection = self.config.get("database.connection") or {}
            self._db = ModelLayer(self.content_types, self.events, lambda: connect(connection, self.root),
                                  populate_relations=bool(self.config.get("server.webhooks.populateRelations")),
                                  private_attributes=self.config.get("api.responses.privateAttributes") or ())
            self._db.on_setup(self.webhooks.setup)
        return self._db

    def _database(self) -> Database:
        """The database in use (opened on first use; reopened if the app is used after ``destroy``)."""
        return self.db.db

    def documents(self, uid: str) -> DocumentService:
        """The document service of content-type ``uid`` (``find_many``, ``create``, ...)."""
        return self.db.documents(uid)

    # -- registries -----------------------------------------------------

    def controller(self, uid: str) -> Any:
        """The controller instance for ``uid`` (``api::article.article``)."""
        return self.controllers.instance(uid)

    def service(self, uid: str) -> Any:
        """The service instance for ``uid`` (``api::article.article``)."""
        return self.services.instance(uid)

    def policy(self, name: str, policy: Callable[..., Any] | None = None) -> Any:
        """Look up a policy by UID, or register one.

        ``app.policy("global::is-owner")`` returns the registered policy. A
        short name registers under ``global::``: ``@app.policy("is-owner")`` or
        ``app.policy("is-owner", fn)``; use ``app.policies.register(uid, fn)``
        for any other UID.
        """
        return self._lookup_or_register(self.policies, name, policy)

    def middleware(self, name: str, factory: Callable[..., Any] | None = None) -> Any:
        """Look up a middleware factory by UID, or register one (as ``policy`` does)."""
        return self._lookup_or_register(self.middlewares, name, factory)

    @staticmethod
    def _lookup_or_register(registry: Registry[Any], name: str, value: Any) -> Any:
        if "::" in name and value is None:
            return registry[name]
        uid = name if "::" in name else f"global::{name}"
        if value is not None:
            return registry.register(uid, value)

        def decorator(fn: Any) -> Any:
            registry.register(uid, fn)
            return fn
        return decorator

    # -- registration ---------------------------------------------------

    def use(self, middleware: Any, config: dict[str, Any] | None = None, *, source: str | None = None) -> Any:
        """Add a global middleware, outermost first in the order of ``use`` calls.

        ``middleware`` is a generator function of ctx, or a middleware named
        by UID (``"minikoa::cors"``, ``"global::timer"``, ``{"name": ...,
        "config": ...}``, ``{"resolve": "./path", "config": ...}``) whose
        factory is called with ``config`` when the app is built. ``source``
        names where the middleware was listed (``config/middlewares.py``), for
        the errors its factory raises.
        """
        if callable(middleware) and not isinstance(middleware, str):
            check_middleware(middleware)
        elif not isinstance(middleware, (str, dict)):
            raise TypeError(f"not a middleware or middleware name: {middleware!r}")
        self._global.append((middleware, config, source))
        self._handler = None
        return middleware

    def route(self, method: str | Iterable[str], path: str, handler: Handler | None = None, *,
              name: str | None = None, policies: Sequence[Any] = (), middlewares: Sequence[Any] = (),
              config: dict[str, Any] | None = None, api: str | None = None,
              source: str | None = None, action: str | None = None, info: Info | None = None) -> Any:
        """Register ``handler`` for ``method`` (a name or a list) on ``path``.

        Without ``handler`` it returns a decorator. ``policies`` and
        ``middlewares`` are callables or names (resolved when the app is
        built). A duplicate method and path raises RouteError at once, naming
        both handlers. ``info`` is the route's Strapi ``info``; by default the
        api's (``{"apiName": api, "type": "content-api"}``), the installing
        plugin's, or ``{"type": "api"}``.
        """
        if handler is None:
            def decorator(func: Handler) -> Handler:
                self.route(method, path, func, name=name, policies=policies, middlewares=middlewares,
                           config=config, api=api, source=source, action=action, info=info)
                return func
            return decorator
        if not callable(handler):
            raise TypeError(f"handler for {path!r} is not callable: {handler!r}")
        try:
            methods = [check_method(m) for m in ([method] if isinstance(method, str) else method)]
            check_path(path)
            config = check_config(config)
        except ValueError as exc:
            raise ValueError(f"route {path!r}: {exc}") from None
        label = name or describe(handler)
        if info is None:
            info = self._registering or route_info(api=api)
        for mw in middlewares:
            if callable(mw) and not isinstance(mw, str):
                check_middleware(mw, f" on route {label} ({path})")
        for m in methods:
            route = Route(m, path, handler, label, policies, middlewares, dict(config or {}), api, source, action,
                          info)
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

    def mount(self, routes: Any, *, api: str | None = None, prefix: str | None = None,
              source: str = "code") -> None:
        """Register routes given in Strapi's format: a list of route dicts, or ``core_router(uid)``.

        Each route is ``{"method", "path", "handler", "config": {"policies",
        "middlewares", "auth", "prefix", ...}}``; paths get the content API
        prefix (``config/api.py`` ``rest.prefix``, ``/api`` by default) unless
        the route's ``config.prefix`` or ``prefix`` here says otherwise.
        Raises LookupError or ValueError naming ``source`` and the route.
        """
        # Routes in Strapi's format serve the content API, as an api's or a plugin's routers do.
        info = self._registering or route_info(api=api or _api_of(getattr(routes, "uid", None)), type=CONTENT_API)
        if hasattr(routes, "resolve"):
            self.add_core_components()
            routes = routes.resolve(self)
        if prefix is None:
            prefix = self.config.get("api.rest.prefix", "/api")
        for number, route in enumerate(routes):
            where = f"{source}: route #{number}"
            try:
                check_route(route)
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from None
            config = dict(route.get("config") or {})
            route_prefix = config.pop("prefix", prefix) or ""
            path = route["path"]
            full = route_prefix.rstrip("/") + path if path != "/" or not route_prefix else route_prefix
            handler, label = self.resolve_handler(route["handler"], api, where)
            try:
                self.route(route["method"], full, handler, name=label,
                           policies=config.pop("policies", ()) or (),
                           middlewares=config.pop("middlewares", ()) or (),
                           config=config, api=api, source=source,
                           action=label if isinstance(route["handler"], str) else None, info=info)
            except (ValueError, TypeError, LookupError) as exc:
                raise ValueError(f"{where} ({route['method']} {full}): {exc}") from None

    def mount_admin(self) -> None:
        """Add the admin API (``/admin/webhooks``, and ``/admin/api-tokens`` with users-permissions, guarded
        by the admin token); a project has it. Its routes are the admin's, as Strapi tags them."""
        outer, self._registering = self._registering, route_info(plugin=ADMIN, type=ADMIN)
        try:
            mount_admin(self)
            mount_api_token_admin(self)
        finally:
            self._registering = outer

    def add_core_components(self) -> None:
        """Give every api content-type without a controller or service the core ones (Strapi's rule)."""
        for uid in self.content_types:
            if not uid.startswith("api::"):
                continue
            if uid not in self.controllers and not self.controllers.frozen:
                self.controllers.register(uid, core_controller(uid), source="core")
            if uid not in self.services and not self.services.frozen:
                self.services.register(uid, core_service(uid), source="core")

    def resolve_handler(self, handler: Any, api: str | None = None, where: str = "route") -> tuple[Any, str]:
        """``(callable, name)`` for a route's handler (see ``minikoa.resolve.handler``)."""
        return _resolve.handler(self, handler, api, where)

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI 3.1 document of this app's API (``minikoa.plugins.openapi``); builds the app."""
        self.build()
        return openapi_document(self)

    @property
    def routes(self) -> list[Route]:
        """Every route, in registration order."""
        return list(self._routes)

    @property
    def global_middlewares(self) -> list[str]:
        """The names of the global middlewares, outermost first."""
        return [_spec_label(spec) for spec, _, _ in self._global]

    # -- build ----------------------------------------------------------

    def check(self) -> None:
        """Resolve every policy and middleware name the routes and the global list use, without making
        anything (no middleware factory is called), and link the schemas (attribute types, relation
        targets, components) without touching a database: the mistakes ``build`` would report, for tools
        that must not run the project's code. Raises what ``build`` would, naming the route or file."""
        self.content_types.link()
        for route in self._routes:
            self._check_route(route)
        for spec, _, source in self._global:
            if not callable(spec) or isinstance(spec, str):
                _resolve.factory_of(self, spec, None, source or "global middlewares")

    def build(self) -> Callable[[Context], None]:
        """Compile routes, policies and middlewares into the request handler.

        Every name is resolved here, so an unknown policy or middleware fails
        now, naming the route and the file. Called by the first request when
        not called before; ``App.load`` calls it. The registries are frozen
        from then on.
        """
        with self._lock:
            if self._handler is not None:
                return self._handler
            self.rest_limits = QueryLimits.from_config(self.config.get("api.rest") or {})
            self.proxy = ProxyTrust.from_config(self.config.get("server.proxy"))
            if len(self.content_types) > 1 or self._db is not None:  # more than the built-in file type
                self.db.setup()  # the tables, then the webhooks (an on_setup hook)
                self.add_core_components()
            for route in self._routes:
                route.endpoint = self._compile_route(route)
            chain = []
            for spec, config, source in self._global:
                mw = _resolve.middleware(self, spec, config, None, source or "global middlewares")
                if mw is not None:
                    chain.append(mw)
            self.router.freeze()
            for registry in (self.controllers, self.services, self.policies, self.middlewares):
                registry.frozen = True
            self._handler = compose(chain, dispatcher(self.router.match))
            return self._handler

    def _check_route(self, route: Route) -> None:
        """What ``_compile_route`` resolves, without making anything (see ``check``)."""
        api = route.api
        _policies.resolve(route.policies, lambda n: _resolve.lookup(self.policies, n, api), route.where,
                          lambda n: _resolve.suggest(n, self.policies, api))
        for spec in route.middlewares:
            if not callable(spec) or isinstance(spec, str):
                _resolve.factory_of(self, spec, api, route.where)

    def _compile_route(self, route: Route) -> Endpoint:
        where = route.where
        prepared = _policies.resolve(route.policies, lambda n: _resolve.lookup(self.policies, n, route.api), where,
                                     lambda n: _resolve.suggest(n, self.policies, route.api))
        middlewares = [mw for mw in (_resolve.middleware(self, spec, None, route.api, where)
                                     for spec in route.middlewares) if mw is not None]
        authenticate = self.auth.step(route) if self.auth is not None else None
        # Strapi's compose-endpoint: authentication and authorization, then the route's policies,
        # then its own middlewares, then the handler. The guard is the first two steps.
        guard: Endpoint | None = None
        if prepared:
            app = self
            if authenticate is not None:
                def guard(ctx: Context) -> None:
                    authenticate(ctx)
                    _policies.run(ctx, prepared, app)
            else:
                def guard(ctx: Context) -> None:
                    _policies.run(ctx, prepared, app)
        elif authenticate is not None:
            guard = authenticate
        if guard is None or not middlewares:
            # No middleware to come between them: the guard runs inside the endpoint, one call fewer.
            return compose(middlewares, endpoint(route.handler, guard))
        chain = compose(middlewares, endpoint(route.handler))
        check = guard

        def guarded(ctx: Context) -> None:
            check(ctx)  # a refusal raises here: no route middleware has run
            chain(ctx)
        return guarded

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
        render_error(ctx, error)

    def test_client(self) -> Client:
        """A Werkzeug test client that calls this app in-process.

        Responses are buffered by default (``buffered=True``): the body is read
        and the WSGI iterable closed at once, as a server would, so files and
        uploads are released without the test closing each response.
        """
        return _TestClient(self)

    # -- lifecycle ------------------------------------------------------

    def on_destroy(self, hook: Callable[[], Any]) -> None:
        """Run ``hook`` when the app is destroyed (process exit, or ``destroy()``)."""
        self._destroy_hooks.append(hook)

    def destroy(self) -> None:
        """Run the destroy hooks once, newest first (src/index.py's ``destroy(app)``), stop delivering
        webhooks (attempts in flight get ``server.webhooks.shutdownDeadline`` seconds), then close the
        database."""
        hooks, self._destroy_hooks = self._destroy_hooks, []
        for hook in reversed(hooks):
            try:
                hook()
            except Exception:
                log.exception("destroy hook %s failed", describe(hook))
        self.webhooks.close()
        if self._db is not None:
            self._db.close()

