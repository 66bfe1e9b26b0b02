"""The transactional outbox: recording events, fanning them out, claiming and settling deliveries.

Strapi keeps its webhook queue in memory, tries once and forgets. Here an
event a webhook listens to is recorded in the same transaction as the
change that caused it: one row in ``minikoa_webhook_events`` with the
payload and the webhooks it goes to, whatever their number. A committed
change therefore always has its deliveries queued, even if the process
dies the next instant, and a rolled-back one never has any. The dispatcher,
outside any request, *fans* each event out into one ``minikoa_webhook_outbox``
row per webhook, then *claims* rows with a lease, attempts them and
*finishes* them (delivered, failed, or pending again with a later attempt
time), logging every attempt.

Every statement is written once, through the database's dialect, when the
outbox is made. ``claim`` is the one statement whose shape depends on how a
database locks rows (see its docstring).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any, TypedDict

from ..content.documents import now_iso
from ..db import Database, Dialect
from ..http.jsoncodec import dumps
from .tables import ATTEMPTS, EVENTS, HOOKS, OUTBOX

__all__ = ["Outbox", "Delivery", "EVENT_NAME", "new_message_id"]

#: What an event name may look like (anything else is never recorded).
EVENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")

#: A payload, or a function that builds it (called only if a webhook listens).
PayloadSource = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


class Delivery(TypedDict):
    """An outbox row the dispatcher has leased."""

    id: int
    webhook_id: int
    event: str
    payload: str  # the JSON body, exactly as it is sent and signed
    message_id: str
    attempts: int  # made so far


def new_message_id() -> str:
    """A ``webhook-id``: ``msg_`` + 32 hex digits, the same across the retries of a delivery."""
    return "msg_" + secrets.token_hex(16)


class _Statements:
    """The outbox's SQL, in one dialect."""

    def __init__(self, d: Dialect) -> None:
        q, p = d.quote, d.param
        hooks, events, outbox, attempts = q(HOOKS), q(EVENTS), q(OUTBOX), q(ATTEMPTS)
        self.listeners = f"SELECT id FROM {hooks} WHERE enabled = {d.true} AND {d.text_contains('events')}"
        self.record = d.insert(EVENTS, ("event", "payload", "hooks", "created_at"))
        self.any_event = f"SELECT 1 FROM {events} LIMIT 1"
        self.any_open = f"SELECT 1 FROM {outbox} WHERE status IN ('pending', 'delivering') LIMIT 1"
        # Taken and deleted in one statement, so each event is fanned out once, whichever process gets to it.
        # No SKIP LOCKED here: a fan-out waits for another's to commit, so outbox rows keep the events' order.
        self.take_events = (f"DELETE FROM {events} WHERE id IN (SELECT id FROM {events} ORDER BY id LIMIT {p}) "
                            "RETURNING id, event, payload, hooks, created_at")
        # A webhook deleted since the event was recorded selects nothing, and gets nothing.
        self.fan_out = (f"INSERT INTO {outbox} (webhook_id, event, payload, message_id, status, attempts, "
                        f"next_attempt_at, created_at) SELECT id, {p}, {p}, {p}, 'pending', 0, {p}, {p} "
                        f"FROM {hooks} WHERE id = {p}")
        self.queue = d.insert(OUTBOX, ("webhook_id", "event", "payload", "message_id", "status", "attempts",
                                       "next_attempt_at", "created_at"))
        self.next_due = f"SELECT MIN(next_attempt_at) FROM {outbox} WHERE status = 'pending'"
        self.claim = _claim(d)
        self.finish = (f"UPDATE {outbox} SET status = {p}, attempts = {p}, last_status = {p}, last_error = {p}, "
                       f"next_attempt_at = COALESCE({p}, next_attempt_at), lease_until = NULL, lease_owner = NULL "
                       f"WHERE id = {p} AND lease_owner = {p}")
        self.log_attempt = d.insert(ATTEMPTS, ("outbox_id", "webhook_id", "attempt", "at", "status_code",
                                               "duration_ms", "error"))
        self.attempts = (
            f"SELECT a.id, a.outbox_id AS {q('delivery')}, o.event, o.message_id AS {q('messageId')}, a.attempt, "
            f"a.at, a.status_code AS {q('statusCode')}, a.duration_ms AS {q('durationMs')}, a.error, o.status "
            f"FROM {attempts} a JOIN {outbox} o ON o.id = a.outbox_id WHERE a.webhook_id = {p} "
            f"ORDER BY a.id DESC LIMIT {p}")
        rows = (f"SELECT id, webhook_id AS {q('webhook')}, event, message_id AS {q('messageId')}, status, "
                f"attempts, next_attempt_at AS {q('nextAttemptAt')}, last_status AS {q('lastStatus')}, "
                f"last_error AS {q('lastError')} FROM {outbox}")
        self.rows = f"{rows} ORDER BY id"
        self.rows_of = f"{rows} WHERE webhook_id = {p} ORDER BY id"


