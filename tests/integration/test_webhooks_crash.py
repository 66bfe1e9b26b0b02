"""Durable webhooks survive ``kill -9``: every committed change is delivered after a restart.

The blog (a copy in tmp_path, with a fast retry schedule in
``config/env/crashtest/server.py``) runs on gunicorn with two workers. A
webhook points at a receiver port that is bound but not listening: every
attempt is refused at once, so its rows are being retried. 190 writes
commit over HTTP, a few more fail validation or a policy. Then a second
webhook points at a port that listens but never answers, and 10 more
writes commit: its attempts hang until the 2 s timeout, so rows are
leased, mid-attempt, when the crash comes. The whole gunicorn process
group is killed with SIGKILL; both receivers start answering; gunicorn
starts again on the same database. Every committed change must arrive
(at least once, signed, duplicates under one ``webhook-id``), nothing from
a failed write, and the outbox must end with every row delivered.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

from minikoa.webhooks import verify
from minikoa.webhooks.tables import OUTBOX
from tests.conftest import ROOT, free_port
from tests.examples.test_blog import sign_up_over_http

BLOG = ROOT / "examples" / "blog"
ADMIN_TOKEN = "crash-admin-token"
EVENTS = ["entry.create", "entry.update", "entry.delete"]
#: Retries fast enough for a test: attempts at about 0, 0.2, 0.7, 1.7 and 2.7 s, then "failed".
CRASHTEST_CONFIG = {"webhooks": {"schedule": [0.2, 0.5, 1, 1], "jitter": 0, "timeout": 2, "leaseSeconds": 3,
                                 "pollInterval": 0.2}}


# -- processes ---------------------------------------------------------------------------------


class Gunicorn:
    """gunicorn in its own session (process group), so the master and its workers can be SIGKILLed together."""

    def __init__(self, project: Path, env: dict[str, str], log: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("ab")
        gunicorn = Path(sys.executable).with_name("gunicorn")
        # The log goes to a file: a pipe nobody reads would fill up and block the workers.
        self.proc = subprocess.Popen(
            [str(gunicorn), "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--graceful-timeout", "3", f'minikoa.wsgi:create_app("{project}")'],
            cwd=project, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.pgid = self.proc.pid

    def wait_ready(self, workers: int = 2, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited early with {self.proc.returncode}")
            try:
                # A slow first answer (a loaded machine) means "not ready yet": the deadline above is the
                # hang detector, not this probe's timeout.
                requests.get(self.url + "/api/articles?pagination[pageSize]=1", timeout=5)
                if len(self.workers()) >= workers:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start within {seconds:g} s")

    def workers(self) -> list[int]:
        """The pids whose parent is the master (read from /proc)."""
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                    stat = f.read()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces, so split after its closing parenthesis.
            fields = stat.rsplit(")", 1)[-1].split()
            if len(fields) > 1 and fields[1] == str(self.proc.pid):
                found.append(int(entry))
        return found

    def group_alive(self) -> bool:
        """Whether any process of the group is still there (not counting zombies, which hold no resources)."""
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                    fields = f.read().rsplit(")", 1)[-1].split()
            except OSError:
                continue
            if len(fields) > 2 and fields[2] == str(self.pgid) and fields[0] != "Z":
                return True
        return False

    def kill9(self) -> None:
        """SIGKILL to the master and every worker at once (the process group), then wait until all are gone."""
        try:
            os.killpg(self.pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        self._wait_group_gone()

    def stop(self) -> None:
        """A graceful stop (SIGTERM to the master), SIGKILL to the group if it takes too long."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=8)
            except subprocess.TimeoutExpired:
                pass
        if self.group_alive():
            try:
                os.killpg(self.pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc.poll() is None:
            self.proc.wait(timeout=10)
        self._wait_group_gone()
        self.log.close()

    def _wait_group_gone(self, seconds: float = 10) -> None:
        deadline = time.monotonic() + seconds
        while self.group_alive():
            if time.monotonic() > deadline:
                raise RuntimeError(f"processes of group {self.pgid} outlived SIGKILL")
            time.sleep(0.05)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a sender killed mid-request: nothing to answer


class Receiver:
    """A threaded HTTP server recording webhook deliveries, in three stages.

    Made, it has its port bound but not listening: connections are refused at
    once, and nobody else can take the port. ``hang()`` listens without
    accepting: connections complete in the kernel and requests wait for an
    answer that never comes. ``serve()`` answers 200 to everything, including
    the requests that queued up meanwhile.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.received.append({"headers": dict(self.headers.items()), "body": body})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
        self.server.server_bind()
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        self.listening = False
        self.thread: threading.Thread | None = None

    def hang(self) -> None:
        if not self.listening:
            self.server.server_activate()
            self.listening = True

    def drain(self) -> list[dict[str, Any]]:
        """Accept the connections queued while hanging, read their requests, and close them unanswered.

        These are the attempts in flight when the senders died: the receiver never answers them, so their
        rows must be delivered again once the dead workers' leases expire.
        """
        sock = self.server.socket
        sock.setblocking(False)
        orphans = []
        try:
            for _ in range(500):
                try:
                    conn, _ = sock.accept()
                except BlockingIOError:
                    break
                with conn:
                    conn.settimeout(1)
                    data = b""
                    for _ in range(100):
                        head, sep, rest = data.partition(b"\r\n\r\n")
                        if sep:
                            headers = http.client.parse_headers(io.BytesIO(head.partition(b"\r\n")[2] + b"\r\n\r\n"))
                            if len(rest) >= int(headers.get("Content-Length") or 0):
                                orphans.append({"headers": dict(headers.items()), "body": rest})
                                break
                        try:
                            chunk = conn.recv(65536)
                        except OSError:
                            break
                        if not chunk:
                            break
                        data += chunk
        finally:
            sock.setblocking(True)
        return orphans

    def serve(self) -> None:
        self.hang()
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def snapshot(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.received)

    def close(self) -> None:
        if self.thread is not None:
            self.server.shutdown()
            self.thread.join(5)
        self.server.server_close()


# -- the workload ------------------------------------------------------------------------------


def _outbox(db: Path) -> list[tuple[int, str, int]]:
    """(webhook id, status, attempts) of every outbox row, read without taking the write lock."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute(f"SELECT webhook_id, status, attempts FROM {OUTBOX}").fetchall()
    finally:
        conn.close()


Change = tuple[str, str, str]  # (event, documentId, the entry's title in the event)


class Writer:
    """Writes to /api/articles over HTTP from 4 client threads, recording what committed."""

    def __init__(self, base: str, writer: dict[str, str], other: dict[str, str]) -> None:
        self.base = base
        #: the Authorization headers of the user who writes, and of another (whom is-owner refuses)
        self.writer, self.other = writer, other
        self.local = threading.local()
        self.created: list[tuple[str, str]] = []  # (documentId, title), in creation order
        self.refused_titles: set[str] = set()
        self.refused_changes: set[tuple[str, str]] = set()  # (event, documentId) of refused updates, deletes
        self.sessions: list[requests.Session] = []

    @property
    def http(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
            self.sessions.append(self.local.session)
        return self.local.session

    def close(self) -> None:
        for session in self.sessions:
            session.close()

    def _create(self, i: int) -> tuple[str, str]:
        res = self.http.post(self.base + "/api/articles",
                             json={"data": {"title": f"Crash {i}", "body": f"Body {i}"}}, headers=self.writer,
                             timeout=10)
        assert res.status_code == 201, res.text
        data = res.json()["data"]
        return data["documentId"], data["title"]

    def create(self, count: int) -> set[Change]:
        first = len(self.created)
        with ThreadPoolExecutor(4) as pool:
            made = list(pool.map(self._create, range(first, first + count)))
        self.created += made
        return {("entry.create", doc, title) for doc, title in made}

    def _change(self, i: int, update: bool, delete: bool) -> list[Change]:
        doc, title = self.created[i]
        done = []
        if update:
            res = self.http.put(f"{self.base}/api/articles/{doc}", json={"data": {"title": f"Crash {i} edited"}},
                                headers=self.writer, timeout=10)
            assert res.status_code == 200, res.text
            title = res.json()["data"]["title"]
            done.append(("entry.update", doc, title))
        if delete:
            res = self.http.delete(f"{self.base}/api/articles/{doc}", headers=self.writer, timeout=10)
            assert res.status_code == 204, res.text
            done.append(("entry.delete", doc, title))
        return done

    def change(self, updated: Iterable[int], deleted: Iterable[int], refused: Iterable[int] = ()) -> set[Change]:
        """Update, then delete, the documents created n-th; refused writes go to the ``refused`` ones."""
        updated, deleted = set(updated), set(deleted)
        jobs: list[tuple[Callable[..., Any], tuple[Any, ...]]] = [
            (self._change, (i, i in updated, i in deleted)) for i in sorted(updated | deleted)]
        jobs += [(self._refuse, case) for case in self._refused_cases([self.created[i][0] for i in refused])]
        committed: set[Change] = set()
        with ThreadPoolExecutor(4) as pool:
            for future in [pool.submit(fn, *args) for fn, args in jobs]:
                committed.update(future.result() or ())
        return committed

    def _refused_cases(self, docs: list[str]) -> list[tuple[str, str, Any, dict[str, str], int]]:
        """Writes that fail validation (400), the route's auth (401, 403) or a policy (403), on documents
        nothing else changes."""
        if not docs:
            return []
        assert len(docs) >= 6
        long_title = "x" * 121
        writer, other = self.writer, self.other
        cases = [
            ("POST", "", {"title": long_title + " a"}, writer, 400),  # over maxLength 120
            ("POST", "", {"title": "Crash refused b", "views": -1}, writer, 400),  # under min 0
            ("POST", "", {"excerpt": "no title"}, writer, 400),  # the required title missing
            ("POST", "", {"title": "Crash refused d"}, {}, 403),  # no token: the public may not write
            ("POST", "", {"title": "Crash refused e"}, {"Authorization": "Bearer wrong"}, 401),  # a bad token
            ("PUT", docs[0], {"title": long_title}, writer, 400),
            ("PUT", docs[1], {"views": -5}, writer, 400),
            ("PUT", docs[2], {"title": "Hijacked"}, other, 403),  # is-owner
            ("PUT", docs[3], {"title": "No token"}, {}, 403),
            ("DELETE", docs[4], None, {}, 403),
            ("DELETE", docs[5], None, other, 403),
        ]
        for method, doc, data, _, _ in cases:
            if method == "POST":
                self.refused_titles.add(data.get("title") or "")
            else:
                self.refused_changes.add(("entry.update" if method == "PUT" else "entry.delete", doc))
        return cases

    def _refuse(self, method: str, doc: str, data: Any, headers: dict[str, str], status: int) -> None:
        url = f"{self.base}/api/articles" + (f"/{doc}" if doc else "")
        res = self.http.request(method, url, json=None if data is None else {"data": data}, headers=headers,
                                timeout=10)
        assert res.status_code == status, (method, data, res.status_code, res.text)


# -- the test ----------------------------------------------------------------------------------


def test_kill_9_during_retries_loses_no_committed_delivery(tmp_path):
    started = time.monotonic()
    project = tmp_path / "blog"
    shutil.copytree(BLOG, project, ignore=shutil.ignore_patterns(".tmp", "__pycache__"))
    override = project / "config" / "env" / "crashtest" / "server.py"
    override.parent.mkdir(parents=True)
    override.write_text(f"config = {CRASHTEST_CONFIG!r}\n")
    db = tmp_path / "crash.db"
    env = {"DATABASE_FILENAME": str(db), "WEBHOOKS_ALLOW_PRIVATE": "1", "ADMIN_TOKEN": ADMIN_TOKEN,
           "MINIKOA_ENV": "crashtest"}
    log = tmp_path / "gunicorn.log"
    receivers = {"down": Receiver(), "hanging": Receiver()}
    receivers["hanging"].hang()
    servers: list[Gunicorn] = []
    writer: Writer | None = None
    try:
        first = Gunicorn(project, env, log)
        servers.append(first)
        first.wait_ready()

        hooks: dict[str, dict[str, Any]] = {}

        def add_hook(name: str) -> int:
            res = requests.post(first.url + "/admin/webhooks", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
                                json={"data": {"name": name, "url": receivers[name].url, "events": EVENTS}},
                                timeout=10)
            assert res.status_code == 201, res.text
            hooks[name] = res.json()["data"]
            assert hooks[name]["secret"].startswith("whsec_")
            return hooks[name]["id"]

        def outbox_until(done: Callable[[list[tuple[int, str, int]]], bool], seconds: float) -> None:
            deadline = time.monotonic() + seconds
            while not done(_outbox(db)) and time.monotonic() < deadline:
                time.sleep(0.05)

        # The users who write, made before any webhook listens (their creation is no article change).
        crash, mallory = sign_up_over_http(first.url, "crash"), sign_up_over_http(first.url, "mallory")

        # 190 writes with the refusing receiver's webhook only, and refused writes beside them; wait until all
        # its rows have been tried and some retried.
        down = add_hook("down")
        writer = Writer(first.url, crash, mallory)
        committed = writer.create(125)
        committed |= writer.change(updated=range(35), deleted=[*range(15), *range(100, 115)],
                                   refused=range(119, 125))
        assert len(committed) == 190
        outbox_until(lambda rows: min(a for _, _, a in rows) >= 1 and max(a for _, _, a in rows) >= 2, 3)

        # The silent receiver's webhook, 10 more writes; wait until one of its rows is leased mid-attempt. Its
        # attempts keep the dispatcher threads busy for 2 s each from now on (the rows are older than the
        # refusing receiver's next retries), so no row is given up on before the kill.
        hanging = add_hook("hanging")
        late = writer.create(4) | writer.change(updated=range(115, 119), deleted=[115, 116])
        assert len(late) == 10
        committed |= late
        outbox_until(lambda rows: any(h == hanging and s == "delivering" for h, s, _ in rows), 3)
        time.sleep(0.2)  # its request sent (the attempt lasts 2 s)
        first.kill9()
        assert first.workers() == []

        rows = _outbox(db)
        assert sorted(hook for hook, _, _ in rows) == sorted([down] * 200 + [hanging] * 10), \
            "one outbox row per committed change and webhook, none for a refused write"
        statuses = {status for _, status, _ in rows}
        assert statuses <= {"pending", "delivering"}, f"rows given up on or delivered before the kill: {statuses}"
        assert sum(1 for hook, _, attempts in rows if hook == down and attempts >= 1) >= 190, \
            "the first 190 rows were not all tried before the kill"
        assert max(attempts for hook, _, attempts in rows if hook == down) >= 2, "no retry before the kill"
        assert any(hook == hanging and status == "delivering" for hook, status, _ in rows), \
            "no attempt in flight at the kill"
        assert all(not r.snapshot() for r in receivers.values())
        expected = {"down": committed, "hanging": late}
        orphans = receivers["hanging"].drain()
        assert orphans, "no request in flight at the kill"

        for receiver in receivers.values():
            receiver.serve()
        second = Gunicorn(project, env, log)
        servers.append(second)
        second.wait_ready()

        # Everything arrives: pending rows at their next attempt, rows leased by the dead workers once their
        # lease (3 s) has expired; the outbox then says delivered for every row.
        def arrived(name: str) -> bool:
            got = {(d["headers"].get("X-Strapi-Event"), json.loads(d["body"])["entry"]["documentId"])
                   for d in receivers[name].snapshot()}
            return {(event, doc) for event, doc, _ in expected[name]} <= got

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if all(map(arrived, receivers)) and all(status == "delivered" for _, status, _ in _outbox(db)):
                break
            time.sleep(0.1)
        final = _outbox(db)
        deliveries = {name: r.snapshot() for name, r in receivers.items()}
    finally:
        errors = []
        for server in servers:
            try:
                server.stop()
            except Exception as exc:  # keep stopping the others; report after
                errors.append(exc)
        for receiver in receivers.values():
            receiver.close()
        if writer is not None:
            writer.close()
        if errors:
            raise errors[0]

    assert {status for _, status, _ in final} == {"delivered"}, sorted(set(final))[:5]
    for name, received in deliveries.items():
        secret = hooks[name]["secret"]
        by_key: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
        for delivery in received:
            headers, body = delivery["headers"], delivery["body"]
            verify(secret, headers, body)  # raises unless the signature and the timestamp check out
            payload = json.loads(body)
            assert headers["X-Strapi-Event"] == payload["event"]
            entry = payload["entry"]
            assert payload["uid"] == "api::article.article" and "editorNotes" not in entry
            by_key[(payload["event"], entry["documentId"], entry["title"])].append(headers)

        missing = expected[name] - set(by_key)
        assert not missing, f"{name}: {len(missing)} committed changes never delivered, e.g. {sorted(missing)[:3]}"
        extra = set(by_key) - expected[name]
        assert not extra, f"{name}: deliveries for changes that did not commit: {sorted(extra)[:3]}"
        assert not writer.refused_titles & {title for _, _, title in by_key}
        assert not writer.refused_changes & {(event, doc) for event, doc, _ in by_key}
        message_ids = {}
        for key, copies in by_key.items():
            ids = {h["webhook-id"] for h in copies}
            assert len(ids) == 1, f"{name}: a duplicate of {key} under another webhook-id: {ids}"
            message_ids[key] = ids.pop()
        assert len(set(message_ids.values())) == len(expected[name]), f"{name}: two changes under one webhook-id"
        if name == "hanging":  # the attempts dropped at the crash were made again, under the same webhook-id
            for orphan in orphans:
                verify(secret, orphan["headers"], orphan["body"])
                entry = json.loads(orphan["body"])["entry"]
                key = (orphan["headers"]["X-Strapi-Event"], entry["documentId"], entry["title"])
                assert message_ids.get(key) == orphan["headers"]["webhook-id"], key
    assert time.monotonic() - started < 60
