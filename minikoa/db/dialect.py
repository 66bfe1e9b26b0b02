"""The SQL dialect seam: every piece of SQL text that differs between databases.

The query engine and the document service build SQL only through these
methods, so a PostgreSQL dialect (``%s`` placeholders, ``jsonb`` operators,
``ILIKE``, ``RETURNING``) can be added beside this one without touching
them. Identifiers only ever come from schemas, never from requests; they are
quoted anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["SQLiteDialect"]


class SQLiteDialect:
    name = "sqlite"
    placeholder = "?"
    #: SQLite's default limit on bound parameters is 32766 (since 3.32); stay well under.
    max_params = 900

    def quote(self, identifier: str) -> str:
        return '"' + identifier.replace('"', '""') + '"'

    def column(self, alias: str, column: str) -> str:
        return f"{alias}.{self.quote(column)}"

    def params(self, count: int) -> str:
        return ", ".join("?" * count)

    # -- operators --------------------------------------------------------

    @staticmethod
    def glob_escape(value: str) -> str:
        """``value`` with GLOB's wildcards made literal."""
        return value.replace("[", "[[]").replace("*", "[*]").replace("?", "[?]")

    def match_text(self, expr: str, mode: str, insensitive: bool, value: str) -> tuple[str, list[str]]:
        """SQL and parameters for a text match: ``mode`` is contains, starts, ends or equals.

        GLOB is case-sensitive and its wildcards escape cleanly, so it serves
        all four; the case-insensitive forms lower() both sides (ASCII, as
        Strapi's SQLite queries do).
        """
        if mode == "equals":
            return (f"lower({expr}) = lower(?)", [value]) if insensitive else (f"{expr} = ?", [value])
        pattern = self.glob_escape(value)
        pattern = {"contains": f"*{pattern}*", "starts": f"{pattern}*", "ends": f"*{pattern}"}[mode]
        if insensitive:
            return f"lower({expr}) GLOB lower(?)", [pattern]
        return f"{expr} GLOB ?", [pattern]

    # -- JSON -------------------------------------------------------------

    def json_get(self, expr: str, key: str) -> str:
        """The value at ``key`` of the JSON object in ``expr``."""
        return f"json_extract({expr}, {self.json_path(key)})"

    @staticmethod
    def json_path(key: str) -> str:
        return "'$.\"" + key.replace("'", "''").replace('"', '\\"') + "\"'"

    def json_each(self, expr: str, alias: str) -> str:
        """A table of the elements of the JSON array in ``expr`` (column ``value``)."""
        return f"json_each({expr}) AS {alias}"

    # -- DDL --------------------------------------------------------------

    def create_table(self, table: str, columns: Iterable[tuple[str, str]],
                     foreign_keys: Sequence[tuple[str, str, str, str]] = ()) -> str:
        """``CREATE TABLE`` with an ``id`` that is never reused (AUTOINCREMENT).

        ``foreign_keys``: ``(column, other table, other column, on delete)``.
        """
        parts = ['"id" INTEGER PRIMARY KEY AUTOINCREMENT']
        parts += [f"{self.quote(name)} {sql_type}" for name, sql_type in columns]
        parts += [f"FOREIGN KEY ({self.quote(col)}) REFERENCES {self.quote(other)}({self.quote(other_col)}) "
                  f"ON DELETE {on_delete}" for col, other, other_col, on_delete in foreign_keys]
        return f"CREATE TABLE {self.quote(table)} (\n  " + ",\n  ".join(parts) + "\n)"
