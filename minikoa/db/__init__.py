"""The database: connections, transactions, the SQL dialect seam and schema sync.

Only this package talks to a database driver. ``interfaces.Database`` is
what the layers above use; ``dialect.Dialect`` writes every piece of SQL
that differs between databases; ``schema`` makes tables match their specs;
``errors`` says what a database refused in driver-neutral terms. One
subpackage per backend: ``sqlite`` (the default) and ``postgres`` (imported
only when asked for: its driver is the ``postgres`` extra). ``connect``
opens the database ``config/database.py`` describes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .dialect import Dialect
from .errors import DatabaseError, IntegrityError, SchemaChangeError, UniqueViolation
from .interfaces import Cursor, Database, SchemaEditor
from .schema import Column, ForeignKey, Index, Table, sync
from .sqlite import SQLiteDatabase, SQLiteDialect
from .types import ColumnType

__all__ = [
    "Database", "Cursor", "SchemaEditor", "Dialect", "ColumnType", "connect", "database_path", "check_client",
    "Column", "Index", "ForeignKey", "Table", "sync",
    "DatabaseError", "IntegrityError", "UniqueViolation", "SchemaChangeError",
    "SQLiteDatabase", "SQLiteDialect", "CLIENTS",
]

#: Strapi's client names that select each backend.
CLIENTS = {"sqlite": "sqlite", "better-sqlite3": "sqlite", "postgres": "postgres"}


def database_path(connection: Mapping[str, Any], root: Path | None) -> str:
    """Where the SQLite file lives: ``DATABASE_FILENAME``, ``connection.filename``, or ``.tmp/data.db``.

    ``connection`` is ``config/database.py``'s ``connection`` (Strapi's shape:
    ``{"client": ..., "connection": {"filename": ...}}``). A relative filename
    is relative to ``root``, the project folder, or to the working directory
    for an app built in code: a file, so every gunicorn worker sees the same
    data. ``":memory:"`` (only when asked for) is one process's own database.
    """
    options = connection.get("connection")
    filename = os.environ.get("DATABASE_FILENAME") or (
        options.get("filename") if isinstance(options, Mapping) else None)
    if filename == ":memory:":
        return filename
    base = root if root is not None else Path.cwd()
    path = Path(filename) if filename is not None else Path(".tmp") / "data.db"
    return str(path if path.is_absolute() else base / path)


def check_client(connection: Mapping[str, Any]) -> str:
    """The backend ``config/database.py``'s client (or ``DATABASE_CLIENT``) names; a ValueError naming
    an unknown client and the known ones."""
    client = os.environ.get("DATABASE_CLIENT") or connection.get("client") or "sqlite"
    backend = CLIENTS.get(client) if isinstance(client, str) else None
    if backend is None:
        raise ValueError(f"unknown database client {client!r} (known: {', '.join(sorted(CLIENTS))})")
    return backend


def connect(connection: Mapping[str, Any], root: Path | None) -> Database:
    """The database ``config/database.py``'s ``connection`` describes (``DATABASE_CLIENT`` overrides
    its client). An unknown client is a ValueError naming it and the known ones."""
    try:
        backend = check_client(connection)
    except ValueError as exc:
        raise ValueError(f"config/database.py: {exc}") from None
    if backend == "postgres":
        try:
            from .postgres import PostgresDatabase, settings
        except ImportError as exc:  # the driver is an extra
            raise ValueError("config/database.py: the client 'postgres' needs psycopg 3 and psycopg_pool "
                             f"(pip install 'minikoa[postgres]'): {exc}") from None
        return PostgresDatabase(settings(connection))
    return SQLiteDatabase(database_path(connection, root))
