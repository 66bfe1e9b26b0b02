"""Shared fixtures: apps, test clients and a real gunicorn on 127.0.0.1."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from minikoa import App
from minikoa.content import passwords
from tests.postgres import PostgresServer
from tests.postgres import binaries as postgres_binaries

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


#: A gunicorn config the test servers load: each worker says it is ready once its app is loaded.
_READY_HOOK = """from pathlib import Path


def post_worker_init(worker):
    Path({folder!r}, f"{{worker.pid}}.ready").touch()
"""
#: A hang detector, not a speed check: a busy machine may take many seconds to boot a worker.
BOOT_TIMEOUT = 90


class Server:
    """A gunicorn process serving ``target`` on 127.0.0.1, ready when every worker has loaded the app.

    It runs in a session of its own, so ``stop()`` ends the master and every worker it forked, whatever
    state they are in; its output goes to a file (a pipe nobody reads could fill and stall it), which
    ``stop()`` returns.
    """

    def __init__(self, target: str, workers: int = 1, env: dict[str, str] | None = None,
                 cwd: Path = ROOT) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(env or {})
        self._folder = Path(tempfile.mkdtemp(prefix="minikoa-server-"))
        config = self._folder / "gunicorn_ready.py"
        config.write_text(_READY_HOOK.format(folder=str(self._folder)))
        self._log = open(self._folder / "output.log", "w+")  # noqa: SIM115 - closed in stop()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.proc = subprocess.Popen(
            [str(gunicorn), "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--graceful-timeout", "5", "--config", str(config), target],
            cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
            stdout=self._log, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        _STARTED.append(self.proc.pid)
        try:
            self._wait_ready(workers)
        except BaseException:
            output = self.stop()
            raise RuntimeError(f"gunicorn did not get ready:\n{output}") from None

    def _wait_ready(self, workers: int) -> None:
        deadline = time.monotonic() + BOOT_TIMEOUT
        while len(list(self._folder.glob("*.ready"))) < workers:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited early")
            if time.monotonic() > deadline:
                raise TimeoutError(f"fewer than {workers} workers ready within {BOOT_TIMEOUT} s")
            time.sleep(0.05)
        while True:  # every worker has its app; the socket has been listening since before the fork
            try:
                requests.get(self.url + "/", timeout=10)
                return
            except (requests.ConnectionError, requests.Timeout):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> str:
        """Stop the master and every worker (TERM, then KILL after 10 s); the server's output."""
        stop_group(self.proc)
        if self._log.closed:
            return ""
        self._log.seek(0)
        output = self._log.read()
        self._log.close()
        shutil.rmtree(self._folder, ignore_errors=True)
        return output


def stop_group(proc: subprocess.Popen[Any]) -> None:
    """End ``proc`` and everything in its session: TERM, KILL after 10 s, then KILL for anything a dead
    leader left behind (gunicorn workers of a killed master)."""
    if proc.poll() is None:
        _signal_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    _signal_group(proc.pid, signal.SIGKILL)
    if proc.poll() is None:
        proc.wait()


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


#: The session leaders of every server the tests started (``Server``), checked at the end of the run.
_STARTED: list[int] = []


def _alive_in_group(group: int) -> list[int]:
    """The processes still in process group ``group`` (Linux: /proc; elsewhere nothing is checked)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if a server a test started outlived it (and stop what is left, so nothing lingers)."""
    left = {group: pids for group in _STARTED if (pids := _alive_in_group(group))}
    for group in left:
        _signal_group(group, signal.SIGKILL)
    if left:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = f"servers still running after the tests (process group: pids): {left}"
        if reporter is not None:
            reporter.write_line(message, red=True)
        else:
            print(message, file=sys.stderr)


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
    nothing from the project, and ``config/plugins.py`` turns the built-in plugins
    off (users-permissions closes every route until a role is granted it, upload
    adds routes and a service), so tests see just what they set up; a test of
    the plugins writes its own.
    """
    files = {"config/middlewares.py": "config = ['minikoa::errors', 'minikoa::query', 'minikoa::body']\n",
             "config/plugins.py": "config = {'users-permissions': {'enabled': False}, 'upload': {'enabled': False},"
                                 " 'i18n': {'enabled': False}}\n",
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
def make_app(tmp_path, receiver, database_config):
    """Apps with webhooks on a database (``tests.receiver.AppFactory``): SQLite files in tmp_path, then
    PostgreSQL schemas."""
    from tests.receiver import AppFactory

    factory = AppFactory(tmp_path, database_config)
    yield factory
    receiver.release()  # end the receiver's delays so apps stop at once
    factory.close()


# -- PostgreSQL ---------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the whole session (see ``tests/postgres.py``), stopped and its
    folder removed at the end whatever happened; tests needing it skip, saying why, where the binaries
    cannot be had."""
    bin_dir, why = postgres_binaries()
    if bin_dir is None:
        pytest.skip(why)
    server = PostgresServer(bin_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


_schemas = itertools.count(1)


def new_schema(server: PostgresServer) -> dict:
    """A new, empty schema on ``server``, as ``config/database.py``'s ``connection`` that uses it."""
    import psycopg

    schema = f"test_{os.getpid()}_{next(_schemas)}"
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return {"client": "postgres", "connection": {"connectionString": server.dsn, "schema": schema},
            "pool": {"min": 0, "max": 4}}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def module_database(request: pytest.FixtureRequest) -> Iterator:
    """A database shared by one module's tests, once on SQLite (in memory) and once on PostgreSQL (a schema
    of its own, thrown away with the server): for modules that build one read-only world of rows."""
    from minikoa.db import SQLiteDatabase, connect

    if request.param == "sqlite":
        db = SQLiteDatabase()
    else:
        db = connect(new_schema(request.getfixturevalue("postgres_server")), None)
    yield db
    db.close()


@pytest.fixture
def postgres_connection(postgres_server: PostgresServer) -> Iterator[dict]:
    """``config/database.py``'s ``connection`` for a PostgreSQL schema of this test's own, dropped after it:
    a schema is far cheaper to make than a database, and ``connection.schema`` is Strapi's own key."""
    import psycopg

    connection = new_schema(postgres_server)
    schema = connection["connection"]["schema"]
    yield connection
    with psycopg.connect(postgres_server.dsn, autocommit=True) as conn:
        # Sessions the test left open (a database not closed) would block the drop: end them first.
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE pid <> pg_backend_pid() AND datname = current_database() AND state = 'idle' "
                     "AND query LIKE %s", [f"%{schema}%"])
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
def database_config(request: pytest.FixtureRequest, tmp_path: Path):
    """``database_config(name)``: ``config/database.py``'s ``connection`` for a fresh database, once on
    SQLite (the file ``tmp_path/name``) and once on PostgreSQL (a schema of the test's own)."""
    if request.param == "sqlite":
        return lambda name="data.db": {"connection": {"filename": str(tmp_path / name)}}
    # One schema per name, as SQLite has one file per name: the first is the test's own (dropped after it),
    # the others are thrown away with the server.
    schemas = {"": request.getfixturevalue("postgres_connection")}

    def connection(name: str = "data.db") -> dict:
        if name not in schemas:
            schemas[name] = schemas.pop("") if "" in schemas else new_schema(request.getfixturevalue(
                "postgres_server"))
        return schemas[name]
    return connection
