"""``minikoa::logger``: one access-log line per request through ``logging``.

``GET /api/articles?sort=title (1.25 ms) 200`` on the ``minikoa.access``
logger, at INFO by default (option ``level``), Strapi's line format. The
line is written for every request, errors included: the status of an error
on its way to the errors layer is the one that layer will send.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from ..http.context import Context
from ..http.response import to_http_error
from .options import check_options

if TYPE_CHECKING:
    from ..app import App

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "warn": logging.WARNING,
           "error": logging.ERROR, "http": logging.INFO}


def middleware(config: dict[str, Any], app: App) -> Any:
    options = check_options("logger", config, ("level", "logger"))
    level_name = str(options.get("level", "info")).lower()
    if level_name not in _LEVELS:
        raise ValueError(f"minikoa::logger: level must be one of {', '.join(_LEVELS)}, not {level_name!r}")
    level = _LEVELS[level_name]
    log = logging.getLogger(options.get("logger", "minikoa.access"))
    clock = time.perf_counter

    def logger(ctx: Context) -> Any:
        start = clock()
        try:
            yield
        except BaseException as exc:
            error = to_http_error(exc)
            _write(ctx, 500 if error is None else error.status, start)
            raise
        _write(ctx, ctx.status, start)

    def _write(ctx: Context, status: int, start: float) -> None:
        if log.isEnabledFor(level):
            query = ctx.environ.get("QUERY_STRING")
            url = f"{ctx.raw_path}?{query}" if query else ctx.raw_path
            log.log(level, "%s %s (%.2f ms) %s", ctx.method, url, (clock() - start) * 1000, status)

    return logger
