"""What a database refused, in terms the layers above understand, whatever the driver.

Backends turn their driver's exceptions into these, so nothing above ``db/``
needs to know which driver runs or parse its messages.
"""

from __future__ import annotations

__all__ = ["DatabaseError", "IntegrityError", "UniqueViolation", "SchemaChangeError"]


class DatabaseError(Exception):
    """Any error the database reported."""


class IntegrityError(DatabaseError):
    """A write that breaks a constraint (not null, foreign key, check, unique)."""


class UniqueViolation(IntegrityError):
    """A write that would duplicate a unique value: ``table`` and the ``columns`` at fault, when known."""

    def __init__(self, message: str, table: str | None = None, columns: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.table = table
        self.columns = columns


class SchemaChangeError(DatabaseError):
    """A table cannot be made to match its spec without losing data.

    ``table`` and ``column`` name the place; for a type change ``reason`` is
    the new SQL type and ``row_id`` and ``value`` the stored value that does
    not convert, otherwise ``reason`` says what went wrong.
    """

    def __init__(self, table: str, column: str, reason: str, row_id: int | None = None,
                 value: object = None) -> None:
        super().__init__(f"{table}.{column}: {reason}")
        self.table = table
        self.column = column
        self.reason = reason
        self.row_id = row_id
        self.value = value
