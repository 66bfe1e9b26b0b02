"""Claiming outbox rows from many workers at once: each row once; on PostgreSQL, without waiting for each other.

SQLite serialises claimers with its write lock; PostgreSQL's claim locks the
row it picks and skips rows other claimers hold (``FOR UPDATE SKIP LOCKED``),
so a claimer whose transaction is still open never holds the others up.
"""

from __future__ import annotations

import threading
import time

import pytest

from minikoa.db import connect
from minikoa.webhooks.outbox import Outbox
from minikoa.webhooks.tables import HOOKS, create


@pytest.fixture
def outbox(tmp_path, database_config):
    db = connect(database_config("claim.db"), tmp_path)
    create(db)
    columns = ("name", "url", "events", "headers", "enabled", "secret", "source")
    for n in range(1, 5):  # webhooks 1 to 4, for the rows to go to
        db.insert(db.dialect.insert(HOOKS, columns),
                  [f"h{n}", "https://example.com/", '["entry.create"]', "{}", True, "whsec_x", "api"])
    box = Outbox(lambda: db, db.dialect, lambda: None)
    yield box, db
    db.close()


def test_concurrent_claimers_take_each_row_once(outbox):
    box, db = outbox
    for i in range(40):
        box.queue(i % 4 + 1, "entry.create", {"n": i})
    taken: list[int] = []
    lock = threading.Lock()

    def work(owner: str) -> None:
        while (delivery := box.claim(owner, lease=60, per_webhook=100)) is not None:
            with lock:
                taken.append(delivery["id"])

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(taken) == list(range(1, 41))
    assert db.scalar("SELECT count(*) FROM minikoa_webhook_outbox WHERE status = 'delivering'") == 40


def test_a_claim_in_an_open_transaction_does_not_hold_up_another_claimer(outbox, database_config):
    box, db = outbox
    if db.dialect.name != "postgres":
        pytest.skip("SQLite has no row locks: its claimers take turns under the write lock")
    first_id = box.queue(1, "entry.create", {"n": 1})
    second_id = box.queue(1, "entry.create", {"n": 2})
    held = threading.Event()
    release = threading.Event()
    got: list[int] = []

    def slow_claimer() -> None:
        with db.atomic():  # the claim's row stays locked until this transaction ends
            delivery = box.claim("slow", lease=60, per_webhook=100)
            assert delivery is not None
            got.append(delivery["id"])
            held.set()
            release.wait(30)

    thread = threading.Thread(target=slow_claimer)
    thread.start()
    try:
        assert held.wait(30)
        started = time.monotonic()
        other = box.claim("fast", lease=60, per_webhook=100)
        waited = time.monotonic() - started
    finally:
        release.set()
        thread.join(30)
    assert got == [first_id] and other is not None and other["id"] == second_id
    assert waited < 5  # it skipped the locked row instead of waiting for the slow claimer to commit
