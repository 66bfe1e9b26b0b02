"""``plugin::users-permissions.rateLimit``: Strapi's limit on the ``/auth`` routes, shared by every worker.

At most ``max`` requests per ``interval`` from one client address to one
path (10 a minute by default, ``config/plugins.py``'s
``users-permissions.config.ratelimit``), counted in a fixed window that
opens with the first request, as Strapi's koa2-ratelimit counts. Every
answer carries Strapi's headers::

    X-RateLimit-Limit: 10
    X-RateLimit-Remaining: 9
    X-RateLimit-Reset: 1795624662        (when the window closes, in epoch seconds)

and a request past the limit is 429 ``RateLimitError`` "Too many requests,
please try again later.", with ``Retry-After`` (the seconds left in the
window; Strapi sends the whole interval).

The counts live in the database (``up_rate_limits``, one row per address and
path, written under the database's write lock), so every gunicorn worker
and every machine sharing the database shares them; a process's memory
would let each worker grant the limit again. The table stays small: when a
window opens, the windows already closed are deleted.

The address is the peer's (``REMOTE_ADDR``): behind a proxy, every client
shares the proxy's, and the proxy should set the real one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ...db import Column, ColumnType, Database, Index, Table, sync
from ...errors import RateLimitError
from ...http.context import Context
from ...http.onion import Middleware
from .settings import RateLimit

if TYPE_CHECKING:
    from ...app import App

__all__ = ["TABLE", "UID", "RateLimiter", "middleware_factory"]

UID = "plugin::users-permissions.rateLimit"
TABLE = Table("up_rate_limits", (
    Column("key", ColumnType.TEXT, nullable=False),  # "<path>:<address>"
    Column("hits", ColumnType.INTEGER, nullable=False),
    Column("window_end", ColumnType.FLOAT, nullable=False),  # epoch seconds
), (Index("up_rate_limits_key", ("key",), unique=True), Index("up_rate_limits_end", ("window_end",))),
    autoincrement=False)


class RateLimiter:
    """Counts requests per key in the database, in fixed windows of ``limit.interval_ms``."""

    def __init__(self, database: Callable[[], Database], limit: RateLimit) -> None:
        self._database = database
        self.limit = limit

    def setup(self) -> None:
        """Create the table (idempotent; run with the app's other tables)."""
        sync(self._database(), (TABLE,))

    def hit(self, key: str, now: float | None = None) -> tuple[int, float]:
        """Count one request for ``key``: ``(requests in its window, when the window closes)``."""
        now = time.time() if now is None else now
        db = self._database()
        d = db.dialect
        table, p = d.quote(TABLE.name), d.param
        with db.atomic():
            row = db.query(f"SELECT hits, window_end FROM {table} WHERE {d.quote('key')} = {p}", [key])
            if row and row[0][1] > now:
                hits, end = int(row[0][0]) + 1, float(row[0][1])
                db.execute(f"UPDATE {table} SET hits = {p} WHERE {d.quote('key')} = {p}", [hits, key])
                return hits, end
            hits, end = 1, now + self.limit.interval_ms / 1000
            db.execute(f"DELETE FROM {table} WHERE window_end <= {p}", [now])
            db.execute(d.insert(TABLE.name, ("key", "hits", "window_end")), [key, hits, end])
            return hits, end


def _key(ctx: Context) -> str:
    path = ctx.path.lower().rstrip("/") or "/"
    return f"{path}:{ctx.ip}"


def middleware_factory(limiter: RateLimiter | None) -> Callable[[dict[str, Any], App], Middleware | None]:
    """The factory of ``plugin::users-permissions.rateLimit`` (None: limits are off, no layer at all)."""

    def factory(config: dict[str, Any], app: App) -> Middleware | None:
        if config:
            raise ValueError(f"{UID} takes no route config (set users-permissions.config.ratelimit)")
        if limiter is None:
            return None
        most = limiter.limit.max

        def rate_limit(ctx: Context) -> Iterator[None]:
            now = time.time()
            hits, end = limiter.hit(_key(ctx), now)
            ctx.set({"X-RateLimit-Limit": str(most), "X-RateLimit-Remaining": str(max(most - hits, 0)),
                     "X-RateLimit-Reset": str(math.ceil(end))})
            if hits > most:
                raise RateLimitError(headers={"Retry-After": str(max(1, math.ceil(end - now)))})
            yield

        return rate_limit

    return factory
