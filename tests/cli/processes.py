"""The ``minikoa`` command in a process of its own, for the tests that need a real server.

``Command`` runs ``python -m minikoa ...`` in a session of its own, its
output in a file (a pipe nobody reads could fill and stall it), and
``stop()`` ends its whole process group (the gunicorn master and every
worker), TERM then KILL. Each one is recorded in ``tests.conftest._STARTED``,
so the run fails if one outlived its test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

from tests.conftest import _STARTED, ROOT, stop_group

#: Variables a project server must not inherit from the test run: the project's .env and config decide them.
CLEAN = ("MINIKOA_ENV", "NODE_ENV", "DATABASE_FILENAME", "JWT_SECRET", "API_TOKEN_SALT", "APP_KEYS", "ADMIN_TOKEN",
         "HOST", "PORT")
#: Hang detectors, not speed checks: a loaded machine may take seconds to boot a worker.
BOOT_TIMEOUT = 60


class Command:
    """``python -m minikoa *args`` running in ``cwd`` without the variables ``CLEAN`` names (a test run's
    own); ``stop()`` in a finally."""

    def __init__(self, *args: str, cwd: Path, env: dict[str, str] | None = None) -> None:
        self._log = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed in stop()
        inherited = {k: v for k, v in os.environ.items() if k not in CLEAN}
        self.proc = subprocess.Popen([sys.executable, "-m", "minikoa", *args], cwd=cwd,
                                     env={**inherited, "PYTHONPATH": str(ROOT), **(env or {})},
                                     stdout=self._log, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        _STARTED.append(self.proc.pid)
        self._output = ""

    def output(self) -> str:
        """What the command printed so far (all of it once stopped)."""
        if self._log.closed:
            return self._output
        self._log.flush()
        self._log.seek(0)
        return self._log.read()

    def wait_for(self, url: str, check: Callable[[requests.Response], bool], timeout: float = BOOT_TIMEOUT,
                 what: str = "") -> requests.Response:
        """Ask ``url`` until ``check`` accepts an answer; an AssertionError with the output when it does not
        within ``timeout`` seconds or when the command exits."""
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the command exited ({self.proc.returncode}) {what}:\n{self.output()}")
            try:
                answer = requests.get(url, timeout=10)
                if check(answer):
                    return answer
                last = f"{answer.status_code} {answer.text[:300]}"
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = exc
            time.sleep(0.1)
        raise AssertionError(f"no answer from {url} {what} within {timeout} s (last: {last}):\n{self.output()}")

    def stop(self) -> str:
        """Stop the whole process group (TERM, KILL after 10 s); everything it printed."""
        stop_group(self.proc)
        if not self._log.closed:
            self._output = self.output()
            self._log.close()
        return self._output
