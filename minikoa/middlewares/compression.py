"""``minikoa::compression``: gzip, brotli or deflate response bodies (Strapi's ``strapi::compression``).

Strapi hands its config to koa-compress; these are its options:

* ``threshold`` (1024): bodies smaller than this many bytes (a number or
  ``"1kb"``) are sent as they are, since compressing them gains little.
* ``br``, ``gzip``, ``deflate``: ``False`` turns that encoding off; ``True``
  or ``{}`` keeps the defaults; ``{"quality": 0..11}`` (brotli, 4 by default,
  koa-compress's choice) or ``{"level": 0..9}`` (gzip and deflate, 6) sets
  the effort. When the client accepts several equally, brotli is preferred,
  then gzip, then deflate.
* ``filter``: a function of the Content-Type deciding what is worth
  compressing; by default text, JSON, JavaScript, XML and SVG.
* ``defaultEncoding`` (``"identity"``): what to assume when a request has no
  ``Accept-Encoding`` at all.

The client chooses with ``Accept-Encoding`` and its q-values: ``gzip;q=0``
refuses gzip, ``*`` stands for every coding not named, and ``identity;q=0``
(or ``*;q=0`` without identity) forbids the uncompressed form, so a body
under the threshold is then compressed anyway when some coding is allowed.

A compressed response has ``Content-Encoding``, a ``Content-Length`` for
the compressed bytes, and its strong ``ETag`` made weak (the bytes differ
from the identity form; a weak ETag, like the REST layer's, stays as is).
Every response of a compressible type gets ``Vary: Accept-Encoding``
whether or not this one was compressed, so caches keep the forms apart.

Left as they are: HEAD requests, 204/205/304 and 206 (a byte range of the
identity form), responses already carrying ``Content-Encoding`` or
``Cache-Control: no-transform``, and bodies that are not held in memory (a
file, an iterator, a Werkzeug ``Response``): compressing those would mean
reading a stream of unknown size into memory. Error responses are made by
the errors layer after the whole chain, so they are sent uncompressed;
they are small.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import brotli

from ..http.context import Context
from ..http.onion import Middleware
from ..http.response import encoded_body
from ..http.status import EMPTY_BODY
from .options import check_options, closest, parse_size

if TYPE_CHECKING:
    from ..app import App

__all__ = ["middleware", "negotiate", "compressible"]

NAME = "minikoa::compression"
#: Preference order when the client accepts several codings equally (koa-compress's).
PREFERENCE = ("br", "gzip", "deflate")
_KNOWN = ("threshold", "br", "gzip", "deflate", "filter", "defaultEncoding")
#: option -> (its effort setting, lowest, highest, default)
_EFFORT = {"br": ("quality", 0, 11, 4), "gzip": ("level", 0, 9, 6), "deflate": ("level", 0, 9, 6)}
_TEXTUAL_APPLICATIONS = frozenset({
    "application/json", "application/javascript", "application/x-javascript", "application/ecmascript",
    "application/xml", "application/xhtml+xml", "application/rss+xml", "application/atom+xml",
    "application/graphql", "application/x-www-form-urlencoded", "application/wasm", "image/svg+xml",
    "image/x-icon", "image/bmp", "font/ttf", "font/otf", "application/vnd.api+json",
})

Encoder = Callable[[bytes], bytes]


def compressible(content_type: str) -> bool:
    """Whether a body of ``content_type`` is worth compressing: text, JSON, JavaScript, XML, SVG and
    the like (not images, archives or anything already compressed)."""
    mime = content_type.partition(";")[0].strip().lower()
    return (mime.startswith("text/") or mime in _TEXTUAL_APPLICATIONS
            or mime.endswith("+json") or mime.endswith("+xml"))


def _parse(header: str) -> dict[str, float]:
    """``Accept-Encoding`` as coding -> q (0 to 1; a q that is not a number counts as 0)."""
    accepted: dict[str, float] = {}
    for item in header.split(","):
        name, _, params = item.partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                q = 0.0 if math.isnan(q) else min(max(q, 0.0), 1.0)
        if name == "x-gzip":  # the old name, still sent by some clients
            name = "gzip"
        accepted.setdefault(name, q)
    return accepted


def negotiate(header: str, offered: tuple[str, ...]) -> tuple[str | None, bool]:
    """``(coding, identity_ok)`` for an ``Accept-Encoding`` value: the offered coding the client
    prefers (None: none acceptable), and whether it takes the body uncompressed."""
    accepted = _parse(header)
    star = accepted.get("*")
    best, best_q = None, 0.0
    for coding in offered:  # in preference order: a tie keeps the earlier one
        q = accepted.get(coding, star if star is not None else 0.0)
        if q > best_q:
            best, best_q = coding, q
    identity = accepted.get("identity", star if star is not None else 1.0)
    return best, identity > 0


def _encoders(options: dict[str, Any]) -> dict[str, Encoder]:
    """The enabled codings, each a function of the bytes, in preference order."""
    encoders: dict[str, Encoder] = {}
    for coding in PREFERENCE:
        value = options.get(coding, True)
        if value is False:
            continue
        setting, low, high, effort = _EFFORT[coding]
        if value is not True:
            if not isinstance(value, dict):
                raise ValueError(f"{NAME}: option {coding!r} must be False, True or a dict like "
                                 f"{{{setting!r}: {effort}}}, not {value!r}")
            for key in value:
                if key != setting:
                    raise ValueError(f"{NAME}: option {coding!r} has no setting {key!r}{closest(str(key), [setting])}")
            effort = value.get(setting, effort)
            if isinstance(effort, bool) or not isinstance(effort, int) or not low <= effort <= high:
                raise ValueError(f"{NAME}: option {coding}.{setting} must be a whole number from {low} to {high}, "
                                 f"not {effort!r}")
        encoders[coding] = _encoder(coding, effort)
    return encoders


def _encoder(coding: str, effort: int) -> Encoder:
    if coding == "br":
        return lambda data: brotli.compress(data, quality=effort)
    wbits = 31 if coding == "gzip" else 15  # 31: the gzip wrapper; 15: zlib's, which HTTP calls deflate

    def encode(data: bytes) -> bytes:
        compressor = zlib.compressobj(effort, zlib.DEFLATED, wbits)
        return compressor.compress(data) + compressor.flush()

    return encode


def _add_vary(ctx: Context) -> None:
    vary = ctx.response_header("Vary")
    if vary is None:
        ctx.set("Vary", "Accept-Encoding")
    elif not {v.strip().lower() for v in vary.split(",")} & {"accept-encoding", "*"}:
        ctx.set("Vary", f"{vary}, Accept-Encoding")


def middleware(config: dict[str, Any], app: App) -> Middleware | None:
    """The compression middleware for ``config``; None (no layer) when every coding is turned off."""
    options = check_options("compression", config, _KNOWN)
    threshold = parse_size("compression", "threshold", options.get("threshold", 1024))
    encoders = _encoders(options)
    worth: Callable[[str], Any] = options.get("filter", compressible)
    if not callable(worth):
        raise ValueError(f"{NAME}: option 'filter' must be a function of the Content-Type, not {worth!r}")
    default = options.get("defaultEncoding", "identity")
    if not isinstance(default, str):
        raise ValueError(f"{NAME}: option 'defaultEncoding' must be a coding name like 'identity', not {default!r}")
    if not encoders:
        return None
    offered = tuple(encoders)

    def compression(ctx: Context) -> Any:
        yield
        status = ctx.status
        if ctx.method == "HEAD" or status in EMPTY_BODY or status == 206:
            return
        if ctx.response_header("Content-Encoding") is not None:
            return
        if "no-transform" in (ctx.response_header("Cache-Control") or "").lower():
            return
        encoded = encoded_body(ctx)
        if encoded is None:
            return
        data, ctype = encoded
        if not worth(ctype):
            return
        _add_vary(ctx)
        coding, identity_ok = negotiate(ctx.environ.get("HTTP_ACCEPT_ENCODING", default), offered)
        if coding is None or (identity_ok and len(data) < threshold):
            return
        ctx.body = encoders[coding](data)
        ctx.remove("Content-Length")
        ctx.set("Content-Type", ctype)
        ctx.set("Content-Encoding", coding)
        etag = ctx.response_header("ETag")
        if etag is not None and not etag.startswith("W/"):
            ctx.set("ETag", "W/" + etag)

    return compression
