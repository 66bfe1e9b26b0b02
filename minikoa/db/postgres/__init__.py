"""The PostgreSQL backend (``config/database.py``'s client ``postgres``): many app servers, one database.

Needs the ``postgres`` extra (psycopg 3 and psycopg_pool); only this
subpackage imports them, and only when a project asks for PostgreSQL.
"""

from .database import PostgresDatabase
from .dialect import PostgresDialect
from .schema import PostgresSchemaEditor
from .settings import Settings, settings

__all__ = ["PostgresDatabase", "PostgresDialect", "PostgresSchemaEditor", "Settings", "settings"]
