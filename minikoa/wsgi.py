"""A WSGI entry point for a project folder, for gunicorn.

``gunicorn 'minikoa.wsgi:create_app("examples/blog")'`` loads the project
in each worker; without an argument the folder comes from
``MINIKOA_PROJECT`` (default: the current directory).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from .app import App

__all__ = ["create_app"]


def create_app(path: str | Path | None = None) -> App:
    """Load and build the project at ``path``, ready to serve.

    When nothing has configured logging yet, INFO and above go to stderr, so
    the access log and errors show in the server's output.
    """
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="[%(asctime)s] [%(process)d] %(levelname)s %(name)s: %(message)s")
    return App.load(path or os.environ.get("MINIKOA_PROJECT", "."))
