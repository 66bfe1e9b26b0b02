"""Which errors Strapi answers as plain responses rather than throwing them.

Koa middlewares listed after ``strapi::errors`` see a response on the way
out only when nothing was thrown below them. The recordings of Strapi show
which of minikoa's errors are *responses* there: an unknown route's 404 and
405, a controller's ``ctx.notFound()``, route auth's ``ctx.unauthorized()``
and ``ctx.forbidden()`` (401, 403); a policy's refusal (``PolicyError``, a
403) and everything else (400, 413, 500, ...) is thrown. minikoa raises all
of them, so a middleware that acts "after the response" in Strapi
(``powered-by``, ``response-time``, ``responses``) asks this module whether
Strapi would have let it see the error.
"""

from __future__ import annotations

from ..errors import HttpError, PolicyError
from ..http.response import to_http_error

__all__ = ["strapi_response"]

#: Error statuses Strapi answers as responses (403: but for a PolicyError).
_RESPONSES = frozenset({401, 403, 404, 405})


def strapi_response(exc: BaseException) -> HttpError | None:
    """``exc`` as an HttpError when Strapi would have answered it as a response, else None."""
    error = to_http_error(exc)
    if error is None or error.status not in _RESPONSES or isinstance(error, PolicyError):
        return None
    return error
