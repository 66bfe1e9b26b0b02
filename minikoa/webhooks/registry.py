"""``app.webhooks``: the webhooks of an app, kept in its database, and their lifecycle.

* ``create(name=, url=, events=[...], headers={...})`` returns the webhook
  with its secret (see ``signing``), shown this once; ``list``, ``get``,
  ``update``, ``delete``, ``rotate_secret``, ``trigger`` (a test delivery),
  ``deliveries`` (the attempts log) and ``queued`` (every outbox row).
* URLs pass the SSRF guard (``guard``) with ``server.webhooks.allowPrivate``
  and ``allowList`` when a webhook is saved, and again before every attempt.
* Webhooks declared in ``config/server.py`` (``server.webhooks.endpoints``)
  are kept in step with the config: added, updated in place (same id and
  secret), removed when they leave it.

**Steps.** Making a ``Webhooks`` does nothing but remember its
collaborators. ``setup()`` is the named step that makes it work (``App.build``
runs it): it creates or evolves the tables, syncs the declared webhooks,
subscribes the outbox to the app's events (inside the writer's transaction,
``Events.transactional``) and, when a previous run left work, starts the
dispatcher. A method called before that (on an app not built yet) runs
``setup()`` first. After that the dispatcher starts on the first recorded
event, when its transaction commits (``wake``), and stops with the app
(``stop``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from ..content.documents import now_iso
from ..content.events import Events
from ..db import Database, Dialect
from ..errors import NotFoundError, ValidationError
from ..http.jsoncodec import dumps
from . import tables
from .guard import Approved, WebhookURL, approve, check_url
from .outbox import EVENT_NAME, Outbox
from .signing import new_secret
from .tables import HOOKS

if TYPE_CHECKING:
    from .dispatcher import Dispatcher, Target

__all__ = ["Webhooks", "Config"]

# A header name is a token (RFC 9110), all of it: used with fullmatch, as is EVENT_NAME, since ``$``
# would also match before a final newline. Both are one character class repeated: linear time.
_HEADER = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")
#: Headers a webhook may not set: the signature and delivery ones are minikoa's.
_RESERVED_HEADERS = frozenset({"content-type", "content-length", "host", "x-strapi-event", "webhook-id",
                               "webhook-timestamp", "webhook-signature"})
#: Webhooks, deliveries or attempts as the API shows them (``list`` is a method name in the class).
_Rows = list[dict[str, Any]]
_FIELDS = frozenset({"name", "url", "events", "headers", "enabled"})
_PUBLIC = ("id", "name", "url", "events", "headers", "enabled", "source", "disabled_reason", "created_at",
           "updated_at")


class Config(Protocol):
    """What webhooks read of the app's configuration: ``get("server.webhooks.timeout", 15)``."""

    def get(self, path: str, default: Any = None) -> Any: ...


class _Statements:
    """The registry's SQL, in one dialect."""

    def __init__(self, d: Dialect) -> None:
        q, p = d.quote, d.param
        hooks = q(HOOKS)
        public = ", ".join(q(column) for column in _PUBLIC)
        self.insert = d.insert(HOOKS, ("name", "url", "events", "headers", "enabled", "secret", "source",
                                       "created_at", "updated_at"))
        self.get = f"SELECT {public} FROM {hooks} WHERE id = {p}"
        self.list = f"SELECT {public} FROM {hooks} ORDER BY id"
        self.declared = f"SELECT id, name FROM {hooks} WHERE source = 'config'"
        self.update = (f"UPDATE {hooks} SET name = {p}, url = {p}, events = {p}, headers = {p}, enabled = {p}, "
                       f"disabled_reason = CASE WHEN {p} THEN NULL ELSE disabled_reason END, updated_at = {p} "
                       f"WHERE id = {p}")
        self.delete = f"DELETE FROM {hooks} WHERE id = {p}"
        self.rotate = f"UPDATE {hooks} SET secret = {p}, updated_at = {p} WHERE id = {p}"
        self.target = f"SELECT url, secret, headers, enabled FROM {hooks} WHERE id = {p}"
        self.disable = f"UPDATE {hooks} SET enabled = {p}, disabled_reason = {p} WHERE id = {p}"


class _Bound:
    """What ``setup`` makes: the statements and the outbox over the database's dialect."""

    __slots__ = ("sql", "outbox")

    def __init__(self, sql: _Statements, outbox: Outbox) -> None:
        self.sql = sql
        self.outbox = outbox


