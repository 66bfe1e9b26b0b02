"""WSGI entry points for gunicorn, which build the app when the worker starts.

``gunicorn 'minikoa.wsgi:create_app("examples/blog")'`` loads a project
folder in each worker; ``gunicorn 'minikoa.wsgi:create_app("examples.hello:app")'``
imports a one-file app (``module:attribute``) and builds it. Either way
every route, policy and middleware name is resolved as the worker starts,
so a mistake stops the server at once, naming what is wrong, instead of
failing every request. Without an argument the project folder comes from
``MINIKOA_PROJECT`` (default: the current directory).

(``gunicorn 'examples.hello:app'`` works too; the app is then built by its
first request.)
"""

from __future__ import annotations

import importlib
import logging
import os
from pathlib import Path

from .app import App
from .logs import configure
from .project.loader import LoadError

__all__ = ["create_app"]


def create_app(path: str | Path | None = None) -> App:
    """The project folder at ``path``, or the one-file app ``"module:attribute"``, built and ready to serve.

    When nothing has configured logging yet, INFO and above go to stderr in
    minikoa's format (``minikoa.logs``), so the access log and errors show in
    the server's output.
    """
    if not logging.getLogger().handlers:
        configure("info")
    target = path or os.environ.get("MINIKOA_PROJECT", ".")
    if isinstance(target, str) and ":" in target and not Path(target).is_dir():
        return _one_file(target)
    return App.load(target)


def _one_file(target: str) -> App:
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise LoadError(f"{target}: cannot import {module_name!r}: {exc}") from exc
    app = getattr(module, attribute, None)
    if not isinstance(app, App):
        raise LoadError(f"{target}: {module_name}.{attribute} is not a minikoa App, but {app!r}")
    try:
        app.build()
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(f"{target}: {exc}") from exc
    return app
