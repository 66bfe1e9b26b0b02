"""The innermost layer of the global onion: find the route, then run its own chain.

``dispatcher(match)`` is built once, from the router's ``match``: a request
whose path is known but whose method is not is a 405 with ``Allow`` (an
``OPTIONS`` request there is answered 204 with ``Allow``); an unknown path is
the router's 404. A matched route's params and the route itself go on
``ctx`` (and on ``ctx.state.route`` when a middleware made the state
already), and its endpoint runs: policies, route middlewares, handler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ..errors import MethodNotAllowedError
from .context import Context, RouteInfo
from .onion import Endpoint

__all__ = ["Routed", "dispatcher"]


class Routed(RouteInfo, Protocol):
    """A route the router found, with its compiled chain."""

    endpoint: Endpoint | None


Match = Callable[[str, str], tuple[Routed, dict[str, str]]]


def dispatcher(match: Match) -> Endpoint:
    """The endpoint that routes a request with ``match`` (``Router.match``) and runs what it finds."""

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
        ctx._route = route
        if ctx._state is not None:
            ctx._state["route"] = route
        endpoint = route.endpoint
        assert endpoint is not None, "routes are compiled before the router is used"
        endpoint(ctx)

    return dispatch