class Webhooks:
    """``app.webhooks``: webhooks kept in the app's database, and the outbox they are fed by.

    ``config`` is the app's configuration, ``database()`` the app's database
    (opened on first use), ``events`` what the outbox subscribes to.
    """

    def __init__(self, config: Config, database: Callable[[], Database], events: Events) -> None:
        self.config = config
        self._database = database
        self._events = events
        self._bound: _Bound | None = None
        self._subscribed = False
        self._lock = threading.RLock()
        self.dispatcher: Dispatcher | None = None

    # -- the steps ------------------------------------------------------------

    def setup(self) -> None:
        """Create or evolve the tables, sync the declared webhooks, subscribe the outbox to the app's
        events, and start delivering if a previous run left work. Idempotent; ``App.build`` runs it."""
        with self._lock:
            if self._subscribed:
                return
            if self._bound is None:
                db = self._database()
                tables.create(db)
                self._bound = _Bound(_Statements(db.dialect), Outbox(self._database, db.dialect, self.wake))
            self._sync_declared()
            self._events.transactional("*", self._bound.outbox.record)
            self._subscribed = True
        if self.outbox.has_work():
            self.wake()

    def close(self) -> None:
        """Stop delivering (see ``stop``) and let go of the database: the next ``setup`` binds the
        database then in use, creating its tables if need be (an app used again after ``destroy``)."""
        self.stop()
        with self._lock:
            if self._bound is not None and self._subscribed:
                self._events.off("*", self._bound.outbox.record)
            self._bound = None
            self._subscribed = False

    @property
    def ready(self) -> bool:
        """Whether ``setup`` has run: the tables exist and events are recorded."""
        return self._subscribed

    def _require(self) -> _Bound:
        bound = self._bound
        if bound is None:
            self.setup()
            bound = self._bound
            assert bound is not None
        return bound

    @property
    def outbox(self) -> Outbox:
        """The outbox (set up first if need be)."""
        return self._require().outbox

    @property
    def db(self) -> Database:
        return self._database()

    def wake(self) -> None:
        """Start the dispatcher if needed, and tell it there is work."""
        dispatcher = self.dispatcher
        if dispatcher is None:
            with self._lock:
                if self.dispatcher is None:
                    # Imported here: only a process that delivers loads the HTTP client.
                    from .dispatcher import Dispatcher

                    self.dispatcher = Dispatcher(self)
                dispatcher = self.dispatcher
        dispatcher.wake()

    def stop(self, deadline: float | None = None) -> bool:
        """Stop the dispatcher; attempts in flight get ``deadline`` seconds (``server.webhooks.shutdownDeadline``).

        Everything not yet delivered stays queued; the next event (or the next start) resumes.
        """
        with self._lock:
            dispatcher, self.dispatcher = self.dispatcher, None
        if dispatcher is None:
            return True
        deadline = float(self.setting("shutdownDeadline", 10)) if deadline is None else deadline
        return dispatcher.stop(deadline)

    # -- settings -------------------------------------------------------------

    def setting(self, key: str, default: Any) -> Any:
        """``server.webhooks.<key>`` from the config, read now (it may change while the app runs)."""
        return self.config.get(f"server.webhooks.{key}", default)

    def check_url(self, url: str) -> WebhookURL:
        """The SSRF guard with this app's settings, when a webhook is saved (``guard.check_url``)."""
        return check_url(url, allow_private=bool(self.setting("allowPrivate", False)),
                         allow_list=self.setting("allowList", []) or [])

    def approve(self, url: str) -> Approved:
        """The SSRF guard with this app's settings, before an attempt: the URL to request and the address
        to connect to (``guard.approve``)."""
        return approve(url, allow_private=bool(self.setting("allowPrivate", False)),
                       allow_list=self.setting("allowList", []) or [])

    def _sync_declared(self) -> None:
        declared = self.setting("endpoints", []) or []
        if not isinstance(declared, list):
            raise ValidationError("server.webhooks.endpoints must be a list of webhooks")
        db = self.db
        with db.atomic():
            existing = {row[1]: row[0] for row in db.query(self._require().sql.declared)}
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

    def _check(self, name: Any, url: Any, events: Any, headers: Any) -> tuple[str, str, list[str], dict[str, str]]:
        errors: list[dict[str, Any]] = []
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            errors.append({"path": ["name"], "message": "name must be a non-empty string", "name": "ValidationError"})
        if not isinstance(events, (list, tuple)) or not events or not all(
                isinstance(e, str) and EVENT_NAME.fullmatch(e) for e in events):
            errors.append({"path": ["events"], "message": "events must be a non-empty list of event names",
                           "name": "ValidationError"})
        if not isinstance(headers, Mapping) or not all(
                isinstance(k, str) and _HEADER.fullmatch(k) and k.lower() not in _RESERVED_HEADERS
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

    def create(self, *, name: str | None = None, url: str | None = None, events: Iterable[str] | None = None,
               headers: Mapping[str, str] | None = None, enabled: bool = True,
               source: str = "api") -> dict[str, Any]:
        """A new webhook, returned once with its ``secret``; 400 naming every field that is wrong."""
        sql = self._require().sql
        if not isinstance(enabled, bool):
            raise ValidationError("enabled must be true or false", {"key": "enabled"})
        events = list(events) if isinstance(events, (list, tuple)) else events
        name, url, events, headers = self._check(name, url, events, {} if headers is None else headers)
        secret = new_secret()
        now = now_iso()
        db = self.db
        with db.atomic():
            hook_id = db.insert(sql.insert, [name, url, dumps(events), dumps(headers), enabled, secret, source,
                                             now, now])
        return {**self.get(hook_id), "secret": secret}

    def get(self, hook_id: int | str) -> dict[str, Any]:
        """A webhook (never its secret); 404 if there is none."""
        rows = self.db.query_dicts(self._require().sql.get, [_id(hook_id)])
        if not rows:
            raise NotFoundError("Webhook not found")
        return _public(rows[0])

    def list(self) -> _Rows:
        return [_public(row) for row in self.db.query_dicts(self._require().sql.list)]

    def update(self, hook_id: int | str, **fields: Any) -> dict[str, Any]:
        """Change ``name``, ``url``, ``events``, ``headers`` or ``enabled``."""
        unknown = set(fields) - _FIELDS
        if unknown:
            raise ValidationError(f"Invalid key {sorted(unknown)[0]}", {"key": sorted(unknown)[0]})
        current = self.get(hook_id)
        merged = {**current, **fields}
        name, url, events, headers = self._check(merged["name"], merged["url"], merged["events"], merged["headers"])
        enabled = merged["enabled"]
        if not isinstance(enabled, bool):
            raise ValidationError("enabled must be true or false", {"key": "enabled"})
        db = self.db
        with db.atomic():
            db.execute(self._require().sql.update, [name, url, dumps(events), dumps(headers), enabled, enabled,
                                                    now_iso(), current["id"]])
        return self.get(current["id"])

    def delete(self, hook_id: int | str) -> dict[str, Any]:
        """Remove a webhook and everything queued for it."""
        found = self.get(hook_id)
        db = self.db
        with db.atomic():
            db.execute(self._require().sql.delete, [found["id"]])
        return found

    def rotate_secret(self, hook_id: int | str) -> dict[str, Any]:
        """A new secret for the webhook, returned this once."""
        found = self.get(hook_id)
        secret = new_secret()
        db = self.db
        with db.atomic():
            db.execute(self._require().sql.rotate, [secret, now_iso(), found["id"]])
        return {**self.get(found["id"]), "secret": secret}

    def trigger(self, hook_id: int | str) -> dict[str, Any]:
        """Queue a test delivery (Strapi's ``trigger-test`` event) to this webhook, enabled or not."""
        found = self.get(hook_id)
        outbox_id = self.outbox.queue(found["id"], "trigger-test", {"event": "trigger-test", "createdAt": now_iso()})
        return {"id": outbox_id, "webhook": found["id"], "event": "trigger-test", "status": "pending"}

    def deliveries(self, hook_id: int | str, limit: int = 100) -> _Rows:
        """The latest attempts for a webhook: time, status code, duration, error, attempt number.

        Response bodies are never kept: echoing them would make the webhook an
        oracle for probing other hosts.
        """
        found = self.get(hook_id)
        return self.outbox.attempts(found["id"], max(1, min(int(limit), 1000)))

    def queued(self, hook_id: int | None = None) -> _Rows:
        """Every delivery (without payloads), recorded events included, for inspection and tests."""
        outbox = self.outbox
        outbox.fan_out(limit=1_000_000)
        return outbox.rows(hook_id)

    # -- for the dispatcher ---------------------------------------------------

    def target(self, hook_id: int) -> Target | None:
        """Where and how to deliver to a webhook; None if it was deleted."""
        rows = self.db.query(self._require().sql.target, [hook_id])
        if not rows:
            return None
        url, secret, headers, enabled = rows[0]
        found = json.loads(headers)
        return {"url": url, "secret": secret, "headers": found if isinstance(found, dict) else {},
                "enabled": bool(enabled)}

    def disable(self, hook_id: int, reason: str) -> None:
        """Turn a webhook off (a receiver answered 410 Gone), saying why."""
        db = self.db
        with db.atomic():
            db.execute(self._require().sql.disable, [False, reason, hook_id])


def _id(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFoundError("Webhook not found") from None


def _public(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "url": row["url"], "events": json.loads(row["events"]),
            "headers": json.loads(row["headers"]), "enabled": bool(row["enabled"]), "source": row["source"],
            "disabledReason": row["disabled_reason"], "createdAt": row["created_at"],
            "updatedAt": row["updated_at"]}