def _claim(d: Dialect) -> str:
    """The claim: lease the next due row, pending and due or delivering with an expired lease.

    Parameters: lease until, owner, now, owner, now, per-webhook limit, now (and now again with row locks).
    Two LIMIT 1 lookups, each walking its own index (an OR of the two would
    make SQLite read and sort every due row while it holds the write lock);
    a webhook with ``perWebhook`` attempts already in flight for this owner
    is skipped. On SQLite the statement runs under the database's write
    lock (``BEGIN IMMEDIATE``), so two claimers never take one row. On a
    database with row locks (PostgreSQL) the inner lookups lock what they
    pick and skip what other claimers hold (``FOR UPDATE SKIP LOCKED``), and
    the outer UPDATE checks the status again, so claimers on any number of
    machines work side by side and never take one row twice.
    """
    q, p = d.quote, d.param
    outbox = q(OUTBOX)
    busy = (f"webhook_id NOT IN (SELECT webhook_id FROM {outbox} WHERE status = 'delivering' "
            f"AND lease_owner = {p} AND lease_until >= {p} GROUP BY webhook_id HAVING COUNT(*) >= {p})")
    lock = d.lock_rows()
    pending = (f"SELECT id, next_attempt_at AS due FROM {outbox} WHERE status = 'pending' "
               f"AND next_attempt_at <= {p} AND {busy} ORDER BY next_attempt_at, id LIMIT 1{lock}")
    expired = (f"SELECT id, lease_until AS due FROM {outbox} WHERE status = 'delivering' "
               f"AND lease_until < {p} ORDER BY lease_until, id LIMIT 1{lock}")
    # With row locks, each lookup skips the rows other claimers hold, and the UPDATE checks again that
    # the row it got is still claimable (a claimer that committed meanwhile has made it 'delivering').
    recheck = (f" AND (status = 'pending' OR (status = 'delivering' AND lease_until < {p}))"
               if d.row_locks else "")
    return (f"UPDATE {outbox} SET status = 'delivering', lease_until = {p}, lease_owner = {p} WHERE id = ("
            f"SELECT id FROM (SELECT * FROM ({pending}) AS pending_row "
            f"UNION ALL SELECT * FROM ({expired}) AS expired_row) AS candidate ORDER BY due, id LIMIT 1)"
            f"{recheck} RETURNING id, webhook_id, event, payload, message_id, attempts")


