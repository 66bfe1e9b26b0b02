"""Delivering the webhook outbox: a few threads per process, leases, retries.

Each process (a gunicorn worker, a test, a script) runs its own small pool
of threads, started on the first event or when the app starts with webhooks
to deliver, and started afresh in a forked child. Requests never wait for a
delivery: a write only records its events, and wakes the pool after its
commit; the pool fans them out into outbox rows, one per webhook.

**Claiming.** A thread takes the next due row with one atomic UPDATE that
sets a lease (``lease_until``, ``lease_owner``), skipping webhooks that
already have ``perWebhook`` attempts in flight here; several workers sharing the
database each deliver a row once in normal operation, and a row whose worker
died mid-attempt is taken again once its lease has expired. Delivery is
therefore at least once; a receiver tells repeats apart by ``webhook-id``,
which stays the same across retries.

**Attempts.** POST of the JSON payload, redirects not followed, a timeout per
attempt (15 s by default). Any 2xx is success. 410 Gone disables the
webhook. Otherwise the row is retried on the Standard Webhooks schedule
(5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h) with jitter, later if
the receiver's ``Retry-After`` asks, and marked failed after the last
attempt. Every attempt is logged (time, status code, duration, error); the
receiver's body is not kept.

**Stopping.** ``stop(deadline)`` lets in-flight attempts finish within the
deadline; everything else stays queued for the next start.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import random
import socket
import threading
import time
import weakref
from typing import Any

import requests

from ..content.documents import now_iso
from ..errors import ValidationError
from . import transport
from .registry import ATTEMPTS, HOOKS, OUTBOX, sign

__all__ = ["Dispatcher", "SCHEDULE"]

log = logging.getLogger("minikoa.webhooks")

#: Seconds before each retry: the Standard Webhooks schedule.
SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)

_dispatchers: weakref.WeakSet[Dispatcher] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for dispatcher in list(_dispatchers):
        dispatcher._reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class Dispatcher:
    """The delivery threads of one app in one process."""

    def __init__(self, webhooks: Any) -> None:
        self.webhooks = webhooks
        setting = webhooks.setting
        self.threads_wanted = int(setting("workers", 2))
        self.timeout = float(setting("timeout", 15))
        self.lease = float(setting("leaseSeconds", max(60.0, self.timeout * 2 + 5)))
        self.schedule = tuple(float(s) for s in setting("schedule", SCHEDULE))
        self.jitter = float(setting("jitter", 0.1))
        self.poll = float(setting("pollInterval", 1.0))
        self.per_webhook = max(1, int(setting("perWebhook", max(1, self.threads_wanted // 2))))
        self.default_headers = dict(setting("defaultHeaders", {}) or {})
        self._reset_after_fork()
        _dispatchers.add(self)

    def _reset_after_fork(self) -> None:
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._session: requests.Session | None = None

    @property
    def session(self) -> requests.Session:
        """The requests session the threads share (see ``minikoa.transport``)."""
        if self._session is None:
            self._session = transport.new_session()
        return self._session

    # -- threads --------------------------------------------------------------

    def start(self) -> None:
        """Start the threads (once per process); they run until ``stop``."""
        with self._lock:
            if self._threads or self._stop.is_set():
                return
            for number in range(self.threads_wanted):
                thread = threading.Thread(target=self._run, name=f"minikoa-webhooks-{number}", daemon=True)
                thread.start()
                self._threads.append(thread)

    def wake(self) -> None:
        self.start()
        self._wake.set()

    def stop(self, deadline: float = 10.0) -> bool:
        """Stop taking rows; wait up to ``deadline`` seconds for attempts in flight. True if all ended."""
        self._stop.set()
        self._wake.set()
        end = time.monotonic() + deadline
        for thread in list(self._threads):
            thread.join(max(0.0, end - time.monotonic()))
        done = not any(t.is_alive() for t in self._threads)
        if self._session is not None:
            self._session.close()
        return done

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.webhooks.fan_out()
                row = self.claim()
            except Exception:
                log.exception("webhook dispatcher could not claim a delivery")
                row = None
            if row is None:
                self._wake.wait(self._idle_wait())
                self._wake.clear()
                continue
            try:
                self.deliver(row)
            except Exception:
                log.exception("webhook delivery %s failed unexpectedly", row.get("id"))

    def _idle_wait(self) -> float:
        due = self.webhooks.db.scalar(f"SELECT MIN(next_attempt_at) FROM {OUTBOX} WHERE status = 'pending'")
        if due is None:
            return self.poll
        return max(0.01, min(self.poll, due - self.webhooks.clock()))

    # -- one delivery -----------------------------------------------------------

    def claim(self) -> dict[str, Any] | None:
        """Lease the next due row: pending and due, or delivering with an expired lease.

        Two LIMIT 1 lookups, each walking its own index (an OR of the two would
        make SQLite read and sort every due row while it holds the write
        lock). A webhook with ``perWebhook`` attempts already in flight from
        this process is skipped, so one slow receiver cannot take every
        thread (by default half of them, at least one).
        """
        now = self.webhooks.clock()
        db = self.webhooks.db
        busy = (f"webhook_id NOT IN (SELECT webhook_id FROM {OUTBOX} WHERE status = 'delivering' "
                f"AND lease_owner = ? AND lease_until >= ? GROUP BY webhook_id HAVING COUNT(*) >= ?)")
        with db.atomic():
            rows = db.query_dicts(
                f"UPDATE {OUTBOX} SET status = 'delivering', lease_until = ?, lease_owner = ? WHERE id = ("
                f"SELECT id FROM (SELECT * FROM (SELECT id, next_attempt_at AS due FROM {OUTBOX} "
                f"WHERE status = 'pending' AND next_attempt_at <= ? AND {busy} ORDER BY next_attempt_at, id LIMIT 1) "
                f"UNION ALL SELECT * FROM (SELECT id, lease_until AS due FROM {OUTBOX} WHERE status = 'delivering' "
                f"AND lease_until < ? ORDER BY lease_until, id LIMIT 1)) ORDER BY due, id LIMIT 1) "
                "RETURNING id, webhook_id, event, payload, message_id, attempts",
                [now + self.lease, self.owner, now, self.owner, now, self.per_webhook, now])
        return rows[0] if rows else None

    def deliver(self, row: dict[str, Any]) -> None:
        """One attempt for a leased row, its log line, and what happens next."""
        db = self.webhooks.db
        hooks = db.query_dicts(f"SELECT * FROM {HOOKS} WHERE id = ?", [row["webhook_id"]])
        attempt = row["attempts"] + 1
        if not hooks:
            return  # the webhook was deleted: its rows went with it
        hook = hooks[0]
        if not hook["enabled"] and row["event"] != "trigger-test":
            self._finish(row, attempt, "failed", None, "webhook disabled", 0.0, log_attempt=False)
            return
        body = row["payload"].encode("utf-8")
        timestamp = int(self.webhooks.clock())
        headers = {**self.default_headers, **_json(hook["headers"]),
                   "Content-Type": "application/json", "X-Strapi-Event": row["event"],
                   "webhook-id": row["message_id"], "webhook-timestamp": str(timestamp),
                   "webhook-signature": sign(hook["secret"], row["message_id"], timestamp, body)}
        started = time.monotonic()
        status: int | None = None
        retry_after: float | None = None
        try:
            # Checked again now (DNS may have changed since the webhook was saved),
            # and the connection goes to the address this check approved.
            address = self.webhooks.check_url(hook["url"])
            response = transport.post(self.session, hook["url"], body, headers, self.timeout, address)
            status = response.status_code
            retry_after = _retry_after(response.headers.get("Retry-After"))
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except ValidationError as exc:
            error = f"refused: {exc.message}"
        except transport.AttemptTimeout as exc:
            error = str(exc)
        except requests.Timeout:
            error = f"timeout after {self.timeout:g} s"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {str(exc)[:200]}"
        duration = (time.monotonic() - started) * 1000
        if error is None:
            self._finish(row, attempt, "delivered", status, None, duration)
        elif status == 410:
            with db.atomic():
                db.execute(f"UPDATE {HOOKS} SET enabled = 0, disabled_reason = ? WHERE id = ?",
                           ["410 Gone from the receiver", hook["id"]])
            self._finish(row, attempt, "failed", status, error, duration)
            log.warning("webhook %s answered 410 Gone: disabled", hook["id"])
        elif attempt > len(self.schedule):
            self._finish(row, attempt, "failed", status, error, duration)
        else:
            delay = self.schedule[attempt - 1] * (1 + random.uniform(-self.jitter, self.jitter))
            if retry_after is not None:
                delay = max(delay, retry_after)
            self._finish(row, attempt, "pending", status, error, duration, next_at=self.webhooks.clock() + delay)

    def _finish(self, row: dict[str, Any], attempt: int, status: str, code: int | None, error: str | None,
                duration: float, next_at: float | None = None, log_attempt: bool = True) -> None:
        db = self.webhooks.db
        with db.atomic():
            cursor = db.execute(
                f"UPDATE {OUTBOX} SET status = ?, attempts = ?, last_status = ?, last_error = ?, "
                "next_attempt_at = COALESCE(?, next_attempt_at), lease_until = NULL, lease_owner = NULL "
                "WHERE id = ? AND lease_owner = ?", [status, attempt, code, error, next_at, row["id"], self.owner])
            # No row: the webhook was deleted during the attempt (its rows went with it),
            # or our lease expired and another worker owns the row now.
            if log_attempt and cursor.rowcount:
                db.execute(f"INSERT INTO {ATTEMPTS} (outbox_id, webhook_id, attempt, at, status_code, duration_ms, "
                           "error) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [row["id"], row["webhook_id"], attempt, now_iso(), code, round(duration, 2), error])


def _json(text: str) -> dict[str, Any]:
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (a number or an HTTP date), capped at a day."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError):
            return None
    return max(0.0, min(seconds, 86400.0))
