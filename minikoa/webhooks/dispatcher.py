"""Delivering the webhook outbox: a few threads per process, leases, retries.

Each process (a gunicorn worker, a test, a script) runs its own small pool
of threads, started on the first event or when the app starts with webhooks
to deliver, and started afresh in a forked child. Requests never wait for a
delivery: a write only records its events, and wakes the pool after its
commit; the pool fans them out into outbox rows, one per webhook.

**Claiming.** A thread takes the next due row with one atomic UPDATE that
sets a lease (``lease_until``, ``lease_owner``), skipping webhooks that
already have ``perWebhook`` attempts in flight here (``Outbox.claim``, the
one statement a database with row locks words differently); several
workers sharing the database each deliver a row once in normal operation,
and a row whose worker died mid-attempt is taken again once its lease has
expired. Delivery is
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
import logging
import os
import random
import socket
import threading
import time
import weakref
from typing import Any, Protocol, TypedDict
from urllib.parse import urlsplit

import requests

from ..errors import ValidationError
from . import transport
from .guard import Approved
from .outbox import Delivery, Outbox
from .signing import sign

__all__ = ["Dispatcher", "Source", "Target", "SCHEDULE"]

log = logging.getLogger("minikoa.webhooks")

#: Seconds before each retry: the Standard Webhooks schedule.
SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)

_dispatchers: weakref.WeakSet[Dispatcher] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for dispatcher in list(_dispatchers):
        dispatcher._reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class Target(TypedDict):
    """Where and how to deliver to one webhook."""

    url: str
    secret: str
    headers: dict[str, str]
    enabled: bool


class Source(Protocol):
    """What a dispatcher needs of the webhooks it delivers (``minikoa.webhooks.Webhooks``)."""

    @property
    def outbox(self) -> Outbox: ...

    def setting(self, key: str, default: Any) -> Any:
        """``server.webhooks.<key>``."""

    def approve(self, url: str) -> Approved:
        """The SSRF guard with the app's settings, before an attempt: what to request, and where to connect."""

    def target(self, hook_id: int) -> Target | None:
        """The webhook's url, secret, headers and state; None if it was deleted."""

    def disable(self, hook_id: int, reason: str) -> None: ...


class Dispatcher:
    """The delivery threads of one app in one process."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.outbox = source.outbox
        setting = source.setting
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
        """The requests session the threads share (see ``transport``)."""
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
        outbox = self.outbox
        while not self._stop.is_set():
            try:
                outbox.fan_out()
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
                log.exception("webhook delivery %s failed unexpectedly", row["id"])

    def _idle_wait(self) -> float:
        due = self.outbox.next_due()
        if due is None:
            return self.poll
        return max(0.01, min(self.poll, due - self.outbox.clock()))

    # -- one delivery -----------------------------------------------------------

    def claim(self) -> Delivery | None:
        """Lease the next due row: pending and due, or delivering with an expired lease (``Outbox.claim``).

        A webhook with ``perWebhook`` attempts already in flight from this
        dispatcher is skipped, so one slow receiver cannot take every thread
        (by default half of them, at least one).
        """
        return self.outbox.claim(self.owner, self.lease, self.per_webhook)

    def deliver(self, row: Delivery) -> None:
        """One attempt for a leased row, its log line, and what happens next."""
        hook = self.source.target(row["webhook_id"])
        attempt = row["attempts"] + 1
        if hook is None:
            return  # the webhook was deleted: its rows went with it
        if not hook["enabled"] and row["event"] != "trigger-test":
            self._finish(row, attempt, "failed", None, "webhook disabled", 0.0, log_attempt=False)
            return
        body = row["payload"].encode("utf-8")
        timestamp = int(self.outbox.clock())
        headers = {**self.default_headers, **hook["headers"],
                   "Content-Type": "application/json", "X-Strapi-Event": row["event"],
                   "webhook-id": row["message_id"], "webhook-timestamp": str(timestamp),
                   "webhook-signature": sign(hook["secret"], row["message_id"], timestamp, body)}
        started = time.monotonic()
        status: int | None = None
        retry_after: float | None = None
        try:
            # Checked again now (DNS or the settings may have changed since the webhook was
            # saved), and the connection goes to the address this check approved.
            approved = self.source.approve(hook["url"])
            response = transport.post(self.session, approved.url.url, body, headers, self.timeout,
                                      approved.address)
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
        # One line per attempt, for whoever watches the server: the host only (a URL may carry a token).
        log.info("webhook %s: %s to %s: %s (attempt %d, %.0f ms)", row["webhook_id"], row["event"],
                 urlsplit(hook["url"]).hostname, status if error is None else error, attempt, duration)
        if error is None:
            self._finish(row, attempt, "delivered", status, None, duration)
        elif status == 410:
            self.source.disable(row["webhook_id"], "410 Gone from the receiver")
            self._finish(row, attempt, "failed", status, error, duration)
            log.warning("webhook %s answered 410 Gone: disabled", row["webhook_id"])
        elif attempt > len(self.schedule):
            self._finish(row, attempt, "failed", status, error, duration)
        else:
            delay = self.schedule[attempt - 1] * (1 + random.uniform(-self.jitter, self.jitter))
            if retry_after is not None:
                delay = max(delay, retry_after)
            self._finish(row, attempt, "pending", status, error, duration, next_at=self.outbox.clock() + delay)

    def _finish(self, row: Delivery, attempt: int, status: str, code: int | None, error: str | None,
                duration: float, next_at: float | None = None, log_attempt: bool = True) -> None:
        self.outbox.finish(row, self.owner, attempt, status, code, error, duration, next_at, log_attempt)


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