class Outbox:
    """The outbox of one database.

    ``database()`` gives the database in use (it may be reopened);
    ``notify()`` is called after the commit of every transaction that queued
    something (the dispatcher's wake); ``clock()`` is seconds since the
    epoch (tests may replace it).
    """

    def __init__(self, database: Callable[[], Database], dialect: Dialect, notify: Callable[[], Any],
                 clock: Callable[[], float] = time.time) -> None:
        self._database = database
        self._notify = notify
        self.clock = clock
        self._sql = _Statements(dialect)
        #: the claim's last parameter, the recheck's "now", is there only with row locks (see ``_claim``)
        self._claim_rechecks = dialect.row_locks

    # -- recording, in the writer's transaction ------------------------------------

    def record(self, event: str, payload: PayloadSource) -> int:
        """Record ``event`` for every enabled webhook listening to it, in the current transaction
        (in one of its own outside one); returns how many webhooks will get it.

        This is the events listener (``Events.transactional``), run on every
        write: the writer pays for one read (who listens) and, when someone
        does, one row. ``payload`` may be a function, called only if someone
        listens.
        """
        if not EVENT_NAME.match(event):
            return 0
        db, sql = self._database(), self._sql
        hooks = [row[0] for row in db.query(sql.listeners, [f'"{event}"'])]
        if not hooks:
            return 0
        body = dumps(payload() if callable(payload) else payload)
        params = [event, body, dumps(hooks), self.clock()]
        if db.in_transaction:
            db.execute(sql.record, params)
        else:
            with db.atomic():
                db.execute(sql.record, params)
        db.on_commit(self._notify)
        return len(hooks)

    def queue(self, hook_id: int, event: str, payload: Mapping[str, Any]) -> int:
        """Queue one delivery to one webhook, enabled or not (a test delivery); returns its outbox id."""
        now = self.clock()
        db = self._database()
        outbox_id = db.insert(self._sql.queue, [hook_id, event, dumps(payload), new_message_id(), "pending", 0,
                                                now, now])
        db.on_commit(self._notify)
        return outbox_id

    # -- the dispatcher's side -------------------------------------------------------

    def fan_out(self, limit: int = 500) -> int:
        """Turn recorded events into one outbox row per webhook; returns how many events were taken.

        The events are taken (deleted) in the same transaction as the rows
        they become, so each is fanned out exactly once, by whichever process
        gets to it.
        """
        db, sql = self._database(), self._sql
        if db.scalar(sql.any_event) is None:
            return 0
        with db.atomic():
            events = db.query(sql.take_events, [limit])
            for _event_id, event, payload, hooks, created in sorted(events):
                for hook in json.loads(hooks):
                    db.execute(sql.fan_out, [event, payload, new_message_id(), created, created, hook])
        return len(events)

    def has_work(self) -> bool:
        """Whether anything waits: recorded events, or rows pending or in flight (left by a previous run)."""
        db = self._database()
        return bool(db.scalar(self._sql.any_event) or db.scalar(self._sql.any_open))

    def next_due(self) -> float | None:
        """When the earliest pending row is due (seconds since the epoch), or None."""
        due = self._database().scalar(self._sql.next_due)
        return None if due is None else float(due)

    def claim(self, owner: str, lease: float, per_webhook: int) -> Delivery | None:
        """Lease the next due row to ``owner`` for ``lease`` seconds (see ``_claim``), or None."""
        now = self.clock()
        db = self._database()
        with db.atomic():
            params = [now + lease, owner, now, owner, now, per_webhook, now]
            rows = db.query(self._sql.claim, params + [now] if self._claim_rechecks else params)
        if not rows:
            return None
        row_id, webhook_id, event, payload, message_id, attempts = rows[0]
        return Delivery(id=row_id, webhook_id=webhook_id, event=event, payload=payload, message_id=message_id,
                        attempts=attempts)

    def finish(self, delivery: Delivery, owner: str, attempt: int, status: str, code: int | None,
               error: str | None, duration_ms: float, next_at: float | None = None,
               log_attempt: bool = True) -> bool:
        """Settle an attempt: the row's new status (and next attempt time), and its line in the log.

        False when the row is no longer ``owner``'s: its webhook was deleted
        during the attempt (its rows went with it), or the lease expired and
        another worker owns the row now; nothing is logged then.
        """
        db, sql = self._database(), self._sql
        with db.atomic():
            cursor = db.execute(sql.finish, [status, attempt, code, error, next_at, delivery["id"], owner])
            if not cursor.rowcount:
                return False
            if log_attempt:
                db.execute(sql.log_attempt, [delivery["id"], delivery["webhook_id"], attempt, now_iso(), code,
                                             round(duration_ms, 2), error])
        return True

    # -- inspection -------------------------------------------------------------------

    def attempts(self, hook_id: int, limit: int) -> list[dict[str, Any]]:
        """The latest ``limit`` attempts for a webhook, newest first."""
        return self._database().query_dicts(self._sql.attempts, [hook_id, limit])

    def rows(self, hook_id: int | None = None) -> list[dict[str, Any]]:
        """Every outbox row (of ``hook_id``), without payloads, oldest first."""
        if hook_id is None:
            return self._database().query_dicts(self._sql.rows)
        return self._database().query_dicts(self._sql.rows_of, [hook_id])
