"""HTTP status phrases and the error names Strapi derives from them.

Strapi answers with Node's reason phrases (``413 Payload Too Large``) and names
errors after them the way the ``http-errors`` package does
(``PayloadTooLargeError``). Both tables are computed once at import.
"""

from __future__ import annotations

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

#: Bodies are never sent with these statuses (RFC 9110 and Koa's ``statuses.empty``).
EMPTY_BODY: frozenset[int] = frozenset({204, 205, 304})


def phrase(status: int) -> str:
    """The reason phrase for ``status``, or ``"Unknown"`` for unregistered codes."""
    return PHRASES.get(status, "Unknown")


def _status_line(status: int) -> str:
    return f"{status} {phrase(status)}"


def error_name(status: int) -> str:
    """The ``http-errors`` name for ``status``: ``404`` -> ``NotFoundError``."""
    text = PHRASES.get(status)
    if text is None:
        return "InternalServerError" if status >= 500 else "BadRequestError"
    ident = "".join(w[:1].upper() + w[1:] for w in text.replace("-", " ").split())
    ident = "".join(c for c in ident if c.isalnum())
    return ident if ident.endswith("Error") else ident + "Error"


class _Lines(dict):
    """``STATUS_LINES[404] == "404 Not Found"``, filled on first use for odd codes."""

    def __missing__(self, status: int) -> str:
        line = self[status] = _status_line(status)
        return line


STATUS_LINES: dict[int, str] = _Lines({code: _status_line(code) for code in PHRASES})
