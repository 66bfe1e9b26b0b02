"""The query engine: Strapi 5's REST query language over minikoa's SQLite tables.

``QueryEngine(db, schemas)`` answers ``find``, ``count``, ``page`` and
``row_ids`` for a content-type from the parameters the REST API and the
document service take: ``filters``, ``sort``, ``fields``, ``populate``,
``pagination`` (and top-level ``start``/``limit``); any other key is ignored,
as Strapi ignores unknown query keys.

Every call checks its parameters first (``check_params``: unknown keys and
operators are Strapi's ``Invalid key`` errors, mixed pagination styles a
PaginationError), then compiles one statement, runs it, and populates with
a fixed number of batched queries per populated attribute. The pieces:
``minikoa.filters`` (checks, WHERE, ORDER BY), ``minikoa.populate`` (fields,
populate, decoding rows into entries).

``status`` picks the rows of draft-and-publish types: ``"published"`` the
published versions, ``"draft"`` (and None, the document service's default)
the drafts. Types without draft-and-publish ignore it; populated and
deep-filtered draft-and-publish targets are read in the same status.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..db import Database
from ..errors import PaginationError, ValidationError
from .filters import Checker, Compiler, Scope, check_filters, check_sort, parse_sort, status_sql
from .populate import Plan, Populator, Spec, component_fields, parse_fields, parse_populate
from .schema import Component, ContentType, Schemas

__all__ = ["QueryEngine", "check_params"]

_PAGE_KEYS = ("page", "pageSize")
_OFFSET_KEYS = ("start", "limit")
_PLAN_CACHE_SIZE = 512


class _Parsed:
    """A query's parameters, checked and normalised (no SQL yet)."""

    __slots__ = ("model", "filters", "sort", "fields", "populate", "pagination")

    def __init__(self, model: ContentType) -> None:
        self.model = model
        self.filters: Any = None
        self.sort: list[tuple[list[str], bool]] = []
        self.fields: tuple[str, ...] | None = None
        self.populate: dict[str, Spec] = {}
        self.pagination: dict[str, Any] | None = None


def _parse(checker: Checker, model: ContentType, params: Mapping[str, Any] | None) -> _Parsed:
    """Check and normalise ``params`` in Strapi's order: filters, sort, fields, populate, pagination."""
    parsed = _Parsed(model)
    if not params:
        return parsed
    if not isinstance(params, Mapping):
        raise TypeError(f"query params must be a mapping, not {type(params).__name__}")
    filters = params.get("filters")
    if filters is not None and filters != "":
        check_filters(checker, model, filters)
        parsed.filters = filters
    if params.get("sort") is not None:
        parsed.sort = parse_sort(checker, params["sort"])
        check_sort(checker, model, parsed.sort)
    parsed.fields = parse_fields(checker, model, params.get("fields"))
    parsed.populate = parse_populate(checker, model, params.get("populate"))
    parsed.pagination = _pagination_params(params)
    return parsed


def check_params(schemas: Schemas, uid: str, params: Mapping[str, Any], *, allow_private: bool = True,
                 source: str = "query") -> None:
    """Refuse what Strapi refuses in a query, before any SQL runs.

    Every key of filters, sort, fields and populate must be an attribute or
    a system field (``id``, ``documentId``, ``createdAt``, ``updatedAt``,
    ``publishedAt``), every operator known; with ``allow_private=False`` (the
    REST API) private and password attributes are refused too, also through
    relations. Raises ValidationError (``details.source`` is ``source``) or
    PaginationError.
    """
    _parse(Checker(schemas, allow_private, source), schemas[uid], params)


# -- pagination ------------------------------------------------------------------------

def _pagination_params(params: Mapping[str, Any]) -> dict[str, Any] | None:
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
    return found or None


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


