"""``minikoa::errors``: Strapi's error responses.

The errors layer is the ``try`` around the whole onion in ``App.__call__``,
so it is outermost wherever ``config/middlewares.py`` lists it (Strapi
projects list it; keeping the name keeps those files valid) and costs
nothing per request. This factory only checks that it is given no options.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .options import check_options

if TYPE_CHECKING:
    from ..app import App


def middleware(config: dict[str, Any], app: App) -> None:
    check_options("errors", config, ())
    return None
