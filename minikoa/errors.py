"""Errors that become HTTP responses in Strapi's error shape.

Raise any of these from a middleware, policy, controller or service; the
errors layer (always outermost) turns it into::

    {"data": null, "error": {"status": 404, "name": "NotFoundError",
                             "message": "Not Found", "details": {}}}

The class names and default messages are Strapi's (``@strapi/utils`` errors),
so code ported from Strapi raises the same things and clients see the same JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "HttpError", "ApplicationError", "ValidationError", "PaginationError",
    "UnauthorizedError", "ForbiddenError", "PolicyError", "NotFoundError",
    "MethodNotAllowedError", "PayloadTooLargeError", "UnsupportedMediaTypeError",
    "RateLimitError", "NotImplementedError_", "error_for_status", "error_body",
    "PHRASES", "phrase", "error_name",
]


# -- status phrases -----------------------------------------------------------------

#: Node's reason phrases, which Strapi answers with (``413 Payload Too Large``).
PHRASES: dict[int, str] = {
    100: "Continue", 101: "Switching Protocols", 102: "Processing", 103: "Early Hints",
    200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information",
    204: "No Content", 205: "Reset Content", 206: "Partial Content", 207: "Multi-Status",
    208: "Already Reported", 226: "IM Used",
    300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other",
    304: "Not Modified", 305: "Use Proxy", 307: "Temporary Redirect", 308: "Permanent Redirect",
    400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
    407: "Proxy Authentication Required", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
    411: "Length Required", 412: "Precondition Failed", 413: "Payload Too Large",
    414: "URI Too Long", 415: "Unsupported Media Type", 416: "Range Not Satisfiable",
    417: "Expectation Failed", 418: "I'm a Teapot", 421: "Misdirected Request",
    422: "Unprocessable Entity", 423: "Locked", 424: "Failed Dependency", 425: "Too Early",
    426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests",
    431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
    500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
    506: "Variant Also Negotiates", 507: "Insufficient Storage", 508: "Loop Detected",
    509: "Bandwidth Limit Exceeded", 510: "Not Extended", 511: "Network Authentication Required",
}


def phrase(status: int) -> str:
    """The reason phrase for ``status``, or ``"Unknown"`` for unregistered codes."""
    return PHRASES.get(status, "Unknown")


def error_name(status: int) -> str:
    """The ``http-errors`` name for ``status``: ``404`` -> ``NotFoundError``."""
    text = PHRASES.get(status)
    if text is None:
        return "InternalServerError" if status >= 500 else "BadRequestError"
    ident = "".join(w[:1].upper() + w[1:] for w in text.replace("-", " ").split())
    ident = "".join(c for c in ident if c.isalnum())
    return ident if ident.endswith("Error") else ident + "Error"


class HttpError(Exception):
    """An error with an HTTP status, rendered in Strapi's error shape.

    ``HttpError(status, message=None, details=None)``: the message defaults to
    the status phrase, ``details`` to ``{}``. ``headers`` are added to the
    error response (``Allow``, ``Retry-After``, ...). Messages of 5xx errors are
    not shown to clients unless ``expose=True``: they may hold internals.
    """

    status: int = 500
    #: The ``name`` field of the error body; derived from the status when None.
    error_name: str | None = None
    default_message: str | None = None

    def __init__(
        self,
        status: int | None = None,
        message: str | None = None,
        details: Any = None,
        *,
        headers: dict[str, str] | None = None,
        expose: bool | None = None,
    ) -> None:
        if status is not None:
            self.status = int(status)
        if message is None:
            message = self.default_message or phrase(self.status)
        self.message = message
        self.details = {} if details is None else details
        self.headers = dict(headers) if headers else {}
        self.expose = self.status < 500 if expose is None else expose
        super().__init__(message)

    @property
    def name(self) -> str:
        return self.error_name or error_name(self.status)

    def to_dict(self) -> dict[str, Any]:
        """The ``error`` member of the response body."""
        if not self.expose:
            return {"status": self.status, "name": self.name, "message": phrase(self.status)}
        error = {"status": self.status, "name": self.name, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return error

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.status}, {self.message!r})"


class _Named(HttpError):
    """Base of the named errors: constructed as ``Error(message, details)``."""

    def __init__(self, message: str | None = None, details: Any = None, **kw: Any) -> None:
        super().__init__(None, message, details, **kw)

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if "error_name" not in cls.__dict__:
            cls.error_name = cls.__name__


class ApplicationError(_Named):
    status = 400
    default_message = "An application error occured"


class ValidationError(_Named):
    status = 400
    default_message = "Validation error"


class PaginationError(_Named):
    status = 400
    default_message = "Invalid pagination"


class UnauthorizedError(_Named):
    status = 401
    default_message = "Unauthorized"


class ForbiddenError(_Named):
    status = 403
    default_message = "Forbidden access"


class PolicyError(ForbiddenError):
    default_message = "Policy Failed"


class NotFoundError(_Named):
    status = 404
    default_message = "Not Found"


class MethodNotAllowedError(_Named):
    """405; ``allowed`` lists the methods the path does accept (the ``Allow`` header)."""

    status = 405
    default_message = "Method Not Allowed"

    def __init__(self, message: str | None = None, details: Any = None,
                 allowed: Iterable[str] = (), **kw: Any) -> None:
        super().__init__(message, details, **kw)
        self.allowed = tuple(allowed)
        if self.allowed:
            self.headers.setdefault("Allow", ", ".join(self.allowed))


class PayloadTooLargeError(_Named):
    status = 413
    default_message = "Entity too large"


class UnsupportedMediaTypeError(_Named):
    status = 415
    default_message = "Unsupported Media Type"


class RateLimitError(_Named):
    status = 429
    default_message = "Too many requests, please try again later."


class NotImplementedError_(_Named):
    """Strapi's ``NotImplementedError`` (501); the underscore keeps Python's builtin visible."""

    status = 501
    error_name = "NotImplementedError"
    default_message = "This feature is not implemented yet"

    def __init__(self, message: str | None = None, details: Any = None, **kw: Any) -> None:
        super().__init__(message, details, expose=True, **kw)


_BY_STATUS: dict[int, type[_Named]] = {
    401: UnauthorizedError, 404: NotFoundError, 405: MethodNotAllowedError,
    413: PayloadTooLargeError, 415: UnsupportedMediaTypeError,
}


def error_for_status(status: int, message: str | None = None, details: Any = None,
                     **kw: Any) -> HttpError:
    """The error ``ctx.throw(status, ...)`` raises: ``http-errors`` naming, as in Koa.

    Statuses whose Strapi class carries the ``http-errors`` name (401, 404, 405,
    413, 415) get that class so ``except NotFoundError`` catches ``ctx.throw(404)``;
    the others (``400 BadRequestError``, ``403 ForbiddenError``, ...) a plain
    HttpError, named from the phrase. The message defaults to the phrase.
    """
    message = phrase(status) if message is None else message
    cls = _BY_STATUS.get(status)
    if cls is not None:
        return cls(message, details, **kw)
    return HttpError(status, message, details, **kw)


def error_body(error: HttpError) -> dict[str, Any]:
    """Strapi's error envelope: ``{"data": null, "error": {...}}``."""
    return {"data": None, "error": error.to_dict()}
