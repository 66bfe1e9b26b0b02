"""Tables as specs, and making a database match them.

The model layer describes the tables it needs (``Table``: columns of neutral
``ColumnType``, indexes, foreign keys); ``sync`` makes the database match,
declaratively and idempotently, under the backend's schema lock so that
processes starting together do not both alter a table:

* a missing table is created, with an ``id`` that is never reused;
* a missing column is added;
* a column the spec no longer has keeps its data, and is ignored;
* a column whose type changed is converted once every stored value is
  checked to convert; if one does not, ``SchemaChangeError`` names it and
  nothing changes;
* plain indexes are created if missing; *managed* indexes (those whose name
  starts with a table's ``managed_prefix``) are made exactly the set the spec
  lists: others with the prefix are dropped.

What differs between databases (introspection, altering a column type,
locks) is the backend's ``SchemaEditor``; the SQL text is its dialect's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import DatabaseError, SchemaChangeError
from .interfaces import Database
from .types import ColumnType

__all__ = ["Column", "Index", "ForeignKey", "Table", "sync", "describe_value"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    nullable: bool = True


@dataclass(frozen=True)
class Index:
    """An index on ``columns``; ``where`` (portable SQL over the table's columns) makes it partial."""

    name: str
    columns: tuple[str, ...]
    unique: bool = False
    where: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    """``column`` references ``table``.``target``; the row goes when the referenced one does (CASCADE)."""

    column: str
    table: str
    target: str = "id"
    on_delete: str = "CASCADE"


@dataclass(frozen=True)
class Table:
    """A table with an integer ``id`` primary key, never reused (``autoincrement``), and these columns."""

    name: str
    columns: tuple[Column, ...]
    indexes: tuple[Index, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    #: indexes whose name starts with this are kept to exactly the ones listed
    managed_prefix: str | None = None
    autoincrement: bool = True


#: How stored values convert to a new column type (a ValueError or TypeError: they do not).
def _whole(value: Any) -> int:
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("not a whole number")
    return int(value)


_CONVERT: dict[ColumnType, Callable[[Any], Any]] = {
    ColumnType.INTEGER: _whole, ColumnType.BIGINT: _whole, ColumnType.BOOLEAN: _whole,
    ColumnType.FLOAT: float, ColumnType.DECIMAL: float,
}


def sync(db: Database, tables: Iterable[Table]) -> None:
    """Create or evolve every table and index in ``tables`` (see the module docstring)."""
    editor = db.schema_editor()
    with editor.lock():
        for table in tables:
            _sync_table(db, table)


def _sync_table(db: Database, table: Table) -> None:
    editor = db.schema_editor()
    d = db.dialect
    if not editor.table_exists(table.name):
        db.execute(d.create_table(table.name, table.columns, table.foreign_keys, autoincrement=table.autoincrement))
    else:
        existing = editor.columns(table.name)
        changes: dict[str, ColumnType] = {}
        for column in table.columns:
            declared = existing.get(column.name)
            if declared is None:
                editor.add_column(table.name, column)
            elif not d.same_type(declared, column.type):
                _check_convertible(db, table.name, column)
                changes[column.name] = column.type
        if changes:
            editor.change_types(table.name, changes)
    managed = [index for index in table.indexes if table.managed_prefix and
               index.name.startswith(table.managed_prefix)]
    for index in table.indexes:
        if index not in managed:
            db.execute(d.create_index(index.name, table.name, index.columns, unique=index.unique,
                                      where=index.where, if_not_exists=True))
    if table.managed_prefix is not None:
        _sync_managed(db, table, managed)


def _check_convertible(db: Database, table: str, column: Column) -> None:
    convert = _CONVERT.get(column.type, str)
    q = db.dialect.quote
    for row_id, value in db.query(f"SELECT id, {q(column.name)} FROM {q(table)} WHERE {q(column.name)} IS NOT NULL"):
        try:
            convert(value)
        except (TypeError, ValueError):
            raise SchemaChangeError(table, column.name, db.dialect.column_type(column.type), row_id,
                                    value) from None


def _sync_managed(db: Database, table: Table, wanted: Sequence[Index]) -> None:
    d = db.dialect
    assert table.managed_prefix is not None
    present = set(db.schema_editor().index_names(table.name, table.managed_prefix))
    by_name = {index.name: index for index in wanted}
    for name in sorted(present - set(by_name)):
        db.execute(d.drop_index(name))
    for name in sorted(set(by_name) - present):
        index = by_name[name]
        try:
            db.execute(d.create_index(name, table.name, index.columns, unique=index.unique, where=index.where))
        except DatabaseError as exc:  # existing duplicates: say which index, keep the data
            raise SchemaChangeError(table.name, ", ".join(index.columns), f"cannot create index {name}: {exc}") \
                from None


def describe_value(value: Any) -> str:
    """A stored value as an error message shows it (JSON, at most 60 characters)."""
    return json.dumps(value, default=str)[:60]

