"""Turning ``ctx.status``, ``ctx.body`` and the headers into a WSGI response.

Koa's rules, which Strapi developers rely on:

* dict, list or any other JSON value -> ``application/json; charset=utf-8``;
* str -> ``text/plain`` (``text/html`` when it starts with ``<``), UTF-8;
* bytes -> ``application/octet-stream``;
* a file object or an iterator -> streamed (``wsgi.file_wrapper`` for files);
* a Werkzeug ``Response`` -> sent as it is, with the headers set on ``ctx`` added;
* no body: the status set, empty; nothing set at all -> 404.

A Content-Type set by the app is kept. HEAD responses keep their headers
(Content-Length included) and drop the body; 204, 205 and 304 carry none.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException as WerkzeugHTTPException
from werkzeug.wrappers import Response
from werkzeug.wsgi import ClosingIterator, FileWrapper

from ..errors import HttpError, NotFoundError, error_body, error_for_status
from .jsoncodec import SURROGATE, dumpb
from .status import EMPTY_BODY, STATUS_LINES

if TYPE_CHECKING:
    from .context import Context

__all__ = ["finish", "render_error", "to_http_error", "encoded_body", "JSON_TYPE"]

JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
BINARY_TYPE = "application/octet-stream"

StartResponse = Callable[..., Any]


def render_error(ctx: Context, error: HttpError) -> None:
    """Make ``error`` the response: its status, its headers, Strapi's error body.

    What the app had put in the body, its type and length, are dropped;
    other headers it set (CORS, security) stay.
    """
    ctx.remove("Content-Type")
    ctx.remove("Content-Length")
    if ctx._response is not None:
        ctx._response.response = []
    for name, value in error.headers.items():
        ctx.set(name, value)
    ctx._status = error.status
    ctx._body = error_body(error)


def encoded_body(ctx: Context) -> tuple[bytes, str] | None:
    """``ctx.body`` as the bytes and Content-Type ``finish`` would send, for a body held in memory
    (JSON value, str, bytes); None for no body, a file, an iterator or a Response (streamed or sent
    as they are). For middlewares that rework the bytes (compression)."""
    body = ctx._body
    if body is None or isinstance(body, Response) or hasattr(body, "read") or hasattr(body, "__next__"):
        return None
    ctype = ctx.response_header("Content-Type")
    if isinstance(body, str):
        return _utf8(body), ctype or (HTML_TYPE if body.lstrip()[:1] == "<" else TEXT_TYPE)
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body), ctype or BINARY_TYPE
    return dumpb(body), ctype or JSON_TYPE


def to_http_error(exc: BaseException) -> HttpError | None:
    """The HttpError equivalent of ``exc``: itself, or a Werkzeug HTTP exception converted.

    None for anything else: an unexpected error, answered with a generic 500.
    """
    if isinstance(exc, HttpError):
        return exc
    if isinstance(exc, WerkzeugHTTPException) and exc.code is not None:
        headers: dict[str, str] = {}
        valid_methods = getattr(exc, "valid_methods", None)
        if exc.code == 405 and valid_methods:
            headers["Allow"] = ", ".join(valid_methods)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        challenges = getattr(exc, "www_authenticate", None)
        if exc.code == 401 and challenges:
            headers["WWW-Authenticate"] = ", ".join(str(w) for w in challenges)
        # A description passed to abort() is the developer's message; the class
        # default is Werkzeug's HTML-page prose, so the status phrase is used instead.
        described = exc.description if exc.description != type(exc).description else None
        return error_for_status(exc.code, described, headers=headers)
    return None


def finish(ctx: Context, start_response: StartResponse) -> Iterable[bytes]:
    """Send ``ctx``'s response through ``start_response`` and return the body iterable.

    When the request was read through Werkzeug, its uploaded files are closed
    once the server has sent the body (which may stream one of them).
    """
    body = ctx._body
    kind = type(body)
    if (kind is dict or kind is list) and ctx._response is None and ctx._request is None:
        # The common case: JSON, and headers (if any) that are single values and
        # leave Content-Type and Content-Length to us.
        headers = ctx._headers
        status = ctx._status or 200
        if status not in EMPTY_BODY and (headers is None or (
                not ctx._multi and "content-type" not in headers and "content-length" not in headers)):
            data = dumpb(body)
            out = [] if headers is None else list(headers.values())
            out.append(("Content-Type", JSON_TYPE))
            out.append(("Content-Length", str(len(data))))
            start_response(STATUS_LINES[status], out)
            return [] if ctx.method == "HEAD" else [data]
    elif kind is bytes and ctx._response is None and not ctx._multi and ctx._request is None:
        # Bytes the app encoded itself (the REST layer's JSON, sent with its ETag).
        headers = ctx._headers
        status = ctx._status or 200
        if status not in EMPTY_BODY and headers and "content-type" in headers and "content-length" not in headers:
            out = list(headers.values())
            out.append(("Content-Length", str(len(body))))
            start_response(STATUS_LINES[status], out)
            return [] if ctx.method == "HEAD" else [body]
    sent = _finish(ctx, start_response)
    if ctx._request is not None:
        return ClosingIterator(sent, ctx._request.close)
    return sent


def _finish(ctx: Context, start_response: StartResponse) -> Iterable[bytes]:
    environ = ctx.environ
    body = ctx._body
    if isinstance(body, Response):
        for name, value in ctx.response_headers():
            if name not in body.headers:
                body.headers.add(name, value)
        return body(environ, start_response)

    resp = ctx._response
    if body is None and resp is not None and resp.response:
        # The app wrote the body into ctx.response itself.
        if ctx._status is not None:
            resp.status_code = ctx._status
        return resp(environ, start_response)

    status = ctx.status
    if body is None and ctx._status is None and status == 404:
        body = error_body(NotFoundError())
        ctx.remove("Content-Type")

    ctype = ctx.response_header("Content-Type")
    data: bytes | None = None
    stream: Iterable[bytes] | None = None
    length: int | None = None
    if body is None:
        data = b""
    elif isinstance(body, str):
        data = _utf8(body)
        if ctype is None:
            ctype = HTML_TYPE if body.lstrip()[:1] == "<" else TEXT_TYPE
    elif isinstance(body, (bytes, bytearray, memoryview)):
        data = bytes(body)
        ctype = ctype or BINARY_TYPE
    elif hasattr(body, "read"):
        length = _file_length(body)
        wrapper = environ.get("wsgi.file_wrapper", FileWrapper)
        stream = wrapper(body, 8192)
        ctype = ctype or BINARY_TYPE
    elif hasattr(body, "__next__"):
        stream = _encode_chunks(body)
        ctype = ctype or BINARY_TYPE
    else:
        data = dumpb(body)
        ctype = ctype or JSON_TYPE

    if data is not None:
        length = len(data)
    empty = status in EMPTY_BODY
    if empty or ctx.method == "HEAD":
        if stream is not None:
            _close(stream)
            _close(body)
            stream = None
        data = b""
    headers = [(n, v) for n, v in ctx.response_headers()
               if n.lower() not in ("content-type", "content-length")]
    if not empty:
        if ctype is not None:
            headers.append(("Content-Type", ctype))
        if length is not None:
            headers.append(("Content-Length", str(length)))
    start_response(STATUS_LINES[status], headers)
    if stream is not None:
        return stream
    return [data] if data else []


def _utf8(text: str) -> bytes:
    """``text`` as UTF-8; a lone surrogate (no UTF-8 form) is sent as U+FFFD, as Node writes it."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE.sub("\ufffd", text).encode("utf-8")


def _file_length(fileobj: Any) -> int | None:
    try:
        size = os.fstat(fileobj.fileno()).st_size
        return size - fileobj.tell()
    except (AttributeError, OSError, ValueError):
        return None


def _encode_chunks(chunks: Iterable[Any]) -> Iterator[bytes]:
    try:
        for chunk in chunks:
            yield _utf8(chunk) if isinstance(chunk, str) else bytes(chunk)
    finally:
        _close(chunks)


def _close(obj: Any) -> None:
    close = getattr(obj, "close", None)
    if close is not None:
        close()
