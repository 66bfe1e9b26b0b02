"""Shared fixtures: apps, test clients and a real gunicorn on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from minikoa import App
from minikoa.content import passwords

ROOT = Path(__file__).resolve().parent.parent
#: Password hashes at argon2's lowest cost: the tests hash many, and what they check does not depend on it.
passwords.configure(time_cost=1, memory_cost=8, parallelism=1)
#: Files the tests read: the contract project and the requests recorded from Strapi 5.
FIXTURES = ROOT / "tests" / "fixtures"


def contract_schema(name: str) -> dict:
    """The schema.json of ``name`` (article or category) in the contract project, as recorded from Strapi 5."""
    path = FIXTURES / "contract-project" / "src" / "api" / name / "content-types" / name / "schema.json"
    return json.loads(path.read_text())


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in its own folder: an app built in code keeps its database in
    ``.tmp/data.db`` of the working directory, which must never be shared between tests."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def app() -> App:
    return App()


@pytest.fixture
def client(app: App):
    return app.test_client()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A gunicorn process serving ``target`` on 127.0.0.1, stopped on exit."""

    def __init__(self, target: str, workers: int = 1, env: dict[str, str] | None = None,
                 cwd: Path = ROOT) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.proc = subprocess.Popen(
            [str(gunicorn), "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--graceful-timeout", "5", target],
            cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            self._wait_until_answering(deadline=time.monotonic() + 20)
        except BaseException:
            self.stop()  # never leave a server behind: nothing else would stop it
            raise

    def _wait_until_answering(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.proc.stdout.read()}")
            try:
                requests.get(self.url + "/", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
            except requests.Timeout:
                pass  # connected, not answered yet: a worker is still building the app (slow on a busy machine)
        raise RuntimeError("gunicorn did not start within 20 s")

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is None or self.proc.stdout.closed:
            return ""
        output = self.proc.stdout.read()
        self.proc.stdout.close()
        return output


@pytest.fixture
def serve() -> Iterator:
    """``serve("module:app")`` starts gunicorn and returns the Server."""
    servers: list[Server] = []

    def start(target: str, **kw) -> Server:
        server = Server(target, **kw)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def write_project(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root``; a minimal middleware list and no plugins by default.

    The default ``config/middlewares.py`` keeps only the built-ins that need
    nothing from the project, and ``config/plugins.py`` turns users-permissions
    off (its routes are closed until a role is granted them), so tests see just
    what they set up; a test of the plugins writes its own.
    """
    files = {"config/middlewares.py": "config = ['minikoa::errors', 'minikoa::query', 'minikoa::body']\n",
             "config/plugins.py": "config = {'users-permissions': {'enabled': False}}\n",
             **files}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def project(tmp_path: Path):
    """``project({path: text})`` writes a project folder and returns its path."""
    def make(files: dict[str, str]) -> Path:
        return write_project(tmp_path / "project", files)
    return make


@pytest.fixture
def receiver():
    """A scriptable webhook receiver on 127.0.0.1 (``tests.receiver.Receiver``)."""
    from tests.receiver import Receiver

    server = Receiver()
    yield server
    server.stop()


@pytest.fixture
def make_app(tmp_path, receiver):
    """Apps with webhooks on a database in tmp_path (``tests.receiver.AppFactory``)."""
    from tests.receiver import AppFactory

    factory = AppFactory(tmp_path)
    yield factory
    receiver.release()  # end the receiver's delays so apps stop at once
    factory.close()
