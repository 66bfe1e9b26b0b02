"""``minikoa::favicon``: answers ``/favicon.ico`` from a file in the project (koa-favicon).

The icon is read once, when the app starts, and kept in memory with its
headers, so a request for it costs a path comparison and a header set.
Browsers ask for ``/favicon.ico`` on every page; answering it here keeps those
requests away from the router and the logs of real 404s.

Strapi's options: ``path`` (``favicon.png`` under the project root; when that
default is missing, ``favicon.ico`` is tried) and ``maxAge`` in milliseconds
(``Cache-Control: public, max-age=<seconds>``, capped at one year as
koa-favicon does). When there is no icon the factory returns None: no layer,
and ``/favicon.ico`` is an ordinary 404 (Strapi answers a 500 there, a bug not
copied).
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.http import generate_etag, parse_etags, quote_etag

from ..http.context import Context
from ..http.onion import Middleware
from ..http.status import phrase

if TYPE_CHECKING:
    from ..app import App

__all__ = ["middleware"]

log = logging.getLogger("minikoa.favicon")

NAME = "minikoa::favicon"
DEFAULT_PATH = "favicon.png"
_DEFAULTS: dict[str, Any] = {"path": DEFAULT_PATH, "maxAge": 86_400_000}
_ONE_YEAR_MS = 365 * 24 * 3600 * 1000
_ALLOW = "GET, HEAD, OPTIONS"
# mimetypes says image/vnd.microsoft.icon; browsers and koa-favicon use image/x-icon.
_TYPES = {".ico": "image/x-icon", ".png": "image/png", ".svg": "image/svg+xml"}


def _options(config: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(config) - set(_DEFAULTS))
    if unknown:
        raise ValueError(f"{NAME}: option {unknown[0]!r} is unknown (known: path, maxAge)")
    opts = {**_DEFAULTS, **config}
    if not isinstance(opts["path"], str) or not opts["path"]:
        raise ValueError(f"{NAME}: option 'path' must be a non-empty string")
    age = opts["maxAge"]
    if isinstance(age, bool) or not isinstance(age, (int, float)) or age < 0:
        raise ValueError(f"{NAME}: option 'maxAge' must be a number of milliseconds >= 0")
    return opts


def _locate(path: str, root: Path | None) -> Path | None:
    """The icon file: ``path`` under ``root`` (or absolute); favicon.ico for a missing default."""
    if Path(path).is_absolute():
        candidates = [Path(path)]
    elif root is None:
        return None
    else:
        candidates = [root / path]
        if path == DEFAULT_PATH:
            candidates.append(root / "favicon.ico")
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


def middleware(config: dict[str, Any], app: App) -> Middleware | None:
    """The favicon middleware, or None when the project has no icon file."""
    opts = _options(config)
    file = _locate(opts["path"], app.root)
    if file is None:
        return None
    try:
        data = file.read_bytes()
    except OSError as exc:
        log.warning("%s: cannot read %s (%s); /favicon.ico will be a 404", NAME, file, exc)
        return None
    tag = generate_etag(data)
    etag = quote_etag(tag)
    cache_control = f"public, max-age={int(min(opts['maxAge'], _ONE_YEAR_MS)) // 1000}"
    suffix = file.suffix.lower()
    ctype = _TYPES.get(suffix) or mimetypes.guess_type(file.name)[0] or "image/x-icon"

    def favicon(ctx: Context) -> Any:
        if ctx.raw_path != "/favicon.ico":
            yield
            return
        # From here the chain ends: koa-favicon answers /favicon.ico itself.
        method = ctx.method
        if method != "GET" and method != "HEAD":
            ctx.set("Allow", _ALLOW)
            ctx.status = 200 if method == "OPTIONS" else 405
            ctx.body = phrase(ctx.status)  # Koa's text body for a status set without one
            return
        ctx.set("Cache-Control", cache_control)
        ctx.set("ETag", etag)
        inm = ctx.environ.get("HTTP_IF_NONE_MATCH")
        if inm and parse_etags(inm).contains_weak(tag):
            ctx.status = 304
            return
        ctx.set("Content-Type", ctype)
        ctx.body = data

    favicon.name = NAME  # type: ignore[attr-defined]
    return favicon
