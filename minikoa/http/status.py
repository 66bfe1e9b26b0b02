"""HTTP status lines and the statuses that carry no body, computed once at import.

The phrases themselves live with the errors named after them (``minikoa.errors``).
"""

from __future__ import annotations

from ..errors import PHRASES, phrase

__all__ = ["EMPTY_BODY", "STATUS_LINES", "phrase"]

#: Bodies are never sent with these statuses (RFC 9110 and Koa's ``statuses.empty``).
EMPTY_BODY: frozenset[int] = frozenset({204, 205, 304})


def _status_line(status: int) -> str:
    return f"{status} {phrase(status)}"


class _Lines(dict):
    """``STATUS_LINES[404] == "404 Not Found"``, filled on first use for odd codes."""

    def __missing__(self, status: int) -> str:
        line = self[status] = _status_line(status)
        return line


STATUS_LINES: dict[int, str] = _Lines({code: _status_line(code) for code in PHRASES})
