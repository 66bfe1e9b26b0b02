"""``minikoa console [PATH]`` and ``minikoa openapi [PATH]``: the built app, to talk to or to describe.

``console`` opens Python's interactive shell (``code.interact``) with
``app`` loaded and built, as ``strapi console`` does: ``app.documents(...)``,
``app.service(...)``, ``app.permissions`` are at hand. Its destroy hooks
run when the shell ends. ``openapi`` prints the app's OpenAPI document as
JSON: ``minikoa.plugins.openapi.document`` of the project loaded without
running it (``App.load(path, build=False)``), the very document
``app.openapi()`` and ``/openapi.json`` give, and like the listings it
writes nothing.
"""

from __future__ import annotations

import argparse
import code
import json
from pathlib import Path
from typing import Any

from .. import __version__
from ..app import App
from ..plugins.openapi import document

__all__ = ["add_commands"]


def _console(args: argparse.Namespace) -> int:
    app = App.load(Path(args.project))
    banner = (f"minikoa {__version__} console: `app` is {app.root}, built "
              f"({len(app.routes)} routes, {len(app.content_types)} content-types). Ctrl-D to leave.")
    try:
        code.interact(banner=banner, local={"app": app}, exitmsg="")
    finally:
        app.destroy()
    return 0


def _openapi(args: argparse.Namespace) -> int:
    app = App.load(Path(args.project), build=False)
    # ``app.openapi()`` would build the app first (database, bootstrap); the document needs only the routes
    # and the linked schemas, which the unbuilt app has.
    print(json.dumps(document(app), indent=2))
    return 0


def add_commands(sub: Any) -> None:
    parser = sub.add_parser("console", help="a Python shell with the project's app loaded",
                            description="Open a Python shell with `app`: the project at PATH, loaded and built "
                                        "(database ready, bootstrap run).")
    parser.add_argument("project", nargs="?", default=".", metavar="PATH")
    parser.set_defaults(run=_console)
    parser = sub.add_parser("openapi", help="print the project's OpenAPI document",
                            description="Print the OpenAPI 3.1 document of the project at PATH as JSON.")
    parser.add_argument("project", nargs="?", default=".", metavar="PATH")
    parser.set_defaults(run=_openapi)
