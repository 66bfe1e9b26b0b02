"""``minikoa start [PATH]`` (and its old name ``serve``): the project on gunicorn, run in-process.

The command loads the project once without running it (``App.load(path,
build=False)``) to report a mistake before any worker starts, logs the
start-up summary, then runs gunicorn's arbiter in this process
(``gunicorn.app.base.BaseApplication``). Each worker builds its own app
(``minikoa.wsgi.create_app``: migrations, ``bootstrap``) after the fork, so
no database connection or thread crosses a fork; ``worker_exit`` calls the
app's ``destroy`` (``src/index.py``'s hook, the webhook dispatcher stopped,
the database closed).

``minikoa start module:app`` serves a one-file app instead (what
``create_app`` takes), imported and built in each worker only.

One access-log line per request: the app's ``minikoa::logger`` middleware
writes it when the app has one (Strapi's default stack does), else
gunicorn's access log does; never both (each worker decides, once its app
is built). gunicorn's own lines go through the same handler and format as
minikoa's (``minikoa.logs``).

``develop`` (``minikoa.cli.develop``) runs the same server with one worker,
debug logging and a watcher that reloads the workers on every change.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from .. import logs
from ..app import App
from ..wsgi import create_app
from .errors import UsageError

__all__ = ["add_commands", "Server", "bind_of", "project_summary"]

log = logging.getLogger("minikoa.server")


class Server(BaseApplication):
    """gunicorn serving the project at ``project`` with ``options`` (gunicorn settings by name).

    ``load_app`` makes the WSGI app in each worker (``create_app`` by default).
    """

    def __init__(self, project: Path | str, options: dict[str, Any],
                 load_app: Callable[[Any], Any] | None = None) -> None:
        self.project = project
        self.options = options
        self.load_app = load_app or create_app
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        if isinstance(self.project, str) and os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())  # `module:app` is imported from where the command runs, as gunicorn does
        return self.load_app(self.project)


def _post_worker_init(worker: Any) -> None:
    """Say the worker is ready; silence gunicorn's access line where the app writes its own."""
    app = getattr(worker, "wsgi", None)
    if isinstance(app, App) and set(app.global_middlewares) & {"minikoa::logger", "strapi::logger"}:
        logging.getLogger("gunicorn.access").setLevel(logging.CRITICAL)
    log.info("worker %s ready", worker.pid)


def _worker_exit(server: Any, worker: Any) -> None:
    """Destroy the worker's app: ``src/index.py``'s ``destroy``, the dispatcher stopped, the database closed."""
    app = getattr(worker, "wsgi", None)
    if isinstance(app, App):
        app.destroy()


def bind_of(args: argparse.Namespace, app: App) -> str:
    """``--bind``, else ``config/server.py``'s host and port (127.0.0.1:1337 by default)."""
    if args.bind:
        return str(args.bind)
    host = getattr(args, "host", None) or app.config.get("server.host", "127.0.0.1")
    port = getattr(args, "port", None) or app.config.get("server.port", 1337)
    return f"{host}:{port}"


def project_summary(app: App, bind: str, workers: int, threads: int) -> None:
    """Log the start-up summary (``minikoa.logs.summary``) and where the server listens."""
    for line in logs.summary(app):
        log.info("%s", line)
    log.info("listening on http://%s (%d worker(s), %d thread(s) each)", bind, workers, threads)


def gunicorn_options(args: argparse.Namespace, app: App, bind: str, workers: int, threads: int,
                     level: str, minikoa_level: str | None = None) -> dict[str, Any]:
    """The gunicorn settings of ``start``/``develop`` (``minikoa_level``: of ``minikoa.*``, when not ``level``)."""
    return {
        "bind": bind, "workers": workers, "threads": threads, "loglevel": level,
        # Silenced by each worker whose app writes its own line (_post_worker_init): one line per request.
        "accesslog": "-",
        "logconfig_dict": logs.gunicorn_logconfig(level, minikoa_level),
        # gunicorn 27's control socket would be a file in the user's home: nothing here uses it.
        "control_socket_disable": True,
        "graceful_timeout": args.graceful_timeout,
        "timeout": args.timeout,
        "max_requests": args.max_requests,
        "max_requests_jitter": args.max_requests // 10 if args.max_requests else 0,
        "post_worker_init": _post_worker_init,
        "worker_exit": _worker_exit,
        "proc_name": f"minikoa {app.root or ''}".strip(),
    }


def _one_file(target: str) -> bool:
    """Whether ``target`` names a one-file app (``module:attribute``) rather than a project folder."""
    return ":" in target and not Path(target).is_dir()


def _run(args: argparse.Namespace) -> int:
    if args.workers < 1 or args.threads < 1:
        raise UsageError("--workers and --threads take a number of at least 1")
    logs.configure(args.log_level, force=True)
    if _one_file(args.project):
        # Imported in each worker only, as plain gunicorn does: module-level code may open files or threads.
        target: Any = args.project
        app = App()
        log.info("app: %s (a one-file app, imported and built in each worker)", target)
        bind = bind_of(args, app)
        log.info("listening on http://%s (%d worker(s), %d thread(s) each)", bind, args.workers, args.threads)
    else:
        target = Path(args.project).resolve()
        app = App.load(target, build=False)  # a mistake stops us here, before any worker forks
        bind = bind_of(args, app)
        project_summary(app, bind, args.workers, args.threads)
    Server(target, gunicorn_options(args, app, bind, args.workers, args.threads, args.log_level)).run()
    return 0


def add_server_options(parser: argparse.ArgumentParser, workers: int, one_file: bool = False) -> None:
    """The options ``start`` and ``develop`` share (``one_file``: PATH may be ``module:attribute``)."""
    also = "; or a one-file app as module:attribute" if one_file else ""
    parser.add_argument("project", nargs="?", default=".", metavar="PATH",
                        help=f"the project folder (default: .){also}")
    parser.add_argument("--bind", "-b", metavar="HOST:PORT",
                        help="where to listen (default: config/server.py's host and port, 127.0.0.1:1337)")
    parser.add_argument("--workers", "-w", type=int, default=workers, help=f"worker processes (default: {workers})")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (default: 1)")
    parser.add_argument("--timeout", type=int, default=30, help="seconds a request may take before its worker is "
                                                                "restarted (default: 30)")
    parser.add_argument("--graceful-timeout", type=int, default=10,
                        help="seconds workers get to finish on a stop or reload (default: 10)")
    parser.add_argument("--max-requests", type=int, default=0,
                        help="restart a worker after this many requests, with 10%% jitter (default: 0, never)")


def add_commands(sub: Any) -> None:
    workers = int(os.environ.get("WEB_CONCURRENCY", 2))
    for name, hidden in (("start", False), ("serve", True)):
        parser = sub.add_parser(name, **({} if hidden else {"help": "serve the project with gunicorn"}),
                                description="Serve the project at PATH with gunicorn: each worker builds the app "
                                            "(migrations, bootstrap), then answers requests.")
        add_server_options(parser, workers, one_file=True)
        parser.add_argument("--log-level", choices=list(logs.LEVELS), default="info")
        parser.add_argument("--host", help=argparse.SUPPRESS)  # serve's options before --bind
        parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
        parser.set_defaults(run=_run)
