"""Schema sync of table specs: create, add, convert or refuse, managed indexes, idempotence."""

from __future__ import annotations

import pytest

from minikoa.db import Column, ColumnType, ForeignKey, Index, SchemaChangeError, SQLiteDatabase, Table, sync


@pytest.fixture
def db(tmp_path):
    database = SQLiteDatabase(tmp_path / "s.db")
    yield database
    database.close()


def things(*columns: Column, indexes: tuple[Index, ...] = ()) -> Table:
    return Table("things", (Column("name", ColumnType.TEXT, nullable=False), *columns), indexes,
                 managed_prefix="uq_things_")


def test_create_is_idempotent_and_ids_are_never_reused(db):
    table = things(Column("count", ColumnType.INTEGER))
    sync(db, [table])
    sync(db, [table])
    editor = db.schema_editor()
    assert editor.table_exists("things") and dict(editor.columns("things")) == {
        "id": "INTEGER", "name": "TEXT", "count": "INTEGER"}
    db.execute("INSERT INTO things (name) VALUES ('a')")
    db.execute("DELETE FROM things")
    assert db.insert(db.dialect.insert("things", ["name"]), ["b"]) == 2


def test_new_columns_are_added_and_removed_ones_kept(db):
    sync(db, [things(Column("old", ColumnType.TEXT))])
    db.execute("INSERT INTO things (name, old) VALUES ('a', 'kept')")
    sync(db, [things(Column("ratio", ColumnType.FLOAT))])
    assert set(db.schema_editor().columns("things")) == {"id", "name", "old", "ratio"}
    assert db.query("SELECT old, ratio FROM things") == [("kept", None)]


def test_type_changes_convert_or_are_refused_with_the_value(db):
    sync(db, [things(Column("n", ColumnType.TEXT))])
    db.execute("INSERT INTO things (name, n) VALUES ('a', '7'), ('b', '8.5')")
    with pytest.raises(SchemaChangeError) as caught:
        sync(db, [things(Column("n", ColumnType.INTEGER))])
    assert (caught.value.column, caught.value.row_id, caught.value.value) == ("n", 2, "8.5")
    assert db.schema_editor().columns("things")["n"] == "TEXT"  # nothing changed
    sync(db, [things(Column("n", ColumnType.FLOAT))])
    assert db.schema_editor().columns("things")["n"] == "REAL"
    assert [r[0] for r in db.query("SELECT n FROM things ORDER BY id")] == [7.0, 8.5]


def test_managed_indexes_are_exactly_the_ones_listed(db):
    unique = Index("uq_things_name", ("name",), unique=True)
    sync(db, [things(indexes=(unique, Index("things_plain", ("name",))))])
    editor = db.schema_editor()
    assert editor.index_names("things", "uq_things_") == ["uq_things_name"]
    sync(db, [things()])  # the unique index is no longer wanted: dropped; the plain one stays
    assert editor.index_names("things", "uq_things_") == []
    assert editor.index_names("things", "things_") == ["things_plain"]
    db.execute("INSERT INTO things (name) VALUES ('twice'), ('twice')")
    with pytest.raises(SchemaChangeError, match="uq_things_name"):
        sync(db, [things(indexes=(unique,))])


def test_partial_unique_indexes_and_foreign_keys(db):
    sync(db, [Table("docs", (Column("slug", ColumnType.TEXT), Column("published_at", ColumnType.DATETIME)),
                    (Index("uq_docs_draft", ("slug",), unique=True, where="published_at IS NULL"),),
                    managed_prefix="uq_docs_"),
              Table("links", (Column("doc_id", ColumnType.BIGINT, nullable=False),),
                    foreign_keys=(ForeignKey("doc_id", "docs"),))])
    db.execute("INSERT INTO docs (slug, published_at) VALUES ('a', NULL), ('a', '2026-01-01')")
    db.execute("INSERT INTO links (doc_id) VALUES (1)")
    db.execute("DELETE FROM docs WHERE id = 1")
    assert db.scalar("SELECT count(*) FROM links") == 0  # deleted with the row it points at
