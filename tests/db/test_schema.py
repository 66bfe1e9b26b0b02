"""Schema sync of table specs: create, add, convert or refuse, managed indexes, idempotence; on SQLite and
PostgreSQL alike."""

from __future__ import annotations

import pytest

from minikoa.db import Column, ColumnType, ForeignKey, Index, SchemaChangeError, Table, connect, sync


@pytest.fixture
def db(tmp_path, database_config):
    database = connect(database_config("s.db"), tmp_path)
    yield database
    database.close()


def sql_type(db, kind: ColumnType) -> str:
    """How ``db`` declares a column of ``kind`` (what its editor reports)."""
    return db.dialect.column_type(kind)


def things(*columns: Column, indexes: tuple[Index, ...] = ()) -> Table:
    return Table("things", (Column("name", ColumnType.TEXT, nullable=False), *columns), indexes,
                 managed_prefix="uq_things_")


def test_create_is_idempotent_and_ids_are_never_reused(db):
    table = things(Column("count", ColumnType.INTEGER))
    sync(db, [table])
    sync(db, [table])
    editor = db.schema_editor()
    assert editor.table_exists("things") and dict(editor.columns("things")) == {
        "id": sql_type(db, ColumnType.BIGINT), "name": sql_type(db, ColumnType.TEXT),
        "count": sql_type(db, ColumnType.INTEGER)}
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
    assert db.schema_editor().columns("things")["n"] == sql_type(db, ColumnType.TEXT)  # nothing changed
    sync(db, [things(Column("n", ColumnType.FLOAT))])
    assert db.schema_editor().columns("things")["n"] == sql_type(db, ColumnType.FLOAT)
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


def test_whole_numbers_and_booleans_convert_both_ways(db):
    sync(db, [things(Column("n", ColumnType.FLOAT), Column("flag", ColumnType.BOOLEAN))])
    db.execute(db.dialect.insert("things", ["name", "n", "flag"]), ["a", 3.0, True])
    db.execute(db.dialect.insert("things", ["name", "n", "flag"]), ["b", None, False])
    sync(db, [things(Column("n", ColumnType.INTEGER), Column("flag", ColumnType.INTEGER))])
    assert db.query("SELECT n, flag FROM things ORDER BY id") == [(3, 1), (None, 0)]
    sync(db, [things(Column("n", ColumnType.TEXT), Column("flag", ColumnType.BOOLEAN))])
    assert [(r[0], bool(r[1])) for r in db.query("SELECT n, flag FROM things ORDER BY id")] == [
        ("3", True), (None, False)]


def test_two_processes_syncing_at_once_take_turns(db, database_config):
    """The schema lock: concurrent syncs of the same new tables both succeed and create them once."""
    import threading

    tables = [things(Column("n", ColumnType.INTEGER), indexes=(Index("uq_things_name", ("name",), unique=True),))]
    errors: list[BaseException] = []
    others = [connect(database_config("s.db"), None) for _ in range(3)]

    def run(other):
        try:
            sync(other, tables)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(other,)) for other in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for other in others:
        other.close()
    assert errors == []
    assert db.schema_editor().index_names("things", "uq_things_") == ["uq_things_name"]
