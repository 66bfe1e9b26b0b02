"""Webhooks: the registry, the transactional outbox, signatures and the SSRF guard.

Strapi keeps its webhook queue in memory, tries once and forgets. Here every
event a webhook listens to is recorded in the same transaction as the change
that caused it (one row per event: the payload and the webhooks it goes
to): a committed change always has its deliveries queued, even if the
process dies the next instant, and a rolled-back one never has any. The
dispatcher fans each event out into one *outbox* row per webhook, outside
any request, and delivers those (``minikoa.dispatcher``).

* ``app.webhooks.create(name=, url=, events=[...], headers={...})`` returns
  the webhook with its secret (``whsec_`` + base64 of 32 random bytes), shown
  this once; ``list``, ``get``, ``update``, ``delete``, ``rotate_secret``,
  ``trigger`` (a test delivery) and ``deliveries`` (the attempts log).
* Requests carry Strapi's ``X-Strapi-Event`` header and the Standard
  Webhooks headers ``webhook-id``, ``webhook-timestamp`` and
  ``webhook-signature`` (``v1,`` + base64 HMAC-SHA256 of
  ``id.timestamp.body``); receivers check them with ``verify``.
* URLs that resolve to loopback, private, link-local, multicast or reserved
  addresses are refused when a webhook is saved and again before every
  attempt, unless ``server.webhooks.allowPrivate`` is true or the host is in
  ``server.webhooks.allowList`` (host names or CIDR networks).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..content.documents import now_iso
from ..errors import NotFoundError, ValidationError
from ..http.jsoncodec import dumps
from .guard import check_url
from .signing import WebhookVerificationError, new_secret, sign, verify

__all__ = ["Webhooks", "sign", "verify", "new_secret", "check_url", "WebhookVerificationError",
           "HOOKS", "EVENTS", "OUTBOX", "ATTEMPTS"]

HOOKS = "minikoa_webhooks"
EVENTS = "minikoa_webhook_events"
OUTBOX = "minikoa_webhook_outbox"
ATTEMPTS = "minikoa_webhook_attempts"

_EVENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
_HEADER = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
#: Headers a webhook may not set: the signature and delivery ones are minikoa's.
_RESERVED_HEADERS = frozenset({"content-type", "content-length", "host", "x-strapi-event", "webhook-id",
                               "webhook-timestamp", "webhook-signature"})


# -- the registry ---------------------------------------------------------------------------


class Webhooks:
    """``app.webhooks``: webhooks kept in the app's database, and the outbox they are fed by."""

    def __init__(self, layer: Any, config: Any) -> None:
        self.layer = layer
        self.config = config
        #: ``clock()`` -> seconds since the epoch; tests replace it.
        self.clock = time.time
        self.dispatcher: Any = None

    # -- settings -------------------------------------------------------------

    def setting(self, key: str, default: Any) -> Any:
        return self.config.get(f"server.webhooks.{key}", default)

    @property
    def db(self) -> Any:
        return self.layer.db

    def setup(self) -> None:
        """Create the tables and sync the webhooks declared in ``config/server.py``."""
        db, q = self.db, self.db.dialect.quote
        db.execute(f"CREATE TABLE IF NOT EXISTS {q(HOOKS)} ("
                   "id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, url TEXT NOT NULL, "
                   "events TEXT NOT NULL, headers TEXT NOT NULL, enabled INTEGER NOT NULL, secret TEXT NOT NULL, "
                   "source TEXT NOT NULL DEFAULT 'api', disabled_reason TEXT, created_at TEXT, updated_at TEXT)")
        # One row per event, written with the change that caused it: the cheapest
        # durable record a request can leave (one row, whatever the number of webhooks).
        # Rows leave it as soon as the dispatcher has fanned them out, so it stays
        # small and needs no index beyond its primary key.
        db.execute(f"CREATE TABLE IF NOT EXISTS {q(EVENTS)} ("
                   "id INTEGER PRIMARY KEY, event TEXT NOT NULL, payload TEXT NOT NULL, hooks TEXT NOT NULL, "
                   "created_at REAL NOT NULL)")
        # One row per (event, webhook): what the dispatcher leases, attempts and logs.
        db.execute(f"CREATE TABLE IF NOT EXISTS {q(OUTBOX)} ("
                   "id INTEGER PRIMARY KEY AUTOINCREMENT, "
                   f"webhook_id INTEGER NOT NULL REFERENCES {q(HOOKS)}(id) ON DELETE CASCADE, "
                   "event TEXT NOT NULL, payload TEXT NOT NULL, message_id TEXT NOT NULL, status TEXT NOT NULL, "
                   "attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL, lease_until REAL, "
                   "lease_owner TEXT, last_status INTEGER, last_error TEXT, created_at REAL NOT NULL)")
        db.execute(f"CREATE INDEX IF NOT EXISTS {q(OUTBOX + '_due')} ON {q(OUTBOX)} (status, next_attempt_at)")
        db.execute(f"CREATE TABLE IF NOT EXISTS {q(ATTEMPTS)} ("
                   "id INTEGER PRIMARY KEY AUTOINCREMENT, "
                   f"outbox_id INTEGER NOT NULL REFERENCES {q(OUTBOX)}(id) ON DELETE CASCADE, "
                   "webhook_id INTEGER NOT NULL, attempt INTEGER NOT NULL, at TEXT NOT NULL, "
                   "status_code INTEGER, duration_ms REAL, error TEXT)")
        db.execute(f"CREATE INDEX IF NOT EXISTS {q(ATTEMPTS + '_hook')} ON {q(ATTEMPTS)} (webhook_id, id)")
        self._sync_declared()

    def _sync_declared(self) -> None:
        declared = self.setting("endpoints", []) or []
        if not isinstance(declared, list):
            raise ValidationError("server.webhooks.endpoints must be a list of webhooks")
        with self.db.atomic():
            existing = {row[1]: row[0] for row in self.db.query(
                f"SELECT id, name FROM {HOOKS} WHERE source = 'config'")}
            for item in declared:
                if not isinstance(item, Mapping) or "name" not in item:
                    raise ValidationError("each of server.webhooks.endpoints needs a name, a url and events")
                fields = {k: item[k] for k in ("url", "events", "headers", "enabled") if k in item}
                if item["name"] in existing:
                    self.update(existing.pop(item["name"]), **fields)
                else:
                    self.create(name=item["name"], source="config", **fields)
            for hook_id in existing.values():  # removed from the config: gone
                self.delete(hook_id)

    # -- CRUD -----------------------------------------------------------------

    def _check(self, name: Any, url: Any, events: Any, headers: Any) -> tuple[str, str, list[str], dict]:
        errors = []
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            errors.append({"path": ["name"], "message": "name must be a non-empty string", "name": "ValidationError"})
        if not isinstance(events, (list, tuple)) or not events or not all(
                isinstance(e, str) and _EVENT.match(e) for e in events):
            errors.append({"path": ["events"], "message": "events must be a non-empty list of event names",
                           "name": "ValidationError"})
        if not isinstance(headers, Mapping) or not all(
                isinstance(k, str) and _HEADER.match(k) and k.lower() not in _RESERVED_HEADERS
                and isinstance(v, str) and "\n" not in v and "\r" not in v for k, v in headers.items()):
            errors.append({"path": ["headers"], "message": "headers must map header names to one-line strings "
                           "(and may not set the content-type, event or signature headers)",
                           "name": "ValidationError"})
        if not isinstance(url, str):
            errors.append({"path": ["url"], "message": "url must be a string", "name": "ValidationError"})
        if errors:
            raise ValidationError(errors[0]["message"] if len(errors) == 1 else f"{len(errors)} errors occurred",
                                  {"errors": errors})
        self.check_url(url)
        return name.strip(), url, list(dict.fromkeys(events)), dict(headers)

    def check_url(self, url: str) -> str | None:
        """The SSRF guard with this app's settings; the checked address to connect to (see ``check_url``)."""
        return check_url(url, allow_private=bool(self.setting("allowPrivate", False)),
                         allow_list=self.setting("allowList", []) or [])

    def create(self, *, name: str | None = None, url: str | None = None, events: Iterable[str] | None = None,
               headers: Mapping[str, str] | None = None, enabled: bool = True,
               source: str = "api") -> dict[str, Any]:
        """A new webhook, returned once with its ``secret``; 400 naming every field that is wrong."""
        if not isinstance(enabled, bool):
            raise ValidationError("enabled must be true or false", {"key": "enabled"})
        events = list(events) if isinstance(events, (list, tuple)) else events
        name, url, events, headers = self._check(name, url, events, {} if headers is None else headers)
        secret = new_secret()
        now = now_iso()
        with self.db.atomic():
            cursor = self.db.execute(
                f"INSERT INTO {HOOKS} (name, url, events, headers, enabled, secret, source, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [name, url, dumps(events), dumps(headers), 1 if enabled else 0, secret, source, now, now])
        return {**self.get(cursor.lastrowid), "secret": secret}

    def get(self, hook_id: int) -> dict[str, Any]:
        """A webhook (never its secret); 404 if there is none."""
        rows = self.db.query_dicts(f"SELECT * FROM {HOOKS} WHERE id = ?", [_id(hook_id)])
        if not rows:
            raise NotFoundError("Webhook not found")
        return _public(rows[0])

    def list(self) -> list[dict[str, Any]]:
        return [_public(row) for row in self.db.query_dicts(f"SELECT * FROM {HOOKS} ORDER BY id")]

    def update(self, hook_id: int, **fields: Any) -> dict[str, Any]:
        """Change ``name``, ``url``, ``events``, ``headers`` or ``enabled``."""
        unknown = set(fields) - {"name", "url", "events", "headers", "enabled"}
        if unknown:
            raise ValidationError(f"Invalid key {sorted(unknown)[0]}", {"key": sorted(unknown)[0]})
        current = self.get(hook_id)
        merged = {**current, **fields}
        name, url, events, headers = self._check(merged["name"], merged["url"], merged["events"], merged["headers"])
        enabled = merged["enabled"]
        if not isinstance(enabled, bool):
            raise ValidationError("enabled must be true or false", {"key": "enabled"})
        with self.db.atomic():
            self.db.execute(f"UPDATE {HOOKS} SET name = ?, url = ?, events = ?, headers = ?, enabled = ?, "
                            "disabled_reason = CASE WHEN ? THEN NULL ELSE disabled_reason END, updated_at = ? "
                            "WHERE id = ?", [name, url, dumps(events), dumps(headers), 1 if enabled else 0,
                                             1 if enabled else 0, now_iso(), current["id"]])
        return self.get(current["id"])

    def delete(self, hook_id: int) -> dict[str, Any]:
        """Remove a webhook and everything queued for it."""
        found = self.get(hook_id)
        with self.db.atomic():
            self.db.execute(f"DELETE FROM {HOOKS} WHERE id = ?", [found["id"]])
        return found

    def rotate_secret(self, hook_id: int) -> dict[str, Any]:
        """A new secret for the webhook, returned this once."""
        found = self.get(hook_id)
        secret = new_secret()
        with self.db.atomic():
            self.db.execute(f"UPDATE {HOOKS} SET secret = ?, updated_at = ? WHERE id = ?",
                            [secret, now_iso(), found["id"]])
        return {**self.get(found["id"]), "secret": secret}

    def trigger(self, hook_id: int) -> dict[str, Any]:
        """Queue a test delivery (Strapi's ``trigger-test`` event) to this webhook, enabled or not."""
        found = self.get(hook_id)
        payload = {"event": "trigger-test", "createdAt": now_iso()}
        with self.db.atomic():
            cursor = self.db.execute(
                f"INSERT INTO {OUTBOX} (webhook_id, event, payload, message_id, status, next_attempt_at, created_at) "
                "VALUES (?, 'trigger-test', ?, ?, 'pending', ?, ?)",
                [found["id"], dumps(payload), _message_id(), self.clock(), self.clock()])
            outbox_id = cursor.lastrowid
            self.db.on_commit(self.wake)
        return {"id": outbox_id, "webhook": found["id"], "event": "trigger-test", "status": "pending"}

    def deliveries(self, hook_id: int, limit: int = 100) -> list[dict[str, Any]]:
        """The latest attempts for a webhook: time, status code, duration, error, attempt number.

        Response bodies are never kept: echoing them would make the webhook an
        oracle for probing other hosts.
        """
        found = self.get(hook_id)
        rows = self.db.query_dicts(
            f"SELECT a.id, a.outbox_id AS delivery, o.event, o.message_id AS messageId, a.attempt, a.at, "
            f"a.status_code AS statusCode, a.duration_ms AS durationMs, a.error, o.status "
            f"FROM {ATTEMPTS} a JOIN {OUTBOX} o ON o.id = a.outbox_id WHERE a.webhook_id = ? "
            f"ORDER BY a.id DESC LIMIT ?", [found["id"], max(1, min(int(limit), 1000))])
        return rows

    def queued(self, hook_id: int | None = None) -> list[dict[str, Any]]:
        """Every delivery (without payloads), recorded events included, for inspection and tests."""
        self.fan_out(limit=1_000_000)
        where, params = ("WHERE webhook_id = ?", [hook_id]) if hook_id is not None else ("", [])
        return self.db.query_dicts(
            f"SELECT id, webhook_id AS webhook, event, message_id AS messageId, status, attempts, "
            f"next_attempt_at AS nextAttemptAt, last_status AS lastStatus, last_error AS lastError "
            f"FROM {OUTBOX} {where} ORDER BY id", params)

    # -- the outbox -----------------------------------------------------------

    def enqueue(self, event: str, payload: Mapping[str, Any] | Callable[[], Mapping[str, Any]]) -> int:
        """Record ``event`` for every enabled webhook listening to it, in the current transaction.

        The request pays for one read (who listens) and, when someone does,
        one row: the event with its payload and the webhooks it goes to. The
        dispatcher turns it into one delivery per webhook afterwards, outside
        any request. ``payload`` may be a function, called only if someone
        listens. Returns how many webhooks will get it.
        """
        if not _EVENT.match(event):
            return 0
        hooks = [row[0] for row in self.db.query(
            f"SELECT id FROM {HOOKS} WHERE enabled = 1 AND instr(events, ?) > 0", [f'"{event}"'])]
        if not hooks:
            return 0
        body = dumps(payload() if callable(payload) else payload)
        sql = f"INSERT INTO {EVENTS} (event, payload, hooks, created_at) VALUES (?, ?, ?, ?)"
        params = [event, body, dumps(hooks), self.clock()]
        if self.db.in_transaction:
            self.db.execute(sql, params)
        else:
            with self.db.atomic():
                self.db.execute(sql, params)
        self.db.on_commit(self.wake)
        return len(hooks)

    def fan_out(self, limit: int = 500) -> int:
        """Turn recorded events into one outbox row per webhook; returns how many events were taken.

        The DELETE ... RETURNING takes each event once, whichever process gets
        to it, in the same transaction as the rows it becomes; a webhook
        deleted since the event was recorded gets nothing.
        """
        db = self.db
        if db.scalar(f"SELECT 1 FROM {EVENTS} LIMIT 1") is None:
            return 0
        with db.atomic():
            events = db.query(
                f"DELETE FROM {EVENTS} WHERE id IN (SELECT id FROM {EVENTS} ORDER BY id LIMIT ?) "
                "RETURNING id, event, payload, hooks, created_at", [limit])
            for _event_id, event, payload, hooks, created in sorted(events):
                for hook in json.loads(hooks):
                    db.execute(f"INSERT INTO {OUTBOX} (webhook_id, event, payload, message_id, status, "
                               f"next_attempt_at, created_at) SELECT id, ?, ?, ?, 'pending', ?, ? FROM {HOOKS} "
                               "WHERE id = ?", [event, payload, _message_id(), created, created, hook])
        return len(events)

    def wake(self) -> None:
        """Start the dispatcher if needed, and tell it there is work."""
        if self.dispatcher is None:
            from .dispatcher import Dispatcher

            self.dispatcher = Dispatcher(self)
        self.dispatcher.wake()

    def start_if_needed(self) -> None:
        """Start delivering at app start when there is anything to deliver (rows left by a previous run)."""
        if self.db.scalar(f"SELECT 1 FROM {EVENTS} LIMIT 1") or self.db.scalar(
                f"SELECT 1 FROM {OUTBOX} WHERE status IN ('pending', 'delivering') LIMIT 1"):
            self.wake()

    def stop(self, deadline: float | None = None) -> bool:
        """Stop the dispatcher; attempts in flight get ``deadline`` seconds (``server.webhooks.shutdownDeadline``)."""
        if self.dispatcher is None:
            return True
        deadline = float(self.setting("shutdownDeadline", 10)) if deadline is None else deadline
        stopped = self.dispatcher.stop(deadline)
        self.dispatcher = None
        return stopped


def _id(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFoundError("Webhook not found") from None


def _message_id() -> str:
    return "msg_" + secrets.token_hex(16)


def _public(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "url": row["url"], "events": json.loads(row["events"]),
            "headers": json.loads(row["headers"]), "enabled": bool(row["enabled"]), "source": row["source"],
            "disabledReason": row["disabled_reason"], "createdAt": row["created_at"],
            "updatedAt": row["updated_at"]}
