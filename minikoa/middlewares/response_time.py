"""``minikoa::response-time``: the ``X-Response-Time`` header, as Strapi's ``strapi::responseTime`` writes it.

Strapi's middleware measures ``Date.now()`` around the rest of the chain and
sets ``X-Response-Time: <ms>ms`` with a whole number of milliseconds,
rounded up (``Math.ceil``): ``0ms`` is possible there (two equal
``Date.now()`` readings), and here a request that takes 0.3 ms says ``1ms``,
since the clock is finer and the ceiling of anything above zero is at least
one. It sets the header after ``await next()``, so only responses that
reach it carry one; which errors those are is ``unthrown``'s rule (an
unknown route's 404 does, a validation error's 400 does not).

No options (Strapi's takes none); it costs one clock reading on each side.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from ..http.context import Context
from ..http.onion import Middleware
from .options import check_options
from .unthrown import strapi_response

if TYPE_CHECKING:
    from ..app import App

__all__ = ["middleware", "HEADER"]

HEADER = "X-Response-Time"


def middleware(config: dict[str, Any], app: App) -> Middleware:
    """The response-time middleware (no options)."""
    check_options("response-time", config, ())
    clock = time.perf_counter
    ceil = math.ceil

    def response_time(ctx: Context) -> Any:
        start = clock()
        try:
            yield
        except Exception as exc:
            if strapi_response(exc) is not None:
                ctx.set(HEADER, f"{ceil((clock() - start) * 1000)}ms")
            raise
        ctx.set(HEADER, f"{ceil((clock() - start) * 1000)}ms")

    return response_time
