"""``config/database.py`` for PostgreSQL, in Strapi's keys, as what psycopg connects with.

Strapi's shape: ``{"client": "postgres", "connection": {"host", "port",
"database", "user", "password", "ssl", "schema"} or {"connectionString"},
"pool": {"min", "max"}}``. Strapi's environment names fill what the file
does not say: ``DATABASE_URL`` (the connection string), ``DATABASE_HOST``,
``DATABASE_PORT``, ``DATABASE_NAME``, ``DATABASE_USERNAME``,
``DATABASE_PASSWORD``, ``DATABASE_SCHEMA``, ``DATABASE_SSL``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from psycopg.conninfo import conninfo_to_dict, make_conninfo

__all__ = ["Settings", "settings"]

#: Strapi's defaults (its knex pool: min 2, max 10).
POOL_MIN, POOL_MAX = 2, 10


@dataclass(frozen=True)
class Settings:
    """What a PostgreSQL database is opened with."""

    #: libpq's connection string (key=value form), password included
    conninfo: str
    #: the schema tables live in (``search_path``), or None for the server's default (``public``)
    schema: str | None
    pool_min: int
    pool_max: int

    @property
    def address(self) -> str:
        """Where the database is, for messages: never the password."""
        info = conninfo_to_dict(self.conninfo)
        where = f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"
        return f"postgres://{where}" + (f"?schema={self.schema}" if self.schema else "")


def _ssl(value: Any) -> dict[str, str]:
    """Strapi's ``ssl``: false/None (libpq's default), true (required), or an object of libpq's ssl* keys
    (``{"rejectUnauthorized": true}`` means verify the server's certificate)."""
    if value in (None, False, "false", "0", ""):
        return {}
    if isinstance(value, Mapping):
        mode = "verify-full" if value.get("rejectUnauthorized") else "require"
        keys = {"ca": "sslrootcert", "cert": "sslcert", "key": "sslkey"}
        return {"sslmode": mode, **{keys[k]: str(v) for k, v in value.items() if k in keys}}
    return {"sslmode": "require"}


def settings(connection: Mapping[str, Any]) -> Settings:
    """The settings ``config/database.py``'s ``connection`` (and Strapi's environment variables) describe."""
    options = connection.get("connection") or {}
    if not isinstance(options, Mapping):
        raise ValueError("config/database.py: connection.connection must be an object")
    env = os.environ
    url = options.get("connectionString") or env.get("DATABASE_URL")
    params: dict[str, Any] = {}
    if url:
        params.update(conninfo_to_dict(url))
    given = {"host": options.get("host") or env.get("DATABASE_HOST"),
             "port": options.get("port") or env.get("DATABASE_PORT"),
             "dbname": options.get("database") or env.get("DATABASE_NAME"),
             "user": options.get("user") or env.get("DATABASE_USERNAME"),
             "password": options.get("password") or env.get("DATABASE_PASSWORD")}
    # Separate keys complete a connection string; they never override what it says.
    params.update({key: str(value) for key, value in given.items() if value is not None and key not in params})
    params.update(_ssl(options.get("ssl", env.get("DATABASE_SSL"))))
    params.setdefault("application_name", "minikoa")
    pool = connection.get("pool") or {}
    pool_min = int(pool.get("min", POOL_MIN))
    pool_max = max(int(pool.get("max", POOL_MAX)), pool_min, 1)
    schema = options.get("schema") or env.get("DATABASE_SCHEMA") or None
    return Settings(make_conninfo("", **params), schema, pool_min, pool_max)
