"""Pagination: the keys a query gives, and the LIMIT, OFFSET and ``meta`` they resolve to.

Strapi takes two styles, never mixed: ``pagination[page]``/``pagination[pageSize]``,
and ``pagination[start]``/``pagination[limit]`` (also as top-level
``start``/``limit``). ``Window`` clamps them as Strapi does and reports the
``meta.pagination`` Strapi answers with.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..errors import PaginationError, ValidationError

__all__ = ["Window", "pagination_params"]

_PAGE_KEYS = ("page", "pageSize")
_OFFSET_KEYS = ("start", "limit")


def pagination_params(params: Mapping[str, Any]) -> dict[str, Any] | None:
    """The pagination keys given, from ``pagination`` and top-level ``start``/``limit``."""
    found: dict[str, Any] = {}
    pagination = params.get("pagination")
    if isinstance(pagination, Mapping):
        found.update((k, v) for k, v in pagination.items() if k in (*_PAGE_KEYS, *_OFFSET_KEYS, "withCount"))
    for key in _OFFSET_KEYS:
        if params.get(key) is not None:
            found.setdefault(key, params[key])
    if any(k in found for k in _PAGE_KEYS) and any(k in found for k in _OFFSET_KEYS):
        raise PaginationError("Cannot use both page & offset pagination in the same query")
    for key in (*_PAGE_KEYS, *_OFFSET_KEYS):
        number = _number(found.get(key))
        if number is not None and abs(number) > MAX_NUMBER:
            raise _out_of_range(key, found[key])
    return found or None


#: The largest page, size, start or limit a query may give (JavaScript's largest safe integer).
MAX_NUMBER = 2**53 - 1
#: The largest offset the database takes.
_MAX_OFFSET = 2**63 - 1


def _out_of_range(key: str, value: Any) -> ValidationError:
    shown = value if isinstance(value, (int, float)) else str(value)[:50]
    return ValidationError(f"pagination[{key}] is out of range", {"source": "query", "param": "pagination",
                                                                  "key": key, "value": shown})


def _number(value: Any) -> int | None:
    """An integer from a query-string value; None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return math.floor(number) if math.isfinite(number) else None


def _flag(value: Any, default: bool) -> bool:
    if value in (False, "false", "0", 0):
        return False
    if value in (True, "true", "1", 1):
        return True
    return default


class Window:
    """Resolved pagination: the SQL LIMIT/OFFSET and the meta Strapi reports.

    Clamped as Strapi clamps: a page below 1 is 1; a size below 1 is 1; a
    size over ``max_limit`` is ``max_limit``; a size that is not a number
    is ``max_limit`` (recorded: ``pageSize=abc`` gives 100), or the default
    without a maximum. Offset style: a negative start is 0, ``limit=-1``
    means no limit (capped by ``max_limit``).
    """

    __slots__ = ("paged", "first", "size", "limit", "offset", "with_count")

    limit: int | None

    def __init__(self, given: Mapping[str, Any], default_limit: int, max_limit: int | None,
                 with_count: bool) -> None:
        self.with_count = _flag(given.get("withCount"), with_count)
        self.paged = not any(k in given for k in _OFFSET_KEYS)
        size = self._size(given.get("pageSize" if self.paged else "limit"), default_limit, max_limit)
        if self.paged:
            page = _number(given.get("page", 1))
            self.first = max(1, page if page is not None else 1)
            self.size = size
            self.limit, self.offset = size, (self.first - 1) * size
            if self.offset > _MAX_OFFSET:
                raise _out_of_range("page", self.first)
        else:
            start = _number(given.get("start", 0))
            self.first = max(0, start if start is not None else 0)
            self.size = size
            self.limit, self.offset = (None if size == -1 else size), self.first

    def _size(self, value: Any, default_limit: int, max_limit: int | None) -> int:
        if value is None:
            size = default_limit
        else:
            number = _number(value)
            if number is None:
                return max_limit or default_limit
            size = number if (number == -1 and not self.paged) else max(1, number)
        if max_limit and (size == -1 or size > max_limit):
            return max_limit
        return size

    def meta(self, total: int | None) -> dict[str, Any]:
        if self.paged:
            meta: dict[str, Any] = {"page": self.first, "pageSize": self.size}
            if total is not None:
                meta["pageCount"] = math.ceil(total / self.size)
                meta["total"] = total
        else:
            meta = {"start": self.first, "limit": self.size}
            if total is not None:
                meta["total"] = total
        return {"pagination": meta}
