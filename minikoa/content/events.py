"""In-process events: ``app.events.on(name, fn)`` and ``app.events.emit(name, payload)``.

The document service emits Strapi's entry events (``entry.create``,
``entry.update``, ``entry.delete``, ``entry.publish``, ``entry.unpublish``,
``entry.draft-discard``) after the write commits, with Strapi's webhook
payload: ``{"event", "createdAt", "model", "uid", "entry"}``. A listener that
raises is logged and does not stop the others: an event reports what
already happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

__all__ = ["Events", "ENTRY_EVENTS"]

log = logging.getLogger("minikoa.events")

ENTRY_EVENTS = ("entry.create", "entry.update", "entry.delete", "entry.publish", "entry.unpublish",
                "entry.draft-discard")

Listener = Callable[[str, dict[str, Any]], Any]


class Events:
    """Listeners by event name; ``"*"`` listens to everything."""

    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = {}
        #: Called at once, inside the emitting transaction: the webhook outbox.
        self.sink: Callable[[str, dict[str, Any]], Any] | None = None
        #: The database whose commit in-process listeners wait for.
        self.db: Any = None

    def on(self, name: str, listener: Listener | None = None) -> Any:
        """Call ``listener(name, payload)`` on every ``name`` event (usable as a decorator)."""
        if listener is None:
            def decorator(fn: Listener) -> Listener:
                self.on(name, fn)
                return fn
            return decorator
        if not callable(listener):
            raise TypeError(f"event listener for {name!r} is not callable")
        self._listeners.setdefault(name, []).append(listener)
        return listener

    def off(self, name: str, listener: Listener) -> None:
        listeners = self._listeners.get(name, [])
        if listener in listeners:
            listeners.remove(listener)

    def listening(self, name: str) -> bool:
        """Whether anything takes ``name``: an in-process listener or the webhook outbox."""
        return self.sink is not None or bool(self._listeners.get(name) or self._listeners.get("*"))

    def emit(self, name: str, payload: dict[str, Any] | Callable[[], dict[str, Any]]) -> None:
        """Send an event: to the webhook outbox at once (in the current transaction, if any), and to
        in-process listeners when that transaction commits (at once outside one).

        ``payload`` may be a function that builds it: called only if someone takes the event.
        """
        if callable(payload):
            build, cache = payload, []

            def payload() -> dict[str, Any]:
                if not cache:
                    cache.append(build())
                return cache[0]
        if self.sink is not None:
            self.sink(name, payload)
        if not (self._listeners.get(name) or self._listeners.get("*")):
            return
        value = payload() if callable(payload) else payload
        db = self.db
        if db is not None and db.in_transaction:
            db.on_commit(lambda: self._notify(name, value))
        else:
            self._notify(name, value)

    def _notify(self, name: str, payload: dict[str, Any]) -> None:
        for listener in (*self._listeners.get(name, ()), *self._listeners.get("*", ())):
            try:
                listener(name, payload)
            except Exception:
                log.exception("event listener %r failed on %s", listener, name)
