"""The middleware onion: generator functions of ``ctx``, composed once.

A middleware runs its code before ``yield`` on the way in and its code after
``yield`` on the way out::

    def timer(ctx):
        start = time.perf_counter()
        yield                      # the rest of the chain runs here
        ctx.set("X-Response-Time", f"{time.perf_counter() - start:.3f}s")

An error raised downstream is thrown into the generator at its ``yield``, so
``try/except`` around the ``yield`` sees it; a middleware that catches it and
returns has turned it into a response (whatever it set on ``ctx``). A
middleware that returns before yielding ends the chain there: nothing deeper
runs. Yielding twice is a programming error, reported with the middleware's
name.

``compose`` nests one small closure per layer around the endpoint when the app
is built, so a request pays one Python call and one generator per layer and
nothing is looked up or allocated for the chain itself.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .context import Context

__all__ = ["Middleware", "MiddlewareError", "Endpoint", "Handler", "compose", "check_middleware", "describe",
           "endpoint"]

#: A middleware: a generator function of ctx (``def mw(ctx): ...; yield; ...``).
Middleware = Callable[["Context"], Any]
#: What the onion wraps, and what each layer is: a callable of ctx that leaves its answer in ctx.
Endpoint = Callable[["Context"], None]
#: A route handler: a callable of ctx whose returned value, if not None, becomes ``ctx.body``.
Handler = Callable[["Context"], Any]

_DONE = object()


class MiddlewareError(RuntimeError):
    """A middleware broke the contract (not a generator, or a second ``yield``)."""


def describe(obj: Any) -> str:
    """A readable name for a middleware, policy or handler in error messages."""
    name = getattr(obj, "name", None) or getattr(obj, "uid", None)
    if isinstance(name, str):
        return name
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None) or type(obj).__qualname__
    return f"{module}.{qualname}" if module else qualname


def check_middleware(mw: Any, where: str = "") -> Middleware:
    """Refuse at start-up anything that is not a generator function of ctx."""
    if inspect.isgeneratorfunction(mw):
        return mw
    call = None if inspect.isroutine(mw) else getattr(mw, "__call__", None)
    if call is None or not inspect.isgeneratorfunction(call):
        raise MiddlewareError(
            f"middleware {describe(mw)}{where} must be a generator function of ctx "
            "(code before its single `yield` runs on the way in, code after it on the way out)")
    return mw


def _layer(mw: Middleware, downstream: Endpoint) -> Endpoint:
    def layer(ctx: Context) -> None:
        gen = mw(ctx)
        if next(gen, _DONE) is _DONE:
            return
        try:
            downstream(ctx)
        except BaseException as exc:
            try:
                gen.throw(exc)
            except StopIteration:
                return
            gen.close()
            raise MiddlewareError(
                f"middleware {describe(mw)} yielded again after handling an error; "
                "a middleware yields exactly once") from exc
        if next(gen, _DONE) is not _DONE:
            gen.close()
            raise MiddlewareError(
                f"middleware {describe(mw)} yielded more than once; a middleware yields exactly once")

    layer.middleware = mw  # type: ignore[attr-defined]
    return layer


def compose(middlewares: Sequence[Middleware], endpoint: Endpoint) -> Endpoint:
    """One callable running ``middlewares`` (outermost first) around ``endpoint``."""
    run = endpoint
    for mw in reversed(middlewares):
        run = _layer(mw, run)
    return run


def endpoint(handler: Handler, guard: Endpoint | None = None) -> Endpoint:
    """The innermost layer of a route: ``guard`` (its policies) if any, then the handler, whose
    returned value, when not None, becomes ``ctx.body``."""
    if guard is None:
        def run(ctx: Context) -> None:
            result = handler(ctx)
            if result is not None:
                ctx._body = result
    else:
        def run(ctx: Context) -> None:
            guard(ctx)
            result = handler(ctx)
            if result is not None:
                ctx._body = result
    return run
