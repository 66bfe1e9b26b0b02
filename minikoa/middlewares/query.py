"""``minikoa::query``: how ``ctx.query`` is parsed.

``ctx.query`` parses the query string on first use, with Strapi's ``qs``
options (depth 20, array indexes up to 100, at most 1000 parameters,
``strictNullHandling``). This middleware only changes those options, once,
when the app is built: it adds no per-request work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .options import check_options

if TYPE_CHECKING:
    from ..app import App

_INTS = {"depth": "depth", "arrayLimit": "array_limit", "parameterLimit": "parameter_limit"}


def middleware(config: dict[str, Any], app: App) -> None:
    options = check_options("query", config, (*_INTS, "strictNullHandling"))
    parse_options = dict(app.query_options)
    for key, target in _INTS.items():
        if key in options:
            value = options[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"minikoa::query: {key} must be a non-negative integer, not {value!r}")
            parse_options[target] = value
    if "strictNullHandling" in options:
        if not isinstance(options["strictNullHandling"], bool):
            raise ValueError("minikoa::query: strictNullHandling must be true or false")
        parse_options["strict_null_handling"] = options["strictNullHandling"]
    app.query_options = parse_options
    return None
