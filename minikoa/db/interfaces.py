"""What the layers above need of a database, whichever backend serves it.

``Database`` is the whole surface the model layer and webhooks use:
statements, transactions with ``on_commit``, the dialect that writes their
SQL, and the schema editor. A backend (``minikoa.db.sqlite``, and PostgreSQL
beside it) implements it; nothing above ``db/`` imports a driver.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from .types import ColumnType

if TYPE_CHECKING:
    from .dialect import Dialect
    from .schema import Column

__all__ = ["Database", "Cursor", "SchemaEditor", "Row"]

#: One row of a result, as a tuple of column values.
Row = Sequence[Any]


class Cursor(Protocol):
    """The result of ``execute``: rows to fetch, and how many rows a write changed."""

    @property
    def rowcount(self) -> int: ...

    def fetchall(self) -> list[Any]: ...

    def fetchone(self) -> Any: ...


class SchemaEditor(Protocol):
    """Introspection and the schema changes that differ between databases."""

    def lock(self) -> AbstractContextManager[None]:
        """Hold off other processes' schema changes (a file lock, an advisory lock)."""

    def table_exists(self, table: str) -> bool: ...

    def columns(self, table: str) -> Mapping[str, str]:
        """Column name -> its declared SQL type."""

    def add_column(self, table: str, column: Column) -> None: ...

    def change_types(self, table: str, types: Mapping[str, ColumnType]) -> None:
        """Convert columns to new types, keeping their values (already checked to convert)."""

    def index_names(self, table: str, prefix: str) -> list[str]:
        """The indexes of ``table`` whose name starts with ``prefix``."""


class Database(Protocol):
    """Connections, statements and transactions of one database (see ``minikoa.db.sqlite``)."""

    dialect: Dialect
    #: where the data lives, for messages (a file path, a server address)
    path: str

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one statement; a broken constraint raises ``minikoa.db.errors.IntegrityError``."""

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Every row of a SELECT (or a statement with RETURNING), as tuples."""

    def query_dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]: ...

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row, or None."""

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run an INSERT of one row (``dialect.insert``) and return the new row's ``id``."""

    def atomic(self) -> AbstractContextManager[None]:
        """A transaction, or a savepoint inside one: it all commits, or none of it."""

    @property
    def in_transaction(self) -> bool: ...

    def on_commit(self, callback: Callable[[], Any]) -> None:
        """Run ``callback`` after the outermost transaction commits; dropped if it (or its savepoint) rolls back."""

    def schema_editor(self) -> SchemaEditor: ...

    def close(self) -> None: ...