class _Window:
    """Resolved pagination: the SQL LIMIT/OFFSET and the meta Strapi reports.

    Clamped as Strapi clamps: a page below 1 is 1; a size below 1 is 1; a
    size over ``max_limit`` is ``max_limit``; a size that is not a number
    is ``max_limit`` (recorded: ``pageSize=abc`` gives 100), or the default
    without a maximum. Offset style: a negative start is 0, ``limit=-1``
    means no limit (capped by ``max_limit``).
    """

    __slots__ = ("paged", "first", "size", "limit", "offset", "with_count")

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


# -- the engine ----------------------------------------------------------------------

class _Compiled:
    """One query compiled: the table, its WHERE and ORDER BY, the plan, the populate."""

    __slots__ = ("parsed", "alias", "where", "params", "order", "status", "public")

    def __init__(self, parsed: _Parsed, alias: str, where: str, params: list[Any], order: str,
                 status: str | None, public: bool = False) -> None:
        self.parsed = parsed
        self.alias = alias
        self.where = where
        self.params = params
        self.order = order
        self.status = status
        #: leave private attributes out, at every level (the REST API's reads)
        self.public = public


class QueryEngine:
    """Finds, counts and pages the entries of content-types (see the module docstring)."""

    def __init__(self, db: Database, schemas: Schemas) -> None:
        self.db = db
        self.schemas = schemas
        self.dialect = db.dialect
        self._plans: dict[tuple[Any, ...], Plan] = {}
        #: item queries (find_document): (sql, params, plan, compiled) by (uid, status, public, repr(params))
        self._documents: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._component_fields: dict[tuple[Any, ...], list[tuple[str, Any]]] = {}

    # -- public API --

    def find(self, uid: str, params: Mapping[str, Any] | None = None, *,
             status: str | None = None, public: bool = False) -> list[dict[str, Any]]:
        """The matching entries: all of them, or one page when ``params`` paginates.

        ``public``: leave private attributes out at every level (REST reads).
        """
        compiled = self._compile(uid, params, status, public)
        given = compiled.parsed.pagination
        if not given:
            return self._select(compiled, None, 0)
        window = _Window(given, 25, None, False)
        return self._select(compiled, window.limit, window.offset)

    def find_document(self, uid: str, document_id: str, params: Mapping[str, Any] | None = None, *,
                      status: str | None = None, public: bool = False) -> dict[str, Any] | None:
        """The entry of one document in ``status``, or None: the REST item route's query.

        ``params`` may hold ``fields`` and ``populate``. The SQL is kept per
        (type, status, params), so a lookup by documentId costs running it and
        decoding the row, not a new compile every time.
        """
        key = (uid, status, public, repr(params))
        found = self._documents.get(key)
        if found is None:
            compiled = self._compile(uid, params, status, public)
            parsed = compiled.parsed
            model = parsed.model
            plan = self.plan(model, parsed.fields, tuple(parsed.populate), public)
            q, mark = self.dialect.quote, self.dialect.param
            column = f"{compiled.alias}.document_id = {mark}"
            where = f"{compiled.where} AND {column}" if compiled.where else f" WHERE {column}"
            # One row per document and status: no ORDER BY (it would make SQLite sort).
            sql = f"SELECT {plan.select(compiled.alias, q)} FROM {q(model.table)} AS {compiled.alias}{where}"
            found = (sql, tuple(compiled.params), plan, compiled)
            if len(self._documents) >= _PLAN_CACHE_SIZE:
                self._documents.clear()
            self._documents[key] = found
        sql, prefix, plan, compiled = found
        entries = plan.decode_rows(self.db.query(sql, [*prefix, document_id]))
        if not entries:
            return None
        populate = compiled.parsed.populate
        if populate:
            Populator(self, status, public).populate(compiled.parsed.model, entries, populate)
        return entries[0]

    def count(self, uid: str, params: Mapping[str, Any] | None = None, *, status: str | None = None) -> int:
        """How many rows match ``filters`` (and ``status``)."""
        return self._count(self._compile(uid, params, status))

    def page(self, uid: str, params: Mapping[str, Any] | None = None, *, status: str | None = None,
             default_limit: int = 25, max_limit: int | None = 100, with_count: bool = True,
             public: bool = False) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """One page of entries and Strapi's ``meta``; no count query when counting is off."""
        compiled = self._compile(uid, params, status, public)
        window = _Window(compiled.parsed.pagination or {}, default_limit, max_limit, with_count)
        total = self._count(compiled) if window.with_count else None
        if total is not None and window.offset >= total:
            entries: list[dict[str, Any]] = []
        else:
            entries = self._select(compiled, window.limit, window.offset)
        return entries, window.meta(total)

    def row_ids(self, uid: str, filters: Mapping[str, Any] | None, *, status: str | None) -> list[int]:
        """Ids of the rows ``filters`` matches, in id order (for bulk writes)."""
        compiled = self._compile(uid, {"filters": filters} if filters else None, status)
        table = self.dialect.quote(compiled.parsed.model.table)
        sql = f"SELECT {compiled.alias}.id FROM {table} AS {compiled.alias}{compiled.where} " \
              f"ORDER BY {compiled.alias}.id"
        return [row[0] for row in self.db.query(sql, compiled.params)]

    # -- plans (cached: they depend on the schema and the field selection only) --

    def plan(self, model: ContentType, fields: tuple[str, ...] | None, populated: tuple[str, ...],
             public: bool = False) -> Plan:
        key = (model.uid, fields, populated, public)
        plan = self._plans.get(key)
        if plan is None:
            if len(self._plans) >= _PLAN_CACHE_SIZE:
                self._plans.clear()
            plan = self._plans[key] = Plan(model, fields, populated, public)
        return plan

    def component_fields(self, component: Component, fields: tuple[str, ...] | None,
                         public: bool = False) -> list[tuple[str, Any]]:
        key = (component.uid, fields, public)
        found = self._component_fields.get(key)
        if found is None:
            if len(self._component_fields) >= _PLAN_CACHE_SIZE:
                self._component_fields.clear()
            found = self._component_fields[key] = component_fields(component, fields, public)
        return found

    # -- compiling and running --

    def _compile(self, uid: str, params: Mapping[str, Any] | None, status: str | None,
                 public: bool = False) -> _Compiled:
        if status not in (None, "draft", "published"):
            raise ValidationError(f"Invalid status {status}: expected draft or published",
                                  {"key": "status", "source": "query"})
        model = self.schemas[uid]
        checker = Checker(self.schemas)
        parsed = _parse(checker, model, params)
        compiler = Compiler(self.schemas, self.dialect, status, checker)
        alias = compiler.alias()
        scope = Scope(model, alias)
        where_params: list[Any] = []
        conditions = []
        status_term = status_sql(model, alias, status)
        if status_term:
            conditions.append(status_term[len(" AND "):])
        if parsed.filters is not None:
            where = compiler.where(scope, parsed.filters, where_params)
            if where:
                conditions.append(where)
        where_sql = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        order = ", ".join(compiler.order_by(scope, parsed.sort))
        return _Compiled(parsed, alias, where_sql, where_params, order, status, public)

    def _count(self, compiled: _Compiled) -> int:
        table = self.dialect.quote(compiled.parsed.model.table)
        sql = f"SELECT COUNT(*) FROM {table} AS {compiled.alias}{compiled.where}"
        return self.db.scalar(sql, compiled.params)

    def _select(self, compiled: _Compiled, limit: int | None, offset: int) -> list[dict[str, Any]]:
        parsed = compiled.parsed
        model = parsed.model
        plan = self.plan(model, parsed.fields, tuple(parsed.populate), compiled.public)
        q = self.dialect.quote
        sql = (f"SELECT {plan.select(compiled.alias, q)} FROM {q(model.table)} AS {compiled.alias}"
               f"{compiled.where} ORDER BY {compiled.order}")
        params = compiled.params
        if limit is not None or offset:
            window, more = self.dialect.limit_offset(limit, offset)
            sql += window
            params = [*params, *more]
        entries = plan.decode_rows(self.db.query(sql, params))
        if parsed.populate:
            Populator(self, compiled.status, compiled.public).populate(model, entries, parsed.populate)
        return entries
