"""The SQLite backend: the embedded default, one file shared by every worker on a machine (WAL)."""

from .database import SQLiteDatabase
from .dialect import SQLiteDialect
from .schema import SQLiteSchemaEditor

__all__ = ["SQLiteDatabase", "SQLiteDialect", "SQLiteSchemaEditor"]
