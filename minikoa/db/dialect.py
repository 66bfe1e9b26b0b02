"""The SQL dialect seam: every piece of SQL text that differs between databases is a method.

The model layer and webhooks write SQL only through a ``Dialect``: the
placeholder, identifier quoting, text matching, JSON access, upserts,
DDL and column types. ``Dialect`` holds the portable (SQL standard) forms;
a database's dialect overrides what it does differently, as Django's
``operations`` modules do. Identifiers only ever come from schemas, never
from requests; they are quoted anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .types import ColumnType

if TYPE_CHECKING:
    from .schema import Column, ForeignKey

__all__ = ["Dialect", "TextMatch"]

#: A text match: ``contains``, ``starts``, ``ends`` or ``equals``.
TextMatch = str


class Dialect:
    """Portable SQL; subclasses override what their database spells differently."""

    name = "sql"
    #: The bound-parameter marker.
    param = "%s"
    #: The most parameters one statement may bind; IN lists are split past it.
    max_params = 900
    true = "TRUE"
    false = "FALSE"
    #: neutral column type -> the SQL type that stores it
    column_types: dict[ColumnType, str] = {
        ColumnType.TEXT: "text", ColumnType.INTEGER: "integer", ColumnType.BIGINT: "bigint",
        ColumnType.FLOAT: "double precision", ColumnType.DECIMAL: "numeric", ColumnType.BOOLEAN: "boolean",
        ColumnType.JSON: "text", ColumnType.DATE: "date", ColumnType.TIME: "time",
        ColumnType.DATETIME: "timestamp",
    }

    # -- names and parameters ---------------------------------------------

    def quote(self, identifier: str) -> str:
        return '"' + identifier.replace('"', '""') + '"'

    def column(self, alias: str, column: str) -> str:
        return f"{alias}.{self.quote(column)}"

    def params(self, count: int) -> str:
        """``count`` comma-separated parameter markers."""
        return ", ".join([self.param] * count)

    # -- statements ---------------------------------------------------------

    def insert(self, table: str, columns: Sequence[str]) -> str:
        """An INSERT of one row; run it with ``Database.insert`` to get the new ``id``."""
        names = ", ".join(self.quote(c) for c in columns)
        return f"INSERT INTO {self.quote(table)} ({names}) VALUES ({self.params(len(columns))})"

    def insert_or_ignore(self, table: str, columns: Sequence[str]) -> str:
        """An INSERT of one row that does nothing when it would break a unique constraint."""
        return self.insert(table, columns) + " ON CONFLICT DO NOTHING"

    def limit_offset(self, limit: int | None, offset: int) -> tuple[str, list[int]]:
        """`` LIMIT ... OFFSET ...`` and its parameters; ``limit`` None means no limit."""
        if limit is None:
            return f" OFFSET {self.param}", [offset]
        return f" LIMIT {self.param} OFFSET {self.param}", [limit, offset]

    def order_by(self, expr: str, desc: bool) -> str:
        """An ORDER BY term: NULLs come first ascending and last descending (smallest, as SQLite and
        Strapi's recordings order them), whatever the database's own default."""
        return f"{expr} DESC NULLS LAST" if desc else f"{expr} ASC NULLS FIRST"

    #: Whether a SELECT can lock the rows it picks and skip those others hold (``FOR UPDATE SKIP LOCKED``);
    #: without row locks (SQLite), a write transaction holds the whole database instead.
    row_locks = True

    def lock_rows(self) -> str:
        """The clause a SELECT ends with to lock the rows it picks and skip rows locked by others."""
        return " FOR UPDATE SKIP LOCKED" if self.row_locks else ""

    # -- operators ------------------------------------------------------------

    @staticmethod
    def like_escape(value: str) -> str:
        """``value`` with LIKE's wildcards (and the escape character) made literal."""
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

    def match_text(self, expr: str, mode: TextMatch, insensitive: bool, value: str) -> tuple[str, list[str]]:
        """SQL and parameters for a text match of ``expr`` against ``value`` (``mode``: contains,
        starts, ends or equals; ``insensitive``: ignoring case)."""
        p = self.param
        if mode == "equals":
            return (f"lower({expr}) = lower({p})", [value]) if insensitive else (f"{expr} = {p}", [value])
        pattern = self.like_escape(value)
        pattern = {"contains": f"%{pattern}%", "starts": f"{pattern}%", "ends": f"%{pattern}"}[mode]
        operator = "ILIKE" if insensitive else "LIKE"
        return f"{expr} {operator} {p} ESCAPE '\\'", [pattern]

    def text_contains(self, expr: str) -> str:
        """A condition with one parameter: the text ``expr`` contains the parameter."""
        return f"strpos({expr}, {self.param}) > 0"

    # -- JSON -----------------------------------------------------------------

    def json_get(self, expr: str, key: str, kind: ColumnType | None = None) -> str:
        """The value at ``key`` of the JSON object in ``expr``, compared as ``kind`` (None: as JSON)."""
        raise NotImplementedError

    def json_each(self, expr: str, alias: str) -> str:
        """A FROM item: one row per element of the JSON array in ``expr``; see ``json_element``."""
        raise NotImplementedError

    def json_element(self, alias: str, kind: ColumnType | None = None) -> str:
        """The element of a ``json_each`` row, compared as ``kind``."""
        raise NotImplementedError

    # -- DDL --------------------------------------------------------------------

    def column_type(self, kind: ColumnType) -> str:
        return self.column_types[kind]

    def same_type(self, declared: str, kind: ColumnType) -> bool:
        """Whether a column declared ``declared`` already stores ``kind``."""
        return declared.strip().lower() == self.column_type(kind).lower()

    def id_column(self, autoincrement: bool) -> str:
        return f"{self.quote('id')} bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"

    def create_table(self, table: str, columns: Iterable[Column], foreign_keys: Sequence[ForeignKey] = (),
                     autoincrement: bool = True) -> str:
        """``CREATE TABLE`` with an integer ``id`` (never reused when ``autoincrement``)."""
        parts = [self.id_column(autoincrement)]
        parts += [f"{self.quote(c.name)} {self.column_type(c.type)}{'' if c.nullable else ' NOT NULL'}"
                  for c in columns]
        parts += [f"FOREIGN KEY ({self.quote(fk.column)}) REFERENCES {self.quote(fk.table)}({self.quote(fk.target)}) "
                  f"ON DELETE {fk.on_delete}" for fk in foreign_keys]
        return f"CREATE TABLE {self.quote(table)} (\n  " + ",\n  ".join(parts) + "\n)"

    def add_column(self, table: str, column: Column) -> str:
        return f"ALTER TABLE {self.quote(table)} ADD COLUMN {self.quote(column.name)} {self.column_type(column.type)}"

    def create_index(self, name: str, table: str, columns: Sequence[str], *, unique: bool = False,
                     where: str | None = None, if_not_exists: bool = False) -> str:
        head = "CREATE UNIQUE INDEX" if unique else "CREATE INDEX"
        exists = " IF NOT EXISTS" if if_not_exists else ""
        cols = ", ".join(self.quote(c) for c in columns)
        tail = f" WHERE {where}" if where else ""
        return f"{head}{exists} {self.quote(name)} ON {self.quote(table)} ({cols}){tail}"

    def drop_index(self, name: str) -> str:
        return f"DROP INDEX IF EXISTS {self.quote(name)}"
