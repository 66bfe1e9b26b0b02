"""``minikoa::public``: static files from the project's ``public/`` folder (koa-static).

Only GET and HEAD are served. With ``defer`` (the default, as Strapi
configures koa-static) a file is served only when the router matched no
route: the middleware waits for the NotFoundError coming back up the onion,
so API routes always win and a request for an API path costs nothing here.
With ``defer: False`` an existing file is served before routing.

Responses carry ``Content-Type`` (from ``mimetypes``), ``Content-Length``,
``Last-Modified``, a strong ``ETag`` made of size and mtime (as nginx does),
``Cache-Control: max-age=<maxAge/1000>`` and ``Accept-Ranges: bytes``.
``If-None-Match``/``If-Modified-Since`` give 304; one ``Range`` gives 206
(honouring ``If-Range``), an unsatisfiable one 416, several the whole file.
Files are streamed, never read whole.

The request path is checked segment by segment before it touches the file
system: ``..``, ``.``, encoded slashes, backslashes and NUL bytes are refused,
dotfiles too unless ``hidden``; the real path (symlinks resolved) must lie in
the real folder. Every refusal is a plain 404, the same as a missing file.
"""

from __future__ import annotations

import functools
import mimetypes
import os
import stat
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, cast
from urllib.parse import unquote

from werkzeug.datastructures import Range
from werkzeug.http import http_date, is_resource_modified, parse_if_range_header, parse_range_header
from werkzeug.utils import safe_join
from werkzeug.wrappers import Response
from werkzeug.wsgi import wrap_file

from ..errors import HttpError, NotFoundError
from ..http.context import Context
from ..http.onion import Middleware

if TYPE_CHECKING:
    from ..app import App

__all__ = ["middleware", "StaticFiles"]

NAME = "minikoa::public"
_DEFAULTS: dict[str, Any] = {"dir": "public", "maxAge": 60_000, "defer": True, "index": "index.html",
                             "hidden": False}
_ENCODING_TYPES = {"gzip": "application/gzip", "bzip2": "application/x-bzip2", "xz": "application/x-xz",
                   "br": "application/x-brotli", "compress": "application/x-compress"}
_CHARSET_TYPES = frozenset({"application/json", "application/javascript", "application/xml",
                            "image/svg+xml", "application/manifest+json"})


def _options(config: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(config) - set(_DEFAULTS))
    if unknown:
        raise ValueError(f"{NAME}: option {unknown[0]!r} is unknown (known: {', '.join(_DEFAULTS)})")
    opts = {**_DEFAULTS, **config}
    if not isinstance(opts["dir"], (str, os.PathLike)) or not str(opts["dir"]):
        raise ValueError(f"{NAME}: option 'dir' must be a folder path")
    age = opts["maxAge"]
    if isinstance(age, bool) or not isinstance(age, (int, float)) or age < 0:
        raise ValueError(f"{NAME}: option 'maxAge' must be a number of milliseconds >= 0")
    for name in ("defer", "hidden"):
        if not isinstance(opts[name], bool):
            raise ValueError(f"{NAME}: option {name!r} must be True or False")
    index = opts["index"]
    if index in (False, None):
        opts["index"] = None
    elif not isinstance(index, str) or not index or "/" in index or "\\" in index or index in (".", ".."):
        raise ValueError(f"{NAME}: option 'index' must be a file name or False")
    return opts


@functools.lru_cache(maxsize=256)
def _content_type(suffix: str) -> str:
    ctype, encoding = mimetypes.guess_type("f" + suffix)
    if ctype is None:
        ctype = _ENCODING_TYPES.get(encoding or "", "application/octet-stream")
    if ctype.startswith("text/") or ctype in _CHARSET_TYPES:
        ctype += "; charset=utf-8"
    return ctype


class _Slice:
    """``length`` bytes of an open file from its current position: a Range body read lazily."""

    def __init__(self, file: Any, length: int) -> None:
        self._file = file
        self._left = length

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        if size < 0 or size > self._left:
            size = self._left
        data = self._file.read(size)
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()


def _path_max(folder: str) -> int:
    """The longest path the file system takes (``PATH_MAX``, in bytes; so never fewer characters)."""
    try:
        return os.pathconf(folder, "PC_PATH_MAX")
    except (OSError, ValueError, AttributeError):  # AttributeError: no pathconf (Windows)
        return 4096


