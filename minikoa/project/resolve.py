"""Turning names into things: route handlers, middlewares and policies.

Routes, ``config/middlewares.py`` and route configs name what they use the
way Strapi does: ``"article.find"`` or ``"api::article.article.findOne"``
for a handler, ``"minikoa::cors"``, ``"global::timer"`` or a short
``"is-owner"`` for a middleware or policy. These functions run while the app
is built, so an unknown name fails at start-up, with ``where`` saying which
route or file asked for it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..http.onion import Middleware, check_middleware, describe
from ..middlewares import BUILTINS, builtin_factory
from .loader import load_module

if TYPE_CHECKING:
    from ..app import App

__all__ = ["handler", "middleware", "factory_of", "lookup"]


def suggest(name: str, registry: Mapping[str, Any], api: str | None = None) -> str:
    """``"; did you mean 'x'?"`` for the registered name closest to ``name`` (UIDs and their short
    forms where ``name`` would find them), or the list of what is known."""
    short = {uid: uid.split("::", 1)[1] for uid in registry if uid.startswith("global::")}
    if api is not None:
        short.update({uid: uid[len(f"api::{api}."):] for uid in registry if uid.startswith(f"api::{api}.")})
    candidates = [*registry, *short.values()]
    found = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if found:
        return f"; did you mean {found[0]!r}?"
    return f" (known: {', '.join(sorted(registry)) or 'none registered'})"


def lookup(registry: Mapping[str, Any], name: str, api: str | None) -> Any:
    """A registered value by UID, or by short name: the route's api first, then ``global::``."""
    if "::" in name:
        return registry.get(name)
    if api is not None and f"api::{api}.{name}" in registry:
        return registry[f"api::{api}.{name}"]
    return registry.get(f"global::{name}")


def handler(app: App, target: Any, api: str | None, where: str) -> tuple[Any, str]:
    """``(callable, name)`` for a route's handler: a callable, or a controller action by name.

    ``"api::article.article.findOne"`` names a controller UID and an action;
    inside an api, ``"article.find"`` is short for ``api::<api>.article.find``.
    Strapi's camelCase action names find snake_case methods (``findOne`` ->
    ``find_one``). Only methods of the controller's class are actions.
    """
    if callable(target):
        return target, describe(target)
    if not isinstance(target, str) or "." not in target:
        raise LookupError(f"{where}: handler {target!r} is neither a callable nor '<controller>.<action>'")
    if "::" in target:
        uid, _, action = target.rpartition(".")
    elif api is not None:
        controller, _, action = target.partition(".")
        uid = f"api::{api}.{controller}"
    else:
        raise LookupError(f"{where}: handler {target!r} needs a full UID outside an api "
                          "(api::<api>.<controller>.<action>)")
    if uid not in app.controllers:
        known = ", ".join(sorted(app.controllers)) or "none"
        close = difflib.get_close_matches(uid, list(app.controllers), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f" (controllers: {known})"
        raise LookupError(f"{where}: unknown handler {target!r}: no controller {uid!r}{hint}")
    instance = app.controllers.instance(uid)
    cls = type(instance)
    method = next((m for m in (action, _snake(action)) if callable(getattr(cls, m, None))), None)
    if method is None or action.startswith("_"):
        names = sorted(a for a in dir(cls) if not a.startswith("_") and callable(getattr(cls, a)))
        close = difflib.get_close_matches(_snake(action), names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise LookupError(f"{where}: unknown handler {target!r}: controller {uid!r} has no action "
                          f"{action!r}{hint} (actions: {', '.join(names) or 'none'})")
    return getattr(instance, method), f"{uid}.{action}"


def middleware(app: App, spec: Any, config: dict[str, Any] | None, api: str | None,
               where: str) -> Middleware | None:
    """The middleware for ``spec``: a generator function as is, or a named one made by its factory.

    Names: ``minikoa::<built-in>`` (``strapi::`` is an alias, so Strapi's
    ``config/middlewares.js`` entries carry over), ``global::<name>``,
    ``api::<api>.<name>``, a short name (the route's api, then global),
    ``{"name": ..., "config": ...}`` or ``{"resolve": "./path", "config": ...}``.
    None means the factory configured something and needs no layer.
    """
    if callable(spec) and not isinstance(spec, str):
        return spec
    if isinstance(spec, dict):
        config = spec.get("config", config)
    factory, name = factory_of(app, spec, api, where)
    return _make(app, factory, config, name, where)


def factory_of(app: App, spec: Any, api: str | None, where: str) -> tuple[Callable[..., Any], str]:
    """``(factory, name)`` of a named middleware (as ``middleware`` takes it), without calling the factory:
    what ``minikoa routes`` checks, since a factory may do anything. LookupError for an unknown name."""
    if isinstance(spec, dict):
        if "resolve" in spec:
            return _file_factory(app, spec["resolve"], where)
        spec = spec.get("name")
    if not isinstance(spec, str):
        raise LookupError(f"{where}: middleware {spec!r} has no name")
    name = "minikoa::" + spec[len("strapi::"):] if spec.startswith("strapi::") else spec
    if name.startswith("minikoa::"):
        factory = builtin_factory(name[len("minikoa::"):])
        if factory is None:
            close = difflib.get_close_matches(name[len("minikoa::"):], BUILTINS, n=1)
            hint = f"; did you mean 'minikoa::{close[0]}'?" if close else f" (built-ins: {', '.join(BUILTINS)})"
            raise LookupError(f"{where}: unknown middleware {spec!r}{hint}")
    else:
        factory = lookup(app.middlewares, name, api)
        if factory is None:
            raise LookupError(f"{where}: unknown middleware {spec!r}{suggest(name, app.middlewares, api)}")
    return factory, name


def _file_factory(app: App, target: str, where: str) -> tuple[Callable[..., Any], str]:
    path = Path(target)
    if not path.is_absolute():
        path = (app.root or Path.cwd()) / path
    if path.suffix != ".py":
        path = path / "index.py" if path.is_dir() else path.with_suffix(".py")
    factory = getattr(load_module(path), "middleware", None)
    if not callable(factory):
        raise LookupError(f"{where}: {path} defines no factory `middleware(config, app)`")
    return factory, str(path)


def _make(app: App, factory: Callable[..., Any], config: dict[str, Any] | None, name: str,
          where: str) -> Middleware | None:
    try:
        made = factory(dict(config or {}), app)
    except ValueError as exc:  # a bad option: say which file (or route) configured it
        raise ValueError(f"{where}: {exc}") from exc
    if made is not None:
        check_middleware(made, f" ({name}, {where})")
    return made


def _snake(name: str) -> str:
    """``findOne`` -> ``find_one``."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
