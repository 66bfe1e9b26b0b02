"""``minikoa::powered-by``: the ``X-Powered-By`` header (``minikoa`` unless ``poweredBy`` says otherwise).

Strapi's ``strapi::poweredBy`` sets the header after ``await next()``, so a
response made by a thrown error lacks it. The recordings show which
responses those are: 400 (ValidationError, malformed JSON), 413 and 500 lack
it; 2xx, 302, 405 and *every* 404 carry it, an unknown route's and a
controller's "document not found" alike, because in Strapi those are
responses, not errors that unwind past this middleware.

The same holds for authentication: Strapi's route auth answers a bad
credential with ``ctx.unauthorized()`` and a role without the action with
``ctx.forbidden()`` (responses, not throws), and the recordings show their
401 and 403 with the header. A policy's refusal is thrown (``PolicyError``),
and lacks it.

In minikoa routing raises NotFoundError / MethodNotAllowedError, a
handler's 404 is usually ``ctx.not_found()``, and the auth step raises its
401 and 403, so all of them do unwind past this middleware. To give the
same responses as Strapi, the header is set when the chain returns normally
and when the error passing by is a 404, a 405, a 401 or a 403 other than a
PolicyError (whoever raised it); any other error passes by untouched. A
CORS preflight never gets here (``minikoa::cors`` answers it), so it lacks
the header, as in Strapi.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..http.context import Context, prepare_headers
from ..http.onion import Middleware
from .unthrown import strapi_response

if TYPE_CHECKING:
    from ..app import App

__all__ = ["middleware", "DEFAULT"]

NAME = "minikoa::powered-by"
DEFAULT = "minikoa"
HEADER = "X-Powered-By"


def middleware(config: dict[str, Any], app: App) -> Middleware:
    """The X-Powered-By middleware; ``config`` may hold ``poweredBy`` (the value)."""
    for key in config:
        if key != "poweredBy":
            raise ValueError(f"{NAME}: option {key!r} is unknown (known: poweredBy)")
    value = config.get("poweredBy", DEFAULT)
    if not isinstance(value, str) or "\n" in value or "\r" in value:
        raise ValueError(f"{NAME}: option 'poweredBy' must be a one-line string, not {value!r}")
    prepared = prepare_headers([(HEADER, value)])

    def put(ctx: Context) -> None:
        ctx.set_prepared(prepared)

    def powered_by(ctx: Context) -> Any:
        try:
            yield
        except Exception as exc:
            if strapi_response(exc) is not None:
                put(ctx)
            raise
        put(ctx)

    return powered_by
