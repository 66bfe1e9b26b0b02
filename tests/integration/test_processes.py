"""Several processes on one database: forked writers, forked connections, a forked dispatcher."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import time

import pytest

from minikoa.db import SQLiteDatabase as Database
from tests.receiver import wait_until
from tests.webhooks.test_dispatcher import note, rows


def _writer(path: str, name: str, count: int) -> None:
    db = Database(path)
    for i in range(count):
        with db.atomic():
            n = db.scalar("SELECT count(*) FROM t")
            db.execute("INSERT INTO t (v) VALUES (?)", [f"{name}-{i}-{n}"])
    db.close()


def test_forked_processes_writing_one_file_lose_nothing(tmp_path):
    # The parent keeps its connection open across the fork, as gunicorn --preload
    # would: the children must neither use nor close it (see minikoa.db.sqlite.database).
    path = str(tmp_path / "shared.db")
    parent = Database(path)
    parent.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(path, f"p{i}", 100)) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    check = sqlite3.connect(path)
    assert check.execute("SELECT count(*) FROM t").fetchone()[0] == 400
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()
    parent.close()


def test_a_forked_child_opens_its_own_connection(tmp_path):
    db = Database(tmp_path / "f.db")
    inherited = db.conn
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=lambda: queue.put(db.conn is not inherited))
    child.start()
    child.join(timeout=30)
    assert queue.get(timeout=5) is True
    db.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_worker_delivers_with_its_own_threads(make_app, receiver):
    """gunicorn --preload: the app (and its running dispatcher) is forked; the child delivers on its own."""
    app = make_app()
    app.webhooks.create(name="a", url=receiver.url(), events=["entry.create"])
    note(app, "parent")
    receiver.wait_for(1)
    pid = os.fork()
    if pid == 0:  # the child: no pytest machinery here, and always os._exit
        code = 1
        try:
            note(app, "child")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                found = rows(app)
                if len(found) == 2 and found[1]["status"] == "delivered":
                    code = 0
                    break
                time.sleep(0.02)
        finally:
            os._exit(code)
    status = None
    deadline = time.monotonic() + 60
    while status is None and time.monotonic() < deadline:
        done, raw = os.waitpid(pid, os.WNOHANG)
        status = os.waitstatus_to_exitcode(raw) if done else None
        time.sleep(0.02)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert status == 0
    note(app, "parent again")  # and the parent's dispatcher still works
    receiver.wait_for(3)
    wait_until(lambda: "parent again" in [h.json()["entry"]["text"] for h in receiver.hits()])
    texts = [h.json()["entry"]["text"] for h in receiver.hits()]
    # At least once: under load a lease can run out mid-delivery and the row be sent again.
    assert list(dict.fromkeys(texts)) == ["parent", "child", "parent again"]
