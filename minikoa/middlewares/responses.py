"""``minikoa::responses``: custom handling of responses by status (Strapi's ``strapi::responses``).

```python
# config/middlewares.py
def not_found(ctx):
    ctx.body = {"data": None, "error": {"status": 404, "name": "NotFoundError", "message": "Nothing here"}}

config = [..., {"name": "strapi::responses", "config": {"handlers": {404: not_found}}}, ...]
```

After the rest of the chain, the handler for ``ctx.status`` (if any) is
called with ``ctx`` and may change anything about the response. Strapi
calls it after ``await next()``, so it sees the responses that reach it:
every normal one, and of minikoa's raised errors those Strapi answers as
responses (an unknown route's 404 and 405, ``ctx.notFound()``, route auth's
401 and 403; ``unthrown`` has the rule). Such an error is first made the
response, in Strapi's error shape, then handed to the handler; an error
with no handler, or one Strapi throws (400, a policy's 403, 500), passes on.

Keys are status codes, as numbers or as the strings a JSON-minded config
writes (``"404"``); each value is a function of ``ctx``. Anything else is
an error at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..http.context import Context
from ..http.onion import Middleware
from ..http.response import render_error
from .options import check_options
from .unthrown import strapi_response

if TYPE_CHECKING:
    from ..app import App

__all__ = ["middleware"]

NAME = "minikoa::responses"


def _handlers(value: Any) -> dict[int, Callable[[Context], Any]]:
    """The ``handlers`` option checked: status code -> function of ctx."""
    if not isinstance(value, Mapping):
        raise ValueError(f"{NAME}: option 'handlers' must be a dict of status code -> function of ctx, "
                         f"not {type(value).__name__}")
    handlers: dict[int, Callable[[Context], Any]] = {}
    for key, handler in value.items():
        status = int(key) if isinstance(key, str) and key.isdigit() else key
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise ValueError(f"{NAME}: option 'handlers' has key {key!r}, which is not a status code (100 to 599)")
        if not callable(handler):
            raise ValueError(f"{NAME}: option 'handlers' gives status {status} {handler!r}, not a function of ctx")
        handlers[status] = handler
    return handlers


def middleware(config: dict[str, Any], app: App) -> Middleware | None:
    """The responses middleware for ``config`` (``handlers``); None when it has no handler (no layer)."""
    options = check_options("responses", config, ("handlers",))
    handlers = _handlers(options.get("handlers", {}))
    if not handlers:
        return None

    def responses(ctx: Context) -> Any:
        try:
            yield
        except Exception as exc:
            error = strapi_response(exc)
            handler = handlers.get(error.status) if error is not None else None
            if error is None or handler is None:
                raise
            render_error(ctx, error)  # the response Strapi would have had here
            handler(ctx)
            return
        handler = handlers.get(ctx.status)
        if handler is not None:
            handler(ctx)

    return responses
