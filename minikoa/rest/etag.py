"""The weak ETag of the core GET routes, and 304 for a matching ``If-None-Match``."""

from __future__ import annotations

import zlib
from typing import Any

from ..http.context import Context, prepare_headers
from ..http.jsoncodec import dumpb

__all__ = ["etag"]


def etag(ctx: Context) -> Any:
    """Route middleware of the core GET routes: a weak ETag, and 304 for a matching ``If-None-Match``.

    It runs after the action (and any subclass extending it) has built the
    body, so the tag covers exactly the bytes sent; those bytes are then sent
    as they are, without encoding the JSON twice.
    """
    yield
    body = ctx.body
    if not isinstance(body, (dict, list)) or ctx.status != 200:
        return
    data = dumpb(body)
    # A weak validator need not be cryptographic: two checksums and the length
    # tell versions apart at a fraction of a hash's cost.
    tag = f'W/"{len(data):x}-{zlib.crc32(data):08x}{zlib.adler32(data):08x}"'
    ctx.set("ETag", tag)
    wanted = ctx.environ.get("HTTP_IF_NONE_MATCH")
    if wanted and (wanted.strip() == "*" or tag in [t.strip() for t in wanted.split(",")]):
        ctx.body = None
        ctx.status = 304
        return
    ctx.set_prepared(_JSON_TYPE)
    ctx.body = data


_JSON_TYPE = prepare_headers([("Content-Type", "application/json; charset=utf-8")])
