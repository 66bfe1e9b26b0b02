"""Database: pragmas, one connection per thread, atomic nesting, on_commit, concurrent writers."""

from __future__ import annotations

import threading

import pytest

from minikoa.db import DatabaseError, IntegrityError, UniqueViolation, connect, database_path
from minikoa.db import SQLiteDatabase as Database


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "t.db")
    database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    yield database
    database.close()


def test_pragmas(db):
    assert db.scalar("PRAGMA journal_mode") == "wal"
    assert db.scalar("PRAGMA foreign_keys") == 1
    assert db.scalar("PRAGMA busy_timeout") == 10_000


def test_one_connection_per_thread(db):
    seen = []
    thread = threading.Thread(target=lambda: seen.append(db.conn))
    thread.start()
    thread.join()
    assert seen[0] is not db.conn and db.conn is db.conn


def test_atomic_commits_rolls_back_and_nests(db):
    with db.atomic():
        db.execute("INSERT INTO t (v) VALUES ('a')")
    with pytest.raises(RuntimeError):
        with db.atomic():
            db.execute("INSERT INTO t (v) VALUES ('b')")
            raise RuntimeError
    with db.atomic():
        db.execute("INSERT INTO t (v) VALUES ('c')")
        with pytest.raises(ValueError):
            with db.atomic():
                db.execute("INSERT INTO t (v) VALUES ('d')")
                raise ValueError
        with db.atomic():
            db.execute("INSERT INTO t (v) VALUES ('e')")
    assert [r[0] for r in db.query("SELECT v FROM t ORDER BY id")] == ["a", "c", "e"]


def test_on_commit_runs_after_the_outermost_commit_only(db):
    calls = []
    db.on_commit(lambda: calls.append("now"))  # no transaction: at once
    with db.atomic():
        with db.atomic():
            db.on_commit(lambda: calls.append("inner"))
        assert calls == ["now"]
    assert calls == ["now", "inner"]
    with pytest.raises(KeyError):
        with db.atomic():
            db.on_commit(lambda: calls.append("rolled back"))
            raise KeyError
    assert calls == ["now", "inner"]


def test_memory_database_is_shared_by_threads():
    db = Database()
    db.execute("CREATE TABLE t (v)")
    thread = threading.Thread(target=lambda: db.execute("INSERT INTO t VALUES (1)"))
    thread.start()
    thread.join()
    assert db.scalar("SELECT count(*) FROM t") == 1








def test_insert_returns_the_new_id_and_constraint_errors_are_minikoas(db):
    db.execute("CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE, ref INTEGER NOT NULL)")
    sql = db.dialect.insert("u", ["email", "ref"])
    assert db.insert(sql, ["a@x.io", 1]) == 1 and db.insert(sql, ["b@x.io", 2]) == 2
    with pytest.raises(UniqueViolation) as caught:
        db.execute(sql, ["a@x.io", 3])
    assert caught.value.table == "u" and caught.value.columns == ("email",)
    with pytest.raises(IntegrityError) as other:
        db.execute(sql, ["c@x.io", None])
    assert not isinstance(other.value, UniqueViolation)
    with pytest.raises(DatabaseError):
        db.execute("SELECT nope FROM u")
    assert db.scalar("SELECT count(*) FROM u") == 2


def test_connect_reads_strapis_config_and_refuses_unknown_clients(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_FILENAME", raising=False)
    monkeypatch.delenv("DATABASE_CLIENT", raising=False)
    db = connect({"client": "sqlite", "connection": {"filename": "data/x.db"}}, tmp_path)
    assert db.path == str(tmp_path / "data" / "x.db") and isinstance(db, Database)
    db.close()
    assert database_path({}, tmp_path) == str(tmp_path / ".tmp" / "data.db")
    monkeypatch.setenv("DATABASE_FILENAME", str(tmp_path / "env.db"))
    assert database_path({"connection": {"filename": "ignored.db"}}, tmp_path) == str(tmp_path / "env.db")
    with pytest.raises(ValueError, match="unknown database client 'mysql'"):
        connect({"client": "mysql"}, tmp_path)
    monkeypatch.setenv("DATABASE_CLIENT", "oracle")
    with pytest.raises(ValueError, match="'oracle'"):
        connect({"client": "sqlite"}, tmp_path)
