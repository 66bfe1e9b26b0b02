"""Making the database match the schemas: tables, columns, link tables, indexes.

Run when the app is built, in every process, under a file lock so that two
gunicorn workers starting together do not both alter a table. The sync is
declarative and idempotent:

* a missing table is created (``id INTEGER PRIMARY KEY AUTOINCREMENT``, so an
  id is never reused, then ``document_id``, ``created_at``, ``updated_at``,
  ``published_at`` and one column per stored attribute);
* a new attribute adds a column (sqlite-utils ``add_column``);
* a removed attribute keeps its column and data, and is ignored;
* an attribute whose type changed is converted with sqlite-utils
  ``transform`` once every stored value is checked to convert; if one does
  not, SchemaError names the column and the value, and nothing changes;
* relations and media get link tables (``source_id`` deleted with its row,
  ``target_document_id``, ``ord``) with indexes; ``unique`` attributes get a
  unique index (two partial ones with draftAndPublish, where a document's
  draft and published rows legitimately share values).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
from collections.abc import Iterator
from typing import Any

from ..db.database import Database
from .schema import SCALAR_TYPES, Attribute, ContentType, SchemaError, Schemas

__all__ = ["sync", "SEQUENCES", "SYSTEM_COLUMNS"]

#: The table of named counters (component ids).
SEQUENCES = "minikoa_sequences"
SYSTEM_COLUMNS = ("document_id", "created_at", "updated_at", "published_at")


def _column_type(attr: Attribute) -> str:
    if attr.is_scalar:
        return SCALAR_TYPES[attr.type]
    return "TEXT"  # components, dynamic zones, media ids inside components: JSON


@contextlib.contextmanager
def _schema_lock(db: Database) -> Iterator[None]:
    if db.memory:
        yield
        return
    with open(db.path + ".schema-lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sync(db: Database, schemas: Schemas) -> None:
    """Create or evolve every table, link table and index the schemas need."""
    if not schemas.linked:
        schemas.link()
    with _schema_lock(db):
        utils = db.utils
        if not utils[SEQUENCES].exists():
            db.execute(f'CREATE TABLE IF NOT EXISTS "{SEQUENCES}" ("name" TEXT PRIMARY KEY, "value" INTEGER NOT NULL)')
        for ctype in schemas.types.values():
            _sync_type(db, ctype)
        for ctype in schemas.types.values():
            for attr in ctype:
                if attr.link is not None and attr.owner:
                    _sync_link(db, ctype, attr)


def _sync_type(db: Database, ctype: ContentType) -> None:
    d = db.dialect
    table = db.utils[ctype.table]
    wanted = {attr.column: _column_type(attr) for attr in ctype if attr.column}
    if not table.exists():
        columns = [("document_id", "TEXT NOT NULL"), *((c, t) for c, t in wanted.items()),
                   ("created_at", "TEXT"), ("updated_at", "TEXT"), ("published_at", "TEXT")]
        db.execute(d.create_table(ctype.table, columns))
    else:
        existing = {c.name: c.type.upper() for c in table.columns}
        for column in SYSTEM_COLUMNS:
            if column not in existing:
                table.add_column(column, "TEXT")
        changes: dict[str, str] = {}
        for column, sql_type in wanted.items():
            if column not in existing:
                table.add_column(column, sql_type)
            elif _affinity(existing[column]) != sql_type:
                _check_convertible(db, ctype, column, sql_type)
                changes[column] = sql_type
        if changes:
            table.transform(types=changes)
    db.execute(f"CREATE INDEX IF NOT EXISTS {d.quote('minikoa_doc_' + ctype.table)} "
               f"ON {d.quote(ctype.table)} (document_id, published_at)")
    _sync_unique(db, ctype)


def _affinity(declared: str) -> str:
    declared = declared.upper()
    if "INT" in declared:
        return "INTEGER"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "TEXT"


_CONVERT: dict[str, Any] = {
    "INTEGER": lambda v: int(v) if not isinstance(v, float) or v.is_integer() else _fail(),
    "REAL": float,
    "TEXT": str,
}


def _fail() -> None:
    raise ValueError("not a whole number")


def _check_convertible(db: Database, ctype: ContentType, column: str, sql_type: str) -> None:
    convert = _CONVERT[sql_type]
    q = db.dialect.quote
    for row_id, value in db.query(f"SELECT id, {q(column)} FROM {q(ctype.table)} WHERE {q(column)} IS NOT NULL"):
        try:
            convert(value)
        except (TypeError, ValueError):
            raise SchemaError(
                f"{ctype.source}: cannot change column {column!r} of {ctype.table!r} to {sql_type}: "
                f"row id {row_id} holds {json.dumps(value)[:60]}, which does not convert. "
                "Fix or clear that data, or keep the old type.") from None


def _sync_unique(db: Database, ctype: ContentType) -> None:
    q = db.dialect.quote
    table = q(ctype.table)
    wanted: dict[str, str] = {}
    for attr in ctype:
        if attr.column and (attr.get("unique") or attr.type == "uid") and attr.is_scalar:
            base = f"minikoa_uq_{ctype.table}_{attr.column}"
            if ctype.draft_and_publish:
                wanted[base + "_draft"] = (f"CREATE UNIQUE INDEX {q(base + '_draft')} ON {table} "
                                           f"({q(attr.column)}) WHERE published_at IS NULL")
                wanted[base + "_published"] = (f"CREATE UNIQUE INDEX {q(base + '_published')} ON {table} "
                                               f"({q(attr.column)}) WHERE published_at IS NOT NULL")
            else:
                wanted[base] = f"CREATE UNIQUE INDEX {q(base)} ON {table} ({q(attr.column)})"
    present = {row[0] for row in db.query(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name LIKE 'minikoa_uq_%'",
        [ctype.table])}
    for name in present - set(wanted):
        db.execute(f"DROP INDEX {q(name)}")
    for name in set(wanted) - present:
        try:
            db.execute(wanted[name])
        except Exception as exc:  # existing duplicates: say which column, keep the data
            raise SchemaError(f"{ctype.source}: cannot make {ctype.table}.{name.split('_uq_', 1)[1]} unique: "
                              f"{exc}") from None


def _sync_link(db: Database, ctype: ContentType, attr: Attribute) -> None:
    assert attr.link is not None
    d = db.dialect
    name = attr.link.table
    if not db.utils[name].exists():
        db.execute(d.create_table(
            name,
            [("source_id", "INTEGER NOT NULL"), ("target_document_id", "TEXT NOT NULL"), ("ord", "INTEGER")],
            foreign_keys=[("source_id", ctype.table, "id", "CASCADE")]))
    db.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {d.quote(name + '_pair')} "
               f"ON {d.quote(name)} (source_id, target_document_id)")
    db.execute(f"CREATE INDEX IF NOT EXISTS {d.quote(name + '_target')} ON {d.quote(name)} (target_document_id)")
