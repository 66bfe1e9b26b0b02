"""``minikoa develop [PATH]``: the project on gunicorn, reloaded on every change under ``config/`` or ``src/``.

The server is ``start``'s (``minikoa.cli.server``) with one worker by
default and debug logging. A thread of the gunicorn master polls the
modification times of every file under ``config/`` and ``src/`` (no
dependency, any file system) and, when one changes, appears or goes, sends
the master ``SIGHUP``: gunicorn starts fresh workers, which load the project
again (a changed ``schema.json`` migrates as the app builds), and stops the
old ones. Every process stays the master's child: nothing is left behind
when it stops.

A project that does not load does not stop ``develop``: its mistake is
logged (file, line, name: no traceback), every request is answered with a
500 saying the project did not load, and the next change tries again.
Changes to ``.env`` need a restart (its values are read once, into the
environment).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from pathlib import Path
from typing import Any

from .. import logs
from ..app import App
from ..project.loader import LoadError
from ..wsgi import create_app
from .server import Server, add_server_options, bind_of, gunicorn_options, project_summary

__all__ = ["add_commands", "snapshot", "Watcher"]

log = logging.getLogger("minikoa.develop")
#: Seconds between two looks at the files.
POLL = 0.3
#: Folders of a project whose changes reload it.
WATCHED = ("config", "src")
_SKIPPED_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}

Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path) -> Snapshot:
    """``{file: (mtime_ns, size)}`` of every file under the watched folders of ``root``, editors' swap and
    backup files and caches left out."""
    found: Snapshot = {}
    for name in WATCHED:
        for folder, dirs, files in os.walk(root / name):
            dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith(".")]
            for file in files:
                if file.startswith(".") or file.endswith(("~", ".swp", ".swx", ".pyc", ".tmp")):
                    continue
                path = os.path.join(folder, file)
                try:
                    stat = os.stat(path)
                except OSError:  # gone between the listing and the look
                    continue
                found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


def _changed(before: Snapshot, after: Snapshot) -> list[str]:
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


class Watcher(threading.Thread):
    """Polls the project's files and calls ``reload()`` after a change (once per burst of changes)."""

    def __init__(self, root: Path, reload: Any, poll: float = POLL) -> None:
        super().__init__(name="minikoa-develop-watcher", daemon=True)
        self.root = root
        self.reload = reload
        self.poll = poll
        self._stop_event = threading.Event()
        self.seen = snapshot(root)

    def run(self) -> None:
        while not self._stop_event.wait(self.poll):
            now = snapshot(self.root)
            changed = _changed(self.seen, now)
            if not changed:
                continue
            self._stop_event.wait(self.poll)  # an editor or a generator writes several files: take them all
            now = snapshot(self.root)
            changed = _changed(self.seen, now)
            self.seen = now
            shown = ", ".join(os.path.relpath(p, self.root) for p in changed[:3])
            more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
            log.info("changed: %s%s; reloading", shown, more)
            self.reload()

    def stop(self) -> None:
        self._stop_event.set()


def _unloaded(message: str) -> Any:
    """A WSGI app answering every request with a 500 naming the mistake (develop only, on 127.0.0.1)."""
    import json

    body = json.dumps({"data": None, "error": {"status": 500, "name": "LoadError",
                                               "message": f"the project did not load: {message}",
                                               "details": {}}}).encode()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("500 Internal Server Error", [("Content-Type", "application/json; charset=utf-8"),
                                                     ("Content-Length", str(len(body)))])
        return [body]
    return app


def _load_or_explain(project: Path) -> Any:
    """The built app, or (the project has a mistake) ``_unloaded``: the worker lives on until the fix."""
    from .errors import locate

    try:
        return create_app(project)
    except LoadError as exc:
        message = locate(str(exc))
        log.error("the project did not load: %s (fix it: the next change reloads)", message)
        return _unloaded(message)


def _when_ready(server: Any) -> None:
    """Start watching once the master listens; a change sends it SIGHUP (gunicorn's reload)."""
    root = Path(server.app.project)
    watcher = Watcher(root, lambda: os.kill(os.getpid(), signal.SIGHUP))
    watcher.start()
    log.info("watching %s for changes", ", ".join(str(root / name) for name in WATCHED))


def _run(args: argparse.Namespace) -> int:
    project = Path(args.project).resolve()
    logs.configure("info", minikoa="debug", force=True)
    try:
        app = App.load(project, build=False)
    except LoadError as exc:  # the watcher will try again after a fix; the summary has less to say
        from .errors import locate

        log.error("the project did not load: %s", locate(str(exc)))
        app = App(root=project)
    bind = bind_of(args, app)
    project_summary(app, bind, args.workers, args.threads)
    options = gunicorn_options(args, app, bind, args.workers, args.threads, "info", "debug")
    options["when_ready"] = _when_ready
    Server(project, options, load_app=_load_or_explain).run()
    return 0


def add_commands(sub: Any) -> None:
    parser = sub.add_parser("develop", help="serve the project, reloading on every change",
                            description="Serve the project at PATH with one gunicorn worker and debug logging, "
                                        "reloading it whenever a file under config/ or src/ changes.")
    add_server_options(parser, workers=1)
    parser.set_defaults(run=_run)
