"""A gunicorn serving the soak project, in a session of its own, and a webhook receiver counting events."""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import requests

BOOT_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Gunicorn:
    """``gunicorn`` on ``port`` with ``args``; ``stop`` ends its whole process group."""

    def __init__(self, project: Path, database: Path, port: int, args: list[str], receiver: str, log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self._log = open(log, "ab")  # noqa: SIM115 - closed in stop()
        env = {**os.environ, "DATABASE_FILENAME": str(database), "SOAK_RECEIVER": receiver}
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--bind", f"127.0.0.1:{port}", "--graceful-timeout",
             "20", "--timeout", "60", *args, f"minikoa.wsgi:create_app({str(project)!r})"],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + BOOT_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {log}")
            try:
                requests.get(self.url + "/api/tags", timeout=10)
                return
            except requests.RequestException:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"gunicorn did not answer within {BOOT_TIMEOUT:.0f} s") from None
                time.sleep(0.1)

    def workers(self) -> list[int]:
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                found.append(int(stat.parent.name))
        return found

    def kill_worker(self) -> None:
        workers = self.workers()
        if workers:
            os.kill(workers[0], signal.SIGKILL)

    def crash(self) -> None:
        """The whole server at once, as a machine that loses power: SIGKILL to master and workers."""
        self._group(signal.SIGKILL)
        self.proc.wait()

    def terminate(self) -> None:
        """SIGTERM to the master: gunicorn's graceful shutdown."""
        self.proc.send_signal(signal.SIGTERM)

    def _group(self, sig: signal.Signals) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self) -> None:
        if self.proc.poll() is None:
            self._group(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        self._group(signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.wait()
        self._log.close()


class Receiver:
    """Counts webhook deliveries per entry documentId."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        lock = threading.Lock()
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    document = json.loads(body)["entry"]["documentId"]
                except (ValueError, KeyError, TypeError):
                    document = "?"
                with lock:
                    hits[document] += 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
