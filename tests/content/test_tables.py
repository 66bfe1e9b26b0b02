"""Table sync: create, evolve (add, keep, convert or refuse), link tables, unique indexes."""

from __future__ import annotations

import pytest

from minikoa.content.schema import SchemaError, Schemas
from minikoa.content.tables import sync
from minikoa.db import SQLiteDatabase as Database


def thing(attributes, dp=False):
    return {"kind": "collectionType", "collectionName": "things",
            "info": {"singularName": "thing", "pluralName": "things"},
            "options": {"draftAndPublish": dp}, "attributes": attributes}


def build(db, attributes, dp=False, extra=None):
    schemas = Schemas()
    schemas.register("api::thing.thing", thing(attributes, dp))
    for uid, schema in (extra or {}).items():
        schemas.register(uid, schema)
    sync(db, schemas)
    return schemas


def columns(db, table="things"):
    return dict(db.schema_editor().columns(table))


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "t.db")
    yield database
    database.close()


def test_create_with_system_columns_and_autoincrement(db):
    build(db, {"name": {"type": "string"}, "count": {"type": "integer"}, "ratio": {"type": "float"},
               "flag": {"type": "boolean"}, "data": {"type": "json"}, "bornOn": {"type": "date"}})
    assert columns(db) == {"id": "INTEGER", "document_id": "TEXT", "name": "TEXT", "count": "INTEGER",
                           "ratio": "REAL", "flag": "INTEGER", "data": "TEXT", "born_on": "TEXT",
                           "created_at": "TEXT", "updated_at": "TEXT", "published_at": "TEXT"}
    assert "AUTOINCREMENT" in db.scalar("SELECT sql FROM sqlite_master WHERE name = 'things'")
    db.execute("INSERT INTO things (document_id) VALUES ('a')")
    db.execute("DELETE FROM things")
    db.execute("INSERT INTO things (document_id) VALUES ('b')")
    assert db.scalar("SELECT id FROM things") == 2  # ids are never reused


def test_evolution_adds_keeps_and_converts(db):
    build(db, {"name": {"type": "string"}, "count": {"type": "string"}, "old": {"type": "string"}})
    db.execute("INSERT INTO things (document_id, name, count, old) VALUES ('a', 'x', '42', 'keep me')")
    build(db, {"name": {"type": "string"}, "count": {"type": "integer"}, "added": {"type": "boolean"}})
    cols = columns(db)
    assert cols["count"] == "INTEGER" and cols["added"] == "INTEGER" and "old" in cols
    assert db.query("SELECT name, count, old, added FROM things") == [("x", 42, "keep me", None)]
    assert "AUTOINCREMENT" in db.scalar("SELECT sql FROM sqlite_master WHERE name = 'things'")


def test_a_type_change_that_would_lose_data_is_refused(db):
    build(db, {"count": {"type": "string"}})
    db.execute("INSERT INTO things (document_id, count) VALUES ('a', 'forty-two')")
    with pytest.raises(SchemaError, match=r"cannot change column 'count'.*row id 1 holds \"forty-two\""):
        build(db, {"count": {"type": "integer"}})
    assert columns(db)["count"] == "TEXT"
    assert db.scalar("SELECT count FROM things") == "forty-two"


def test_unique_indexes_plain_and_draft_and_publish(db):
    build(db, {"code": {"type": "string", "unique": True}})
    db.execute("INSERT INTO things (document_id, code) VALUES ('a', 'x')")
    with pytest.raises(Exception, match="UNIQUE"):
        db.execute("INSERT INTO things (document_id, code) VALUES ('b', 'x')")
    build(db, {"code": {"type": "string"}})  # no longer unique: the index goes
    db.execute("INSERT INTO things (document_id, code) VALUES ('b', 'x')")


def test_unique_with_draft_and_publish_allows_a_documents_two_rows(tmp_path):
    db = Database(tmp_path / "dp.db")
    build(db, {"code": {"type": "string", "unique": True}}, dp=True)
    db.execute("INSERT INTO things (document_id, code, published_at) VALUES ('a', 'x', NULL)")
    db.execute("INSERT INTO things (document_id, code, published_at) VALUES ('a', 'x', '2026-01-01')")
    with pytest.raises(Exception, match="UNIQUE"):
        db.execute("INSERT INTO things (document_id, code, published_at) VALUES ('b', 'x', NULL)")
    db.close()


def test_link_tables_cascade_with_their_source_row(db):
    tag = {"kind": "collectionType", "collectionName": "tags", "info": {"singularName": "tag", "pluralName": "tags"},
           "attributes": {"label": {"type": "string"}}}
    build(db, {"tags": {"type": "relation", "relation": "manyWay", "target": "api::tag.tag"}},
          extra={"api::tag.tag": tag})
    db.execute("INSERT INTO things (document_id) VALUES ('a')")
    db.execute("INSERT INTO things_tags_lnk (source_id, target_document_id, ord) VALUES (1, 't1', 1)")
    db.execute("DELETE FROM things WHERE id = 1")
    assert db.scalar("SELECT count(*) FROM things_tags_lnk") == 0
    indexes = {row[0] for row in db.query("SELECT name FROM sqlite_master WHERE tbl_name = 'things_tags_lnk' "
                                          "AND type = 'index'")}
    assert {"things_tags_lnk_pair", "things_tags_lnk_target"} <= indexes
