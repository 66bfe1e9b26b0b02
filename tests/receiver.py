"""Helpers shared by the webhook tests: a scriptable HTTP receiver, an app factory, polling.

Not a conftest: the test modules import what they need and define their own
small fixtures around it.

* ``Receiver()`` runs a threaded HTTP server on 127.0.0.1 (an ephemeral
  port) in a daemon thread. It records every request as a ``Hit`` (method,
  path, headers, body, arrival time) and answers as scripted: ``script(path,
  Reply(...), ...)`` queues answers for a path, used in order, after which
  the path's default (``always``) or 200 applies. A ``Reply`` has a status,
  headers, a body, a delay before answering and, for slow receivers, a pause
  between header lines (``trickle``). ``stop()`` ends every delay at once and
  closes the server.
* ``AppFactory(tmp_path)`` builds apps in code on a database file under
  ``tmp_path`` with the content-types the tests use, and destroys them all in
  ``close()``.
* ``wait_until(predicate)`` polls with a deadline.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minikoa import App

__all__ = ["Reply", "Hit", "Receiver", "AppFactory", "wait_until", "FAST", "NOTE", "AUTHOR", "POST"]

NOTE = "api::note.note"
AUTHOR = "api::author.author"
POST = "api::post.post"

#: Webhook settings that make the tests fast: loopback allowed, retries after 0.1 s and 0.2 s, no jitter.
FAST: dict[str, Any] = {"allowPrivate": True, "schedule": [0.1, 0.2], "jitter": 0, "timeout": 2,
                        "pollInterval": 0.05, "shutdownDeadline": 2}


def wait_until(predicate: Callable[[], Any], timeout: float = 30.0, interval: float = 0.01,
               message: str | Callable[[], str] = "condition") -> Any:
    """Poll ``predicate`` until it returns something truthy (returned) or ``timeout`` seconds pass.

    The default timeout is a hang detector, not a speed check: on a busy machine a delivery can take
    seconds.
    """
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / interval) + 100):  # bounded in count as well as in time
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    text = message() if callable(message) else message
    raise AssertionError(f"timed out after {timeout} s waiting for {text}")


@dataclass
class Reply:
    """How the receiver answers one request."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    #: Seconds to wait before answering (ended early by ``Receiver.stop``).
    delay: float = 0.0
    #: Seconds between header lines: a receiver that keeps the connection busy without ever being idle long.
    trickle: float = 0.0


@dataclass
class Hit:
    """One request the receiver got."""

    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    at: float  # time.monotonic() when the request (with its body) had arrived

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def id(self) -> str:
        return self.headers.get("webhook-id", "")

    @property
    def event(self) -> str:
        return self.headers.get("x-strapi-event", "")


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (a timed-out delivery) is expected here


