"""The pytest plugin installed with minikoa: fixtures for testing a project or an app.

Enabled by the ``pytest11`` entry point, so a project's tests need no
conftest to start:

* ``minikoa_app``: the project named by ``--minikoa-project PATH`` (or the
  ``minikoa_project`` ini key), loaded and built for each test on a fresh
  SQLite file in the test's ``tmp_path``; destroyed after the test. A
  project's conftest may define ``minikoa_app`` itself (an ``App`` built in
  code, say); the other fixtures then use that one.
* ``client``: ``minikoa_app.test_client()``, Werkzeug's test client.
* ``live_server``: the app served over real HTTP on a free 127.0.0.1 port:
  gunicorn running the project when the app was loaded from one, else
  Werkzeug's threaded server around the app object; ``live_server.url`` is
  its address. Stopped after the test, whatever happened.

The database is the test's own only when ``config/database.py`` leaves the
file name to ``DATABASE_FILENAME`` (as ``minikoa new`` writes it). Secrets
the project leaves to the environment (``JWT_SECRET``, ``API_TOKEN_SALT``)
get test values, so a test never writes one into the project.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .app import App

__all__ = ["LiveServer"]

#: How long a server may take to answer its first request: a hang detector, not a speed check.
BOOT_TIMEOUT = 60.0
_TEST_SECRETS = {"JWT_SECRET": "minikoa-test-jwt-secret-long-enough-for-hs256",
                 "API_TOKEN_SALT": "minikoa-test-api-token-salt"}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("minikoa")
    group.addoption("--minikoa-project", action="store", default=None, metavar="PATH",
                    help="the minikoa project folder the minikoa_app fixture loads")
    parser.addini("minikoa_project", "the minikoa project folder the minikoa_app fixture loads", default="")


def _project(config: pytest.Config) -> Path | None:
    given = config.getoption("--minikoa-project") or config.getini("minikoa_project")
    if not given:
        return None
    path = Path(str(given))
    return path if path.is_absolute() else Path(config.rootpath) / path


@pytest.fixture
def minikoa_app(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    """The project of ``--minikoa-project``, built on a database of this test's own."""
    project = _project(request.config)
    if project is None:
        pytest.fail("minikoa_app needs --minikoa-project PATH (or the minikoa_project ini key), "
                    "or a minikoa_app fixture of your own in conftest.py")
    monkeypatch.setenv("DATABASE_FILENAME", str(tmp_path / "test.db"))
    for name, value in _TEST_SECRETS.items():
        if name not in os.environ:
            monkeypatch.setenv(name, value)
    app = App.load(project)
    app.build()
    try:
        yield app
    finally:
        app.destroy()


@pytest.fixture
def client(minikoa_app: App) -> Any:
    """Werkzeug's test client on ``minikoa_app``."""
    return minikoa_app.test_client()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    """``minikoa_app`` over HTTP on 127.0.0.1 (see the module docstring); ``url`` is where."""

    def __init__(self, app: App, tmp_path: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None
        self._server: Any = None
        if app.root is not None and (app.root / "config").is_dir():
            gunicorn = Path(sys.executable).with_name("gunicorn")
            self._log = open(tmp_path / "live_server.log", "wb")  # noqa: SIM115 - closed in stop()
            self._process = subprocess.Popen(
                [str(gunicorn), "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
                 f"minikoa.wsgi:create_app({str(app.root)!r})"],
                env=dict(os.environ), stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        else:
            from werkzeug.serving import make_server

            self._server = make_server("127.0.0.1", self.port, app, threaded=True)
            threading.Thread(target=self._server.serve_forever, daemon=True).start()
        try:
            self._wait()
        except BaseException:
            self.stop()
            raise

    def _wait(self) -> None:
        deadline = time.monotonic() + BOOT_TIMEOUT
        while True:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"the live server exited early (see {self._log.name})")
            try:
                urllib.request.urlopen(self.url + "/", timeout=10).close()
                return
            except urllib.error.HTTPError:
                return  # an answer, whatever its status: the server is up
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the live server did not answer within {BOOT_TIMEOUT:.0f} s") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        process = self._process
        if process is not None:
            for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, None)):
                try:
                    os.killpg(process.pid, sig)
                except (ProcessLookupError, PermissionError):
                    break
                try:
                    process.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
            if process.poll() is None:
                process.wait()
            self._log.close()
            self._process = None


@pytest.fixture
def live_server(minikoa_app: App, tmp_path: Path) -> Iterator[LiveServer]:
    """``minikoa_app`` served on a free 127.0.0.1 port, stopped after the test."""
    server = LiveServer(minikoa_app, tmp_path)
    try:
        yield server
    finally:
        server.stop()
