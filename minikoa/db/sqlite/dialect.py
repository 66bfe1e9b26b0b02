"""SQLite's SQL: ``?`` parameters, GLOB for case-sensitive matching, ``json_extract``/``json_each``,
``INSERT OR IGNORE``, ``instr``, and its three storage classes for column types."""

from __future__ import annotations

from ..dialect import Dialect, TextMatch
from ..types import ColumnType

__all__ = ["SQLiteDialect"]


class SQLiteDialect(Dialect):
    name = "sqlite"
    param = "?"
    #: SQLite's default limit on bound parameters is 32766 (since 3.32); stay well under.
    max_params = 900
    true = "1"
    false = "0"
    #: no row locks: ``BEGIN IMMEDIATE`` takes the database's write lock instead
    row_locks = False
    # Storage classes, which tables made by earlier versions already use: changing
    # these would make every existing table look changed.
    column_types = {
        ColumnType.TEXT: "TEXT", ColumnType.INTEGER: "INTEGER", ColumnType.BIGINT: "INTEGER",
        ColumnType.FLOAT: "REAL", ColumnType.DECIMAL: "REAL", ColumnType.BOOLEAN: "INTEGER",
        ColumnType.JSON: "TEXT", ColumnType.DATE: "TEXT", ColumnType.TIME: "TEXT", ColumnType.DATETIME: "TEXT",
    }

    def insert_or_ignore(self, table: str, columns: list[str] | tuple[str, ...]) -> str:  # type: ignore[override]
        return "INSERT OR IGNORE" + self.insert(table, columns)[len("INSERT"):]

    def limit_offset(self, limit: int | None, offset: int) -> tuple[str, list[int]]:
        # SQLite needs a LIMIT for an OFFSET: the largest integer stands for none.
        return " LIMIT ? OFFSET ?", [2**63 - 1 if limit is None else limit, offset]

    def order_by(self, expr: str, desc: bool) -> str:
        return f"{expr} {'DESC' if desc else 'ASC'}"  # NULLs are already the smallest values

    @staticmethod
    def glob_escape(value: str) -> str:
        """``value`` with GLOB's wildcards made literal."""
        return value.replace("[", "[[]").replace("*", "[*]").replace("?", "[?]")

    def match_text(self, expr: str, mode: TextMatch, insensitive: bool, value: str) -> tuple[str, list[str]]:
        # GLOB is case-sensitive and its wildcards escape cleanly, so it serves all four;
        # the case-insensitive forms lower() both sides (ASCII, as Strapi's SQLite queries do).
        if mode == "equals":
            return (f"lower({expr}) = lower(?)", [value]) if insensitive else (f"{expr} = ?", [value])
        pattern = self.glob_escape(value)
        pattern = {"contains": f"*{pattern}*", "starts": f"{pattern}*", "ends": f"*{pattern}"}[mode]
        if insensitive:
            return f"lower({expr}) GLOB lower(?)", [pattern]
        return f"{expr} GLOB ?", [pattern]

    def text_contains(self, expr: str) -> str:
        return f"instr({expr}, ?) > 0"

    def json_get(self, expr: str, key: str, kind: ColumnType | None = None) -> str:
        # json_extract gives SQL values (integers, reals, text), which compare as the column's would.
        return f"json_extract({expr}, {self.json_path(key)})"

    @staticmethod
    def json_path(key: str) -> str:
        return "'$.\"" + key.replace("'", "''").replace('"', '\\"') + "\"'"

    def json_each(self, expr: str, alias: str) -> str:
        return f"json_each({expr}) AS {alias}"

    def json_element(self, alias: str, kind: ColumnType | None = None) -> str:
        return f"{alias}.value"

    def same_type(self, declared: str, kind: ColumnType) -> bool:
        # What SQLite stores is decided by the declared type's affinity, not its spelling.
        return _affinity(declared) == self.column_types[kind]

    def id_column(self, autoincrement: bool) -> str:
        return '"id" INTEGER PRIMARY KEY' + (" AUTOINCREMENT" if autoincrement else "")


def _affinity(declared: str) -> str:
    declared = declared.upper()
    if "INT" in declared:
        return "INTEGER"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "TEXT"
