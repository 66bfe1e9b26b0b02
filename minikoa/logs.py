"""What a person running minikoa sees: logging set up once, and the start-up summary.

Everything minikoa says goes through ``logging`` under ``minikoa.*``
(``minikoa.access`` for the access log, ``minikoa.users-permissions``,
``minikoa.webhooks``, ...). ``configure`` gives the root logger one handler
with a timestamp, the level and the logger's name, unless something (a test
runner, the user's own program) configured logging already; ``minikoa
start``, ``minikoa develop`` and ``minikoa.wsgi.create_app`` (a one-file app
under plain gunicorn) all call it, so every way of serving prints the same
lines. ``summary`` is the start-up summary those commands log.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import App

__all__ = ["FORMAT", "DATEFMT", "LEVELS", "configure", "gunicorn_logconfig", "summary"]

FORMAT = "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"
DATEFMT = "%Y-%m-%d %H:%M:%S"
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR,
          "critical": logging.CRITICAL}


def configure(level: str = "info", *, minikoa: str | None = None, force: bool = False) -> None:
    """One stderr handler on the root logger in minikoa's format, at ``level`` (a name of ``LEVELS``);
    ``minikoa.*`` at ``minikoa`` when given (``develop``: minikoa's debug lines, not every library's).

    Without ``force`` an existing configuration is kept (only the level of
    ``minikoa.*`` follows); the commands that own the process pass ``force=True``.
    """
    if force or not logging.getLogger().handlers:
        logging.basicConfig(level=LEVELS[level], format=FORMAT, datefmt=DATEFMT, stream=sys.stderr, force=force)
    logging.getLogger("minikoa").setLevel(LEVELS[minikoa or level])


def gunicorn_logconfig(level: str, minikoa: str | None = None) -> dict[str, Any]:
    """gunicorn's ``logconfig_dict``: its own loggers print through the root handler, in minikoa's format,
    instead of their own (one format for the whole output); ``minikoa.*`` at ``minikoa`` when given."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"minikoa": {"format": FORMAT, "datefmt": DATEFMT}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "minikoa",
                                "stream": "ext://sys.stderr"}},
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": level.upper(), "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
            "minikoa": {"level": (minikoa or level).upper(), "handlers": [], "propagate": True},
        },
    }


def summary(app: App) -> list[str]:
    """The start-up summary of ``app`` (loaded, built or not): environment, database, content-types,
    routes, plugins and the webhook dispatcher, one line each."""
    from .db import check_client, database_path
    from .project.config import environment_name

    connection = app.config.get("database.connection") or {}
    try:
        client = check_client(connection)
    except ValueError as exc:
        client = f"? ({exc})"
    where = database_path(connection, app.root) if client == "sqlite" else client
    api_types = [uid for uid in app.content_types if uid.startswith("api::")]
    threads = int(app.config.get("server.webhooks.workers", 2) or 0)
    dispatcher = app.webhooks.dispatcher
    if threads <= 0:
        webhooks = "dispatcher off (server.webhooks.workers = 0)"
    elif dispatcher is not None:
        webhooks = f"dispatcher running, {threads} thread(s) per process"
    else:
        webhooks = f"dispatcher idle, {threads} thread(s) per process once a delivery is queued"
    return [
        f"project: {app.root if app.root is not None else '(built in code)'}",
        f"environment: {environment_name()}",
        f"database: {client} {where}",
        f"content-types: {len(api_types)} of the project's ({len(app.content_types)} in all)",
        f"routes: {len(app.routes)}",
        f"plugins: {', '.join(app.plugins) or 'none'}",
        f"webhooks: {webhooks}",
    ]
