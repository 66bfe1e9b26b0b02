"""The HTTP layer: one request's context, its body and query string, the response, the onion.

Nothing here knows about content-types, databases or the REST API: a
``Context`` is built per request, middlewares are composed into an onion
around the router once at start-up, and ``finish`` turns what the handler
left in ``ctx`` into a WSGI response.
"""

from .body import DEFAULT_LIMITS, BodyLimits
from .context import Context, PreparedHeaders, State, prepare_headers
from .onion import Middleware, MiddlewareError, check_middleware, compose, describe
from .querystring import QueryStringError, parse_qs
from .response import finish

__all__ = [
    "Context", "State", "PreparedHeaders", "prepare_headers", "BodyLimits", "DEFAULT_LIMITS",
    "Middleware", "MiddlewareError", "check_middleware", "compose", "describe",
    "QueryStringError", "parse_qs", "finish",
]
