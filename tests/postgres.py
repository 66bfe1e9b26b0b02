"""A throwaway PostgreSQL server for the suite: ``initdb`` into a temporary folder, ``pg_ctl start`` on a
free port of 127.0.0.1, stopped and removed at the end.

No server is started by hand and none is shared with anything else: the
cluster lives in its own temporary folder, listens on 127.0.0.1 only, trusts
local connections (nothing else can reach it) and runs with ``fsync`` off,
since its data dies with the session anyway. PostgreSQL refuses to run as
root, so when the suite runs as root (CI) the server runs as the unprivileged
``postgres`` system user, created if missing. ``make test`` installs Debian's
server package where ``initdb`` is missing; where it still cannot be had,
``binaries()`` says why and the PostgreSQL tests skip with that reason.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PostgresServer", "binaries"]

#: The unprivileged account the server runs as when the suite runs as root.
SERVER_USER = "postgres"
#: The superuser role initdb creates; the tests connect as it.
ROLE = "minikoa"


def binaries() -> tuple[Path | None, str]:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or None and why not."""
    found = shutil.which("initdb")
    candidates = [Path(found).parent] if found else []
    # Debian keeps the server binaries off PATH, one folder per major version: take the newest.
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                    if Path(p).parent.name.isdigit() else 0, reverse=True)
    candidates += [Path(p) for p in debian]
    for folder in candidates:
        if all((folder / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return folder, ""
    return None, "PostgreSQL's server binaries (initdb, pg_ctl, postgres) are not installed; `make test` installs " \
                 "Debian's postgresql package when run as root with apt"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_account() -> pwd.struct_passwd | None:
    """Who runs the server: None (ourselves) unless we are root, then the ``postgres`` user (made if missing)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
                       check=True, capture_output=True)
        return pwd.getpwnam(SERVER_USER)


class PostgresServer:
    """One throwaway cluster: ``start()``, then ``dsn`` for connections, ``stop()`` whatever happened."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="minikoa-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = _free_port()
        self.account = _server_account()
        self.started = False

    @property
    def dsn(self) -> str:
        """A connection string to the ``postgres`` database as the superuser role."""
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        kwargs: dict = {}
        if self.account is not None:
            kwargs = {"user": self.account.pw_uid, "group": self.account.pw_gid, "extra_groups": []}
        return subprocess.run([str(self.bin_dir / args[0]), *args[1:]], check=True, capture_output=True,
                              text=True, timeout=120, cwd=self.folder, **kwargs)

    def start(self) -> None:
        if self.account is not None:
            os.chown(self.folder, self.account.pw_uid, self.account.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", ROLE, "-A", "trust", "-E", "UTF8", "--locale=C",
                  "--no-sync")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300 "
                   "-c shared_buffers=32MB")
        self.started = True  # from here on, stop() tries pg_ctl stop, whatever start did
        try:
            self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options)
        except subprocess.CalledProcessError as exc:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {exc.stderr}\n{log}") from None

    def stop(self) -> None:
        """Stop the server (immediately: its data is thrown away) and remove its folder."""
        try:
            if self.started and (self.data / "postmaster.pid").exists():
                with contextlib.suppress(subprocess.SubprocessError, OSError):
                    self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w", "-t", "30")
        finally:
            self.started = False
            shutil.rmtree(self.folder, ignore_errors=True)