class Receiver:
    """A scriptable HTTP receiver on 127.0.0.1."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._scripts: dict[str, list[Reply]] = {}
        self._defaults: dict[str, Reply] = {}
        self.hits_all: list[Hit] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                hit = Hit(self.command, path, {k.lower(): v for k, v in self.headers.items()}, body,
                          time.monotonic())
                with receiver._lock:
                    receiver.hits_all.append(hit)
                    script = receiver._scripts.get(path)
                    reply = script.pop(0) if script else receiver._defaults.get(path, Reply())
                if reply.delay:
                    receiver._closing.wait(reply.delay)
                self._answer(reply)

            def _answer(self, reply: Reply) -> None:
                if reply.trickle:
                    self.wfile.write(f"HTTP/1.0 {reply.status} Slow\r\n".encode())
                    self.wfile.flush()
                    for number in range(8):
                        if receiver._closing.wait(reply.trickle):
                            return
                        self.wfile.write(f"X-Trickle-{number}: {number}\r\n".encode())
                        self.wfile.flush()
                    self.wfile.write(b"Content-Length: 0\r\n\r\n")
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if reply.body and self.command != "HEAD":
                    self.wfile.write(reply.body)

            do_POST = do_GET = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01},
                                        name="test-receiver", daemon=True)
        self._thread.start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path: str, *replies: Reply) -> None:
        """Answer the next requests to ``path`` with ``replies``, in order."""
        with self._lock:
            self._scripts.setdefault(path, []).extend(replies)

    def always(self, path: str, reply: Reply) -> None:
        """Answer requests to ``path`` with ``reply`` once its script is used up."""
        with self._lock:
            self._defaults[path] = reply

    def hits(self, path: str | None = None) -> list[Hit]:
        with self._lock:
            return [hit for hit in self.hits_all if path is None or hit.path == path]

    def wait_for(self, count: int, path: str | None = "/hook", timeout: float = 30.0) -> list[Hit]:
        """Wait until ``path`` (any path with None) got at least ``count`` requests; returns them all."""
        wait_until(lambda: len(self.hits(path)) >= count, timeout,
                   message=lambda: f"{count} request(s) to {path}, got {len(self.hits(path))}")
        return self.hits(path)

    def release(self) -> None:
        """End every delay now (answers still in progress are cut short)."""
        self._closing.set()

    def stop(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(2)


def _schema(singular: str, plural: str, attributes: dict[str, Any], dp: bool = False) -> dict[str, Any]:
    return {"kind": "collectionType", "collectionName": plural,
            "info": {"singularName": singular, "pluralName": plural, "displayName": singular.title()},
            "options": {"draftAndPublish": dp}, "attributes": attributes}


class AppFactory:
    """``factory(webhooks={...}, admin=True)``: a built app on ``tmp_path/<db>``; ``close()`` destroys them all.

    Content-types: ``api::note.note`` (text, a private ``secret``, a password ``pw``, an ``author``),
    ``api::author.author`` (name, a private ``email``, a password ``pw``, its ``notes``) and
    ``api::post.post`` (title, a private ``secret``; draftAndPublish).
    """

    def __init__(self, tmp_path: Path, database_config: Callable[[str], dict] | None = None) -> None:
        self.tmp_path = tmp_path
        #: ``config/database.py``'s connection for a database name (``database_config``), or a SQLite file
        self.database_config = database_config or (lambda name: {"connection": {"filename": str(tmp_path / name)}})
        self.apps: list[App] = []

    def __call__(self, webhooks: Mapping[str, Any] | None = None, *, fast: bool = True, admin: bool = False,
                 db: str = "w.db", token: str | None = "t", build: bool = True) -> App:
        settings = {**(FAST if fast else {}), **(webhooks or {})}
        config: dict[str, Any] = {"database": {"connection": self.database_config(db)},
                                  "server": {"webhooks": settings}}
        if token is not None:
            config["admin"] = {"token": token}
        app = App(config=config)
        ct = app.content_types
        ct.register(AUTHOR, _schema("author", "authors", {
            "name": {"type": "string"},
            "email": {"type": "string", "private": True},
            "pw": {"type": "password"},
            "notes": {"type": "relation", "relation": "oneToMany", "target": NOTE, "mappedBy": "author"},
        }))
        ct.register(NOTE, _schema("note", "notes", {
            "text": {"type": "string", "required": True, "maxLength": 50},
            "secret": {"type": "string", "private": True},
            "pw": {"type": "password"},
            "author": {"type": "relation", "relation": "manyToOne", "target": AUTHOR, "inversedBy": "notes"},
        }))
        ct.register(POST, _schema("post", "posts", {"title": {"type": "string"},
                                                  "secret": {"type": "string", "private": True}}, dp=True))
        if admin:
            from minikoa.webhooks.admin import mount_admin

            mount_admin(app)
        self.apps.append(app)
        if build:
            app.build()
        return app

    def close(self) -> None:
        for app in reversed(self.apps):
            app.destroy()
        self.apps.clear()
