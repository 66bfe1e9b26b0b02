"""In-process events: ``app.events.emit(name, payload)`` and two kinds of listeners.

The document service emits Strapi's entry events (``entry.create``,
``entry.update``, ``entry.delete``, ``entry.publish``, ``entry.unpublish``,
``entry.draft-discard``) in the transaction of the write, with Strapi's
webhook payload: ``{"event", "createdAt", "model", "uid", "entry"}``; code
may emit events of its own. A listener hears one event name, or every event
with ``"*"``.

* ``events.on(name, fn)``: ``fn(name, payload)`` runs **after the commit**
  of the emitting transaction (at once outside one), and never for a
  change that rolled back. A listener that raises is logged and does not
  stop the others: the event reports what already happened.
* ``events.transactional(name, fn)``: ``fn(name, payload)`` runs **at once,
  inside the emitting transaction**, so what it writes commits or rolls back
  with the change (the webhook outbox subscribes so: a committed write
  always has its deliveries queued, a rolled-back one never has any).
  ``payload`` is a function here, building the payload on its first call
  (once, for every listener): a listener that has nothing to do with the
  event never pays for it. An error it raises propagates to the writer,
  whose transaction then rolls back.

Building a payload may cost queries (populated relations), so the emitter
asks ``listening(name)`` first and passes a function; it is called only
if someone takes the event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    from ..db import Database

__all__ = ["Events", "ENTRY_EVENTS", "Listener", "Payload", "TransactionalListener"]

log = logging.getLogger("minikoa.events")

ENTRY_EVENTS = ("entry.create", "entry.update", "entry.delete", "entry.publish", "entry.unpublish",
                "entry.draft-discard")

#: A function that builds an event's payload (on its first call; later calls return the same dict).
Payload = Callable[[], dict[str, Any]]
#: ``fn(name, payload)``, after the commit.
Listener = Callable[[str, dict[str, Any]], Any]
#: ``fn(name, payload)`` with ``payload()`` building it, inside the emitting transaction.
TransactionalListener = Callable[[str, Payload], Any]

_L = TypeVar("_L", bound=Callable[..., Any])


class Events:
    """Listeners by event name (``"*"``: every event), after the commit or inside the transaction."""

    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = {}
        self._transactional: dict[str, list[TransactionalListener]] = {}
        #: The database whose commit after-commit listeners wait for (set by the model layer).
        self.db: Database | None = None

    @overload
    def on(self, name: str) -> Callable[[Listener], Listener]: ...

    @overload
    def on(self, name: str, listener: Listener) -> Listener: ...

    def on(self, name: str, listener: Listener | None = None) -> Any:
        """Call ``listener(name, payload)`` after the commit of every ``name`` event (usable as a decorator)."""
        return self._add(self._listeners, name, listener)

    @overload
    def transactional(self, name: str) -> Callable[[TransactionalListener], TransactionalListener]: ...

    @overload
    def transactional(self, name: str, listener: TransactionalListener) -> TransactionalListener: ...

    def transactional(self, name: str, listener: TransactionalListener | None = None) -> Any:
        """Call ``listener(name, payload)`` inside the emitting transaction of every ``name`` event, with
        ``payload()`` building the payload (usable as a decorator). See the module docstring."""
        return self._add(self._transactional, name, listener)

    @staticmethod
    def _add(table: dict[str, list[_L]], name: str, listener: _L | None) -> Any:
        if listener is None:
            def decorator(fn: _L) -> _L:
                Events._add(table, name, fn)
                return fn
            return decorator
        if not callable(listener):
            raise TypeError(f"event listener for {name!r} is not callable")
        table.setdefault(name, []).append(listener)
        return listener

    def off(self, name: str, listener: Listener | TransactionalListener) -> None:
        """Remove ``listener`` from ``name``, whichever kind it was subscribed as."""
        for table in (self._listeners, self._transactional):
            listeners: list[Any] = table.get(name, [])
            if listener in listeners:
                listeners.remove(listener)

    def listening(self, name: str) -> bool:
        """Whether anything takes ``name``, inside the transaction or after it."""
        return bool(self._transactional.get(name) or self._transactional.get("*")
                    or self._listeners.get(name) or self._listeners.get("*"))

    def emit(self, name: str, payload: dict[str, Any] | Payload) -> None:
        """Send an event: to transactional listeners at once (in the current transaction, if any), and to
        the others when that transaction commits (at once outside one).

        ``payload`` may be a function that builds it: called once, only if someone takes the event.
        """
        if callable(payload):
            build = payload
            cache: list[dict[str, Any]] = []

            def lazy() -> dict[str, Any]:
                if not cache:
                    cache.append(build())
                return cache[0]
        else:
            value = payload

            def lazy() -> dict[str, Any]:
                return value
        transactional = self._transactional
        for listener in transactional.get(name, ()):
            listener(name, lazy)
        for listener in transactional.get("*", ()):
            listener(name, lazy)
        if not (self._listeners.get(name) or self._listeners.get("*")):
            return
        built = lazy()
        db = self.db
        if db is not None and db.in_transaction:
            db.on_commit(lambda: self._notify(name, built))
        else:
            self._notify(name, built)

    def _notify(self, name: str, payload: dict[str, Any]) -> None:
        for listener in (*self._listeners.get(name, ()), *self._listeners.get("*", ())):
            try:
                listener(name, payload)
            except Exception:
                log.exception("event listener %r failed on %s", listener, name)
