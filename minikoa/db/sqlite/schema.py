"""Schema changes on SQLite: introspection from ``sqlite_master``, a file lock, sqlite-utils for
the column type changes SQLite cannot ALTER."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import sqlite_utils

from ..schema import Column
from ..types import ColumnType

if TYPE_CHECKING:
    from .database import SQLiteDatabase

__all__ = ["SQLiteSchemaEditor"]


class SQLiteSchemaEditor:
    def __init__(self, db: SQLiteDatabase) -> None:
        self.db = db

    @property
    def _utils(self) -> sqlite_utils.Database:
        return sqlite_utils.Database(self.db.conn)

    def _table(self, name: str) -> sqlite_utils.db.Table:
        return self._utils.table(name)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """An exclusive lock on ``<database>.schema-lock`` (nothing for an in-memory database)."""
        if self.db.memory:
            yield
            return
        with open(self.db.path + ".schema-lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def table_exists(self, table: str) -> bool:
        return self._utils[table].exists()

    def columns(self, table: str) -> Mapping[str, str]:
        return {c.name: c.type for c in self._utils[table].columns}

    def add_column(self, table: str, column: Column) -> None:
        self._table(table).add_column(column.name, self.db.dialect.column_type(column.type))

    def change_types(self, table: str, types: Mapping[str, ColumnType]) -> None:
        # SQLite cannot alter a column's type: sqlite-utils copies the table into a new one.
        self._table(table).transform(types={name: self.db.dialect.column_type(kind) for name, kind in types.items()})

    def index_names(self, table: str, prefix: str) -> list[str]:
        rows = self.db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", [table])
        return [row[0] for row in rows if row[0].startswith(prefix)]
