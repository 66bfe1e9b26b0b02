"""The webhook layer's steps and tables: nothing happens on reads, tables and declared webhooks at build,
the dispatcher on pending work or the first event; databases made by earlier versions keep working; every
statement is written through the dialect."""

from __future__ import annotations

import sqlite3

import pytest

from minikoa.db import Dialect
from minikoa.webhooks import outbox, registry
from minikoa.webhooks.tables import ATTEMPTS, EVENTS, HOOKS, OUTBOX
from tests.receiver import NOTE, AppFactory


@pytest.fixture
def sqlite_app(tmp_path, receiver):
    """Apps on SQLite files in tmp_path only: for what these tests read in the file itself."""
    factory = AppFactory(tmp_path)
    yield factory
    receiver.release()
    factory.close()

#: The tables as minikoa created them by hand before they were ``minikoa.db`` specs.
LEGACY = [
    f"CREATE TABLE IF NOT EXISTS {HOOKS} (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, "
    "url TEXT NOT NULL, events TEXT NOT NULL, headers TEXT NOT NULL, enabled INTEGER NOT NULL, "
    "secret TEXT NOT NULL, source TEXT NOT NULL DEFAULT 'api', disabled_reason TEXT, created_at TEXT, "
    "updated_at TEXT)",
    f"CREATE TABLE IF NOT EXISTS {EVENTS} (id INTEGER PRIMARY KEY, event TEXT NOT NULL, payload TEXT NOT NULL, "
    "hooks TEXT NOT NULL, created_at REAL NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {OUTBOX} (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    f"webhook_id INTEGER NOT NULL REFERENCES {HOOKS}(id) ON DELETE CASCADE, event TEXT NOT NULL, "
    "payload TEXT NOT NULL, message_id TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, "
    "next_attempt_at REAL NOT NULL, lease_until REAL, lease_owner TEXT, last_status INTEGER, last_error TEXT, "
    "created_at REAL NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {OUTBOX}_due ON {OUTBOX} (status, next_attempt_at)",
    f"CREATE TABLE IF NOT EXISTS {ATTEMPTS} (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    f"outbox_id INTEGER NOT NULL REFERENCES {OUTBOX}(id) ON DELETE CASCADE, webhook_id INTEGER NOT NULL, "
    "attempt INTEGER NOT NULL, at TEXT NOT NULL, status_code INTEGER, duration_ms REAL, error TEXT)",
    f"CREATE INDEX IF NOT EXISTS {ATTEMPTS}_hook ON {ATTEMPTS} (webhook_id, id)",
]


def _schema(path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE 'minikoa_webhook%' "
                            "ORDER BY name").fetchall()
    finally:
        conn.close()


def test_reading_app_webhooks_does_nothing_and_build_sets_them_up(sqlite_app, tmp_path):
    app = sqlite_app(build=False)
    hooks = app.webhooks
    assert hooks is app.webhooks and not hooks.ready
    assert app._db is None and not (tmp_path / "w.db").exists()  # no database opened, no table made
    app.build()
    assert hooks.ready and hooks.dispatcher is None  # nothing pending: no thread started
    assert {name for name, _ in _schema(tmp_path / "w.db")} >= {HOOKS, EVENTS, OUTBOX, ATTEMPTS}


def test_a_method_on_an_app_not_built_sets_the_webhooks_up_first(make_app, receiver):
    app = make_app({"endpoints": [{"name": "declared", "url": receiver.url("/d"), "events": ["entry.create"]}]},
                   build=False)
    hook = app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    assert app.webhooks.ready and [h["name"] for h in app.webhooks.list()] == ["declared", "a"]
    assert app.webhooks.dispatcher is None  # the dispatcher waits for the first event
    app.documents(NOTE).create(data={"text": "recorded"})
    (hit,) = receiver.wait_for(1)
    assert hit.json()["entry"]["text"] == "recorded" and app.webhooks.dispatcher is not None
    app.build()  # set up already: nothing is done twice
    assert [h["id"] for h in app.webhooks.list()][1] == hook["id"]


def test_a_database_made_by_earlier_versions_syncs_unchanged_and_delivers(sqlite_app, receiver, tmp_path):
    path = tmp_path / "w.db"
    conn = sqlite3.connect(path)
    for statement in LEGACY:
        conn.execute(statement)
    conn.execute(f"INSERT INTO {HOOKS} (name, url, events, headers, enabled, secret, created_at, updated_at) "
                 "VALUES ('old', ?, '[\"entry.create\"]', '{}', 1, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', "
                 "'2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')", [receiver.url("/left")])
    # A delivery the old version left pending: delivered at the next start.
    conn.execute(f"INSERT INTO {OUTBOX} (webhook_id, event, payload, message_id, status, next_attempt_at, "
                 "created_at) VALUES (1, 'entry.create', '{\"left\": true}', 'msg_left', 'pending', 0, 0)")
    conn.commit()
    conn.close()
    before = _schema(path)

    app = sqlite_app()
    assert _schema(path) == before  # nothing altered, nothing added
    (hit,) = receiver.wait_for(1, "/left")
    assert hit.id == "msg_left" and hit.json() == {"left": True}
    (old,) = app.webhooks.list()
    assert old["name"] == "old" and old["source"] == "api" and old["enabled"] is True
    app.webhooks.update(old["id"], url=receiver.url())
    app.documents(NOTE).create(data={"text": "new"})
    assert receiver.wait_for(1)[0].json()["entry"]["text"] == "new"


def test_every_statement_is_written_through_the_dialect():
    class Numbered(Dialect):
        """A dialect unlike SQLite's in every way the webhook statements could show."""

        param = "$?"

        def quote(self, identifier: str) -> str:
            return f"`{identifier}`"

        def text_contains(self, expr: str) -> str:
            return f"contains({expr}, {self.param})"

    dialect = Numbered()
    statements = {**vars(registry._Statements(dialect)), **vars(outbox._Statements(dialect))}
    assert statements
    for name, sql in statements.items():
        bare = sql.replace("$?", "")
        assert "?" not in bare, (name, sql)  # every placeholder is the dialect's
        assert "instr(" not in sql and "AUTOINCREMENT" not in sql, (name, sql)
        for table in (HOOKS, EVENTS, OUTBOX, ATTEMPTS):  # every table name is quoted by the dialect
            assert sql.count(table) == sql.count(f"`{table}`"), (name, sql)
