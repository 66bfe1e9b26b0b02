"""Column types as the model layer means them; each dialect says how its database stores them.

A field type declares one of these (an ``integer`` attribute is
``ColumnType.INTEGER``, a ``json`` one ``ColumnType.JSON``); the dialect maps
it to SQL (``INTEGER``, ``REAL`` and ``TEXT`` on SQLite; ``integer``,
``numeric`` and ``jsonb`` where a database has them) and back, when it reads
what a table already has.
"""

from __future__ import annotations

import enum

__all__ = ["ColumnType"]


class ColumnType(str, enum.Enum):
    """A database-neutral column type."""

    TEXT = "text"
    #: a 32-bit integer
    INTEGER = "integer"
    #: a 64-bit integer
    BIGINT = "bigint"
    FLOAT = "float"
    #: an exact decimal where the database has one
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    #: a JSON document
    JSON = "json"
    DATE = "date"
    TIME = "time"
    #: an instant, in UTC
    DATETIME = "datetime"
