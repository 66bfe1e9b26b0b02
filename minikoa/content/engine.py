"""The query engine: Strapi 5's REST query language over the database, through the dialect.

``QueryEngine(db, schemas)`` answers ``find``, ``find_document``, ``count``,
``page`` and ``row_ids`` for a content-type. Each takes a ``Query`` (parsed
and checked once, by whoever received the request) or the parameters as a
mapping, which are then parsed here (see ``minikoa.content.query``).

A read compiles one statement (``filters``: WHERE and ORDER BY), runs it,
decodes the rows (``populate.Plan``) and populates with a fixed number of
batched queries per populated attribute (``populate.Populator``). Compiled
item queries and plans are cached, so a repeated read costs running SQL
and decoding rows.

``status`` picks the rows of draft-and-publish types: ``"published"`` the
published versions, ``"draft"`` (and None, the document service's default)
the drafts. Types without draft-and-publish ignore it; populated and
deep-filtered draft-and-publish targets are read in the same status.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..db import Database
from ..errors import ValidationError
from .checker import Checker
from .filters import Compiler, Scope, status_sql
from .pagination import Window
from .populate import Plan, Populator, component_fields
from .query import Query
from .schema import Component, ContentType, Schemas

__all__ = ["QueryEngine", "Params"]

_PLAN_CACHE_SIZE = 512

#: What a read takes: a parsed Query, or its parameters as a mapping (parsed where they arrive).
Params = Query | Mapping[str, Any] | None


class _Compiled:
    """One query compiled: the table, its WHERE and ORDER BY, the plan, the populate."""

    __slots__ = ("query", "alias", "where", "params", "order", "status", "per_row")

    def __init__(self, query: Query, alias: str, where: str, params: list[Any], order: str,
                 status: str | None, per_row: bool = False) -> None:
        self.query = query
        self.alias = alias
        self.where = where
        self.params = params
        self.order = order
        self.status = status
        #: drafts and published rows together, each relating to documents in its own version
        self.per_row = per_row


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

    def find(self, uid: str, params: Params = None, *, status: str | None = None,
             public: bool = False) -> list[dict[str, Any]]:
        """The matching entries: all of them, or one page when ``params`` paginates.

        ``public`` (for params given as a mapping; a Query carries its own):
        leave private attributes out at every level (REST reads).
        """
        compiled = self._compile(self.query(uid, params, public), status)
        given = compiled.query.pagination
        if not given:
            return self._select(compiled, None, 0)
        window = Window(given, 25, None, False)
        return self._select(compiled, window.limit, window.offset)

    def find_document(self, uid: str, document_id: str, params: Params = None, *,
                      status: str | None = None, public: bool = False) -> dict[str, Any] | None:
        """The entry of one document in ``status``, or None: the REST item route's query.

        ``params`` may hold ``fields`` and ``populate``. The SQL is kept per
        (type, status, params), so a lookup by documentId costs running it and
        decoding the row, not a new parse and compile every time.
        """
        if isinstance(params, Query):
            key: tuple[Any, ...] = (uid, status, params.public, params.key)
        else:
            key = (uid, status, public, repr(params))
        found = self._documents.get(key)
        if found is None:
            compiled = self._compile(self.query(uid, params, public), status)
            query = compiled.query
            model = query.model
            plan = self.plan(model, query.fields, tuple(query.populate), query.public)
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
        query = compiled.query
        if query.populate:
            Populator(self, status, query.public, _budget(query)).populate(query.model, entries, query.populate)
        return entries[0]

    def count(self, uid: str, params: Params = None, *, status: str | None = None) -> int:
        """How many rows match ``filters`` (and ``status``)."""
        return self._count(self._compile(self.query(uid, params), status))

    def page(self, uid: str, params: Params = None, *, status: str | None = None,
             default_limit: int = 25, max_limit: int | None = 100, with_count: bool = True,
             public: bool = False) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """One page of entries and Strapi's ``meta``; no count query when counting is off."""
        compiled = self._compile(self.query(uid, params, public), status)
        window = Window(compiled.query.pagination or {}, default_limit, max_limit, with_count)
        total = self._count(compiled) if window.with_count else None
        if total is not None and window.offset >= total:
            entries: list[dict[str, Any]] = []
        else:
            entries = self._select(compiled, window.limit, window.offset)
        return entries, window.meta(total)

    def row_ids(self, uid: str, filters: Mapping[str, Any] | None, *, status: str | None) -> list[int]:
        """Ids of the rows ``filters`` matches, in id order (for bulk writes)."""
        compiled = self._compile(self.query(uid, {"filters": filters} if filters else None), status)
        table = self.dialect.quote(compiled.query.model.table)
        sql = f"SELECT {compiled.alias}.id FROM {table} AS {compiled.alias}{compiled.where} " \
              f"ORDER BY {compiled.alias}.id"
        return [row[0] for row in self.db.query(sql, compiled.params)]

    def rows(self, uid: str, params: Params = None, *, limit: int | None = None, offset: int = 0,
             status: str | None = None) -> list[dict[str, Any]]:
        """The rows ``params`` matches, drafts and published versions alike (the query engine's reads,
        Strapi's ``strapi.db.query``), ``limit`` rows from ``offset``.

        ``status`` is the version of draft-and-publish documents read through relations (filters,
        sort, populate) from a type without draft & publish. From a type with it, each row's
        filters and populate read the related documents in the row's own version, as Strapi's rows
        link to theirs; a sort through a relation reads ``status``'s.
        """
        return self._select(self._compile(self.query(uid, params), status, every_row=True), limit, offset)

    def count_rows(self, uid: str, params: Params = None, *, status: str | None = None) -> int:
        """How many rows ``params``' filters match, drafts and published versions alike."""
        return self._count(self._compile(self.query(uid, params), status, every_row=True))

    def query(self, uid: str, params: Params, public: bool = False) -> Query:
        """``params`` as a Query of ``uid``: itself when parsed already, else parsed now (trusted code:
        private attributes may be named; ``public`` leaves them out of the answer)."""
        return Query.of(self.schemas, uid, params, public=public)

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

    def _compile(self, query: Query, status: str | None, every_row: bool = False) -> _Compiled:
        if status not in (None, "draft", "published"):
            raise ValidationError(f"Invalid status {status}: expected draft or published",
                                  {"key": "status", "source": "query"})
        model = query.model
        compiler = Compiler(self.schemas, self.dialect, status, Checker(self.schemas))
        alias = compiler.alias()
        scope = Scope(model, alias)
        where_params: list[Any] = []
        conditions = []
        status_term = "" if every_row else status_sql(model, alias, status)
        if status_term:
            conditions.append(status_term[len(" AND "):])
        per_row = every_row and model.draft_and_publish
        if query.filters is not None:
            if per_row:
                where = self._per_row(compiler, scope, query.filters, where_params)
            else:
                where = compiler.where(scope, query.filters, where_params)
            if where:
                conditions.append(where)
        where_sql = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        order = ", ".join(compiler.order_by(scope, query.sort))
        return _Compiled(query, alias, where_sql, where_params, order, status, per_row)

    @staticmethod
    def _per_row(compiler: Compiler, scope: Scope, filters: Any, params: list[Any]) -> str | None:
        """``filters`` as each row of a draft-and-publish type reads them: drafts relate to draft
        documents, published rows to published ones (one condition when no relation is involved)."""
        drafts: list[Any] = []
        published: list[Any] = []
        before = compiler.status
        try:
            compiler.status = "draft"
            draft_sql = compiler.where(scope, filters, drafts)
            compiler.status = "published"
            published_sql = compiler.where(scope, filters, published)
        finally:
            compiler.status = before
        if draft_sql == published_sql:  # no relation read a version (no alias was made): nothing differs
            params.extend(drafts)
            return draft_sql
        params.extend([*drafts, *published])
        column = f"{scope.alias}.published_at"
        return f"(({column} IS NULL AND {draft_sql}) OR ({column} IS NOT NULL AND {published_sql}))"

    def _count(self, compiled: _Compiled) -> int:
        table = self.dialect.quote(compiled.query.model.table)
        sql = f"SELECT COUNT(*) FROM {table} AS {compiled.alias}{compiled.where}"
        return self.db.scalar(sql, compiled.params)

    def _select(self, compiled: _Compiled, limit: int | None, offset: int) -> list[dict[str, Any]]:
        query = compiled.query
        model = query.model
        fields = query.fields
        # Rows populated each in its own version: the version is read even when not selected.
        hidden = compiled.per_row and bool(query.populate) and fields is not None and "publishedAt" not in fields
        if hidden and fields is not None:
            fields = (*fields, "publishedAt")
        plan = self.plan(model, fields, tuple(query.populate), query.public)
        q = self.dialect.quote
        sql = (f"SELECT {plan.select(compiled.alias, q)} FROM {q(model.table)} AS {compiled.alias}"
               f"{compiled.where} ORDER BY {compiled.order}")
        params = compiled.params
        if limit is not None or offset:
            window, more = self.dialect.limit_offset(limit, offset)
            sql += window
            params = [*params, *more]
        entries = plan.decode_rows(self.db.query(sql, params))
        if query.populate:
            populator = Populator(self, compiled.status, query.public, _budget(query))
            if not compiled.per_row:
                populator.populate(model, entries, query.populate)
            else:  # each row's relations in its own version (populate fills the entries in place)
                for status, group in (("draft", [e for e in entries if e.get("publishedAt") is None]),
                                      ("published", [e for e in entries if e.get("publishedAt") is not None])):
                    if group:
                        populator.status = status
                        populator.populate(model, group, query.populate)
                if hidden:
                    for entry in entries:
                        del entry["publishedAt"]
        return entries


def _budget(query: Query) -> int | None:
    """The populated entries ``query`` may read (None: no bound, for trusted code)."""
    return query.limits.populated if query.limits is not None else None
