"""Schema changes on PostgreSQL: introspection from the catalogs, an advisory lock, ALTER ... TYPE.

``sync`` (``minikoa.db.schema``) runs under ``lock()``: a session-level
advisory lock on the connection every statement of the sync then uses, so
two processes starting at once take turns, and the second finds the
tables made and changes nothing. The schema itself (``connection.schema``)
is created if missing.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from ..schema import Column
from ..types import ColumnType

if TYPE_CHECKING:
    from .database import PostgresDatabase

__all__ = ["PostgresSchemaEditor"]


class PostgresSchemaEditor:
    def __init__(self, db: PostgresDatabase) -> None:
        self.db = db

    def _lock_key(self) -> int:
        """One advisory lock key per schema (a stable 31-bit hash): syncs of different schemas never wait."""
        return zlib.crc32(f"minikoa-schema:{self.db.settings.schema or ''}".encode()) & 0x7FFFFFFF

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the schema's advisory lock (and one connection) for the block."""
        with self.db.pinned():
            self.db.execute("SELECT pg_advisory_lock(%s)", [self._lock_key()])
            try:
                if self.db.settings.schema:
                    self.db.execute(f"CREATE SCHEMA IF NOT EXISTS {self.db.dialect.quote(self.db.settings.schema)}")
                yield
            finally:
                self.db.execute("SELECT pg_advisory_unlock(%s)", [self._lock_key()])

    def table_exists(self, table: str) -> bool:
        return self.db.scalar("SELECT to_regclass(%s) IS NOT NULL", [self.db.dialect.quote(table)]) is True

    def columns(self, table: str) -> Mapping[str, str]:
        rows = self.db.query("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
                             [table])
        return {name: kind for name, kind in rows}

    def add_column(self, table: str, column: Column) -> None:
        self.db.execute(self.db.dialect.add_column(table, column))

    def change_types(self, table: str, types: Mapping[str, ColumnType]) -> None:
        # Values are checked to convert first (minikoa.db.schema); USING converts them in place, in one
        # statement, so the table is never half changed.
        d = self.db.dialect
        declared = self.columns(table)
        changes = ", ".join(
            f"ALTER COLUMN {d.quote(name)} TYPE {d.column_type(kind)} "
            f"USING {_using(d.quote(name), declared.get(name, ''), kind)}"
            for name, kind in types.items())
        self.db.execute(f"ALTER TABLE {d.quote(table)} {changes}")

    def index_names(self, table: str, prefix: str) -> list[str]:
        # The primary key's index is the table's own, never one a spec manages (SQLite's has no name).
        rows = self.db.query("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                             "WHERE i.indrelid = to_regclass(%s) AND NOT i.indisprimary ORDER BY c.relname",
                             [self.db.dialect.quote(table)])
        return [row[0] for row in rows if row[0].startswith(prefix)]


def _using(column: str, declared: str, kind: ColumnType) -> str:
    """How a stored value converts: through its text; numbers to whole numbers rounded (only whole ones
    are let through), and to and from booleans as 1 and 0, as SQLite stores them."""
    if declared == "boolean":
        column = f"{column}::integer"
    target = {ColumnType.INTEGER: "integer", ColumnType.BIGINT: "bigint", ColumnType.FLOAT: "double precision",
              ColumnType.DECIMAL: "numeric", ColumnType.BOOLEAN: "boolean", ColumnType.JSON: "jsonb",
              ColumnType.DATE: "date", ColumnType.TIME: "time", ColumnType.DATETIME: "timestamptz"}.get(kind, "text")
    if kind in (ColumnType.INTEGER, ColumnType.BIGINT):
        return f"round({column}::text::numeric)::{target}"
    if kind is ColumnType.BOOLEAN:
        return f"({column}::text::numeric <> 0)"
    return f"{column}::text::{target}"
