"""The database: connections, transactions and the SQL dialect.

Only this package talks to a database driver; every piece of SQL text that
differs between databases is a method of the dialect.
"""

from .database import Database
from .dialect import SQLiteDialect

__all__ = ["Database", "SQLiteDialect"]