class StaticFiles:
    """The files of one folder, found from a request path and served as koa-static serves them.

    ``find(raw_path)`` checks the path (see the module docstring) and answers the real path and its
    stat, or None; ``serve(ctx, real, st)`` answers with the file (304, 206 and 416 included). Used by
    this middleware and by routes that serve a folder of their own (the upload plugin's ``/uploads``).
    """

    __slots__ = ("root", "_inside", "hidden", "index", "path_max", "cache_control")

    def __init__(self, folder: str | os.PathLike[str], *, max_age_ms: float = 0, index: str | None = None,
                 hidden: bool = False) -> None:
        self.root = os.path.realpath(folder)
        self._inside = self.root.rstrip(os.sep) + os.sep
        self.hidden = hidden
        self.index = index
        self.path_max = _path_max(self.root)
        self.cache_control = f"max-age={int(max_age_ms) // 1000}"

    def _real_file(self, path: str) -> tuple[str, os.stat_result] | None:
        real = os.path.realpath(path)
        if not real.startswith(self._inside):  # a symlink out of the folder, or the folder itself
            return None
        try:
            return real, os.stat(real)
        except (OSError, ValueError):
            return None

    def find(self, raw_path: str) -> tuple[str, os.stat_result] | None:
        """The file ``raw_path`` (percent-encoded, as sent, relative to the folder) names, or None."""
        parts: list[str] = []
        length = 0
        hidden, index = self.hidden, self.index
        for part in raw_path.split("/"):
            if not part:
                continue
            if "%" in part:
                try:
                    part = unquote(part, errors="strict")
                except UnicodeDecodeError:
                    return None
            if (part in (".", "..") or "/" in part or "\\" in part or "\0" in part
                    or (part[0] == "." and not hidden)):
                return None
            # A path longer than the system allows names no file. Stopping here also keeps
            # joining and resolving it cheap: both take time quadratic in the number of segments.
            length += len(part) + 1
            if length > self.path_max:
                return None
            parts.append(part)
        path = safe_join(self.root, *parts)
        if path is None:
            return None
        found = self._real_file(path) if parts else None
        if raw_path.endswith("/") or found is None or stat.S_ISDIR(found[1].st_mode):
            # A folder (or a path ending in "/"): its index file, if any.
            if index is None or (parts and found is None):
                return None
            found = self._real_file(os.path.join(path, index))
        if found is None or not stat.S_ISREG(found[1].st_mode):
            return None
        return found

    def serve(self, ctx: Context, real: str, st: os.stat_result) -> bool:
        """Answer with the file; False when it cannot be opened after all."""
        environ = ctx.environ
        size = st.st_size
        etag = f'"{size:x}-{st.st_mtime_ns:x}"'
        modified = datetime.fromtimestamp(int(st.st_mtime), timezone.utc)
        validators = {"ETag": etag, "Last-Modified": http_date(modified), "Cache-Control": self.cache_control}
        if ("HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ) and \
                not is_resource_modified(environ, etag=etag, last_modified=modified):
            ctx.set(validators)
            ctx.status = 304
            return True
        span = _range(environ, size, etag, modified)
        if span is False:
            raise HttpError(416, headers={**validators, "Content-Range": f"bytes */{size}"})
        head = ctx.method == "HEAD"
        try:
            file = None if head and span else open(real, "rb")  # noqa: SIM115 - closed by the server
        except OSError:
            return False
        ctx.set(validators)
        ctx.set("Accept-Ranges", "bytes")
        ctype = _content_type(os.path.splitext(real)[1].lower())
        if span is None:
            ctx.status = 200
            ctx.set("Content-Type", ctype)
            ctx.body = file
            return True
        start, stop = span
        headers = {"Content-Type": ctype, "Content-Length": str(stop - start),
                   "Content-Range": f"bytes {start}-{stop - 1}/{size}"}
        if file is None:
            body: Any = []
        else:
            file.seek(start)
            body = wrap_file(environ, cast(IO[bytes], _Slice(file, stop - start)))
        # A Response body keeps our Content-Length (a plain file body would get the whole size).
        ctx.status = 206
        ctx.body = Response(body, status=206, headers=headers, direct_passthrough=True)
        return True


def middleware(config: dict[str, Any], app: App) -> Middleware | None:
    """The static-files middleware, or None when there is no folder to serve."""
    opts = _options(config)
    folder = Path(opts["dir"])
    if not folder.is_absolute():
        if app.root is None:
            return None
        folder = app.root / folder
    if not folder.is_dir():
        return None
    files = StaticFiles(folder, max_age_ms=opts["maxAge"], index=opts["index"], hidden=opts["hidden"])
    find, serve, defer = files.find, files.serve, opts["defer"]

    def public(ctx: Context) -> Any:
        if ctx.method != "GET" and ctx.method != "HEAD":
            yield
            return
        if not defer:
            found = find(ctx.raw_path)
            if found is not None and serve(ctx, *found):
                return
            yield
            return
        try:
            yield
        except NotFoundError:
            if ctx.route is not None:  # a route answered 404 itself
                raise
            found = find(ctx.raw_path)
            if found is None or not serve(ctx, *found):
                raise

    public.name = NAME  # type: ignore[attr-defined]
    return public


def _range(environ: dict[str, Any], size: int, etag: str,
           modified: datetime) -> tuple[int, int] | None | Literal[False]:
    """``(start, stop)`` for a single satisfiable Range, None for the whole file, False for 416."""
    header = environ.get("HTTP_RANGE")
    if not header:
        return None
    if_range = environ.get("HTTP_IF_RANGE")
    if if_range:
        # If-Range needs a strong match; failing it means "send everything".
        parsed = parse_if_range_header(if_range)
        if parsed.date is not None:
            if parsed.date != modified:
                return None
        elif if_range.strip().startswith("W/") or f'"{parsed.etag}"' != etag:
            return None
    rng: Range | None = parse_range_header(header)
    if rng is None or rng.units != "bytes" or len(rng.ranges) != 1:
        return None  # malformed, another unit or several ranges: the whole file
    start, stop = rng.ranges[0]
    if stop is None:
        stop = size
        if start < 0:  # "bytes=-N": the last N bytes (all of them when N > size)
            start = max(size + start, 0)
    stop = min(stop, size)
    if start >= stop:
        return False
    return start, stop
