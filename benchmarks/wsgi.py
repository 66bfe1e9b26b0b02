"""Calling WSGI apps the way a server does, without a network.

Every request gets a fresh environ copied from a template that looks like
what gunicorn's sync worker builds (the CGI keys, the request headers, the
``wsgi.*`` keys, ``RAW_URI``), a fresh ``wsgi.input`` stream, and the body
iterable is consumed and closed as PEP 3333 requires. This work is the same
for every peer, so it shifts all columns by the same amount; the framework
table reports its size in a footnote (the "empty app" cost).
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .harness import Loop

__all__ = ["WSGIApp", "Reply", "make_environ", "call", "request_loop", "check_json_reply"]

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _FileWrapper:
    """A minimal ``wsgi.file_wrapper`` (servers provide one; no peer uses it here)."""

    def __init__(self, filelike: Any, blksize: int = 8192) -> None:
        self.filelike = filelike
        self.blksize = blksize

    def __iter__(self) -> Any:
        return iter(lambda: self.filelike.read(self.blksize), b"")

    def close(self) -> None:
        close = getattr(self.filelike, "close", None)
        if close is not None:
            close()


_EMPTY_INPUT = io.BytesIO(b"")


def make_environ(method: str, path: str, body: bytes | None = None,
                 content_type: str = "application/json") -> dict[str, Any]:
    """An environ template for ``method path`` (query string after ``?``), gunicorn style."""
    path_info, _, query = path.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "RAW_URI": path,
        "SERVER_SOFTWARE": "gunicorn/23.0.0",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "51234",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "minikoa-bench/1.0",
        "HTTP_ACCEPT": "application/json",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate",
        "HTTP_CONNECTION": "keep-alive",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": _EMPTY_INPUT,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.file_wrapper": _FileWrapper,
        "wsgi.input_terminated": True,
    }
    if body is not None:
        environ["CONTENT_TYPE"] = content_type
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


@dataclass
class Reply:
    """What an app answered: status line, headers and the joined body."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None


def call(app: WSGIApp, template: dict[str, Any], body: bytes | None = None) -> Reply:
    """One request, recording what the app sends (used to verify before timing)."""
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen["status"], seen["headers"] = status, list(headers)
        return lambda data: None

    environ = dict(template)
    if body is not None:
        environ["wsgi.input"] = io.BytesIO(body)
    result = app(environ, start_response)
    try:
        data = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return Reply(seen.get("status", ""), seen.get("headers", []), data)


def check_json_reply(reply: Reply, expected: Any) -> str | None:
    """``None`` if ``reply`` is a 200 JSON response whose body decodes to ``expected``, else why not."""
    if not reply.status.startswith("200"):
        return f"status {reply.status!r}, body {reply.body[:200]!r}"
    ctype = reply.header("Content-Type") or ""
    if not ctype.startswith("application/json"):
        return f"Content-Type {ctype!r}"
    length = reply.header("Content-Length")
    if length is not None and int(length) != len(reply.body):
        return f"Content-Length {length} for a body of {len(reply.body)} bytes"
    try:
        got = json.loads(reply.body)
    except ValueError:
        return f"body is not JSON: {reply.body[:200]!r}"
    if got != expected:
        return f"body {got!r}, expected {expected!r}"
    return None


def _write(data: bytes) -> None:
    pass


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
    return _write


def request_loop(app: WSGIApp, template: dict[str, Any], body: bytes | None = None) -> Loop:
    """A loop serving ``reps`` identical requests to ``app`` as a WSGI server would."""
    start_response = _start_response
    new_input = io.BytesIO

    if body is None:
        def loop(reps: int) -> None:
            for _ in range(reps):
                result = app(template.copy(), start_response)
                for _chunk in result:
                    pass
                close = getattr(result, "close", None)
                if close is not None:
                    close()
    else:
        def loop(reps: int) -> None:
            for _ in range(reps):
                environ = template.copy()
                environ["wsgi.input"] = new_input(body)
                result = app(environ, start_response)
                for _chunk in result:
                    pass
                close = getattr(result, "close", None)
                if close is not None:
                    close()
    return loop
