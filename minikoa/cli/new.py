"""``minikoa new PATH``: a project that runs at once (Strapi's ``create-strapi-app``).

It writes the config files, a ``.env`` with fresh secrets, ``src/index.py``,
one api (``article``: a content-type with its core router, controller and
service, and a policy on its list route), a test of that api, a README and a
``.gitignore``; then it prints the next two commands. A folder that exists
and is not empty is refused (exit 2), so nothing is ever overwritten.
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import Any

from .errors import UsageError
from .files import write
from .generate import content_type_files
from .templates import project_files

__all__ = ["add_commands", "create"]

#: The example api of a new project.
API, PLURAL = "article", "articles"


def create(path: Path) -> list[Path]:
    """Write a new project at ``path`` (missing or empty); the files written."""
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise UsageError(f"{path} exists and is not an empty folder: choose a new path")
    files = content_type_files(API, API, {"title": {"type": "string", "required": True},
                                          "body": {"type": "text"}}, plural=PLURAL)
    # The template's routes file replaces the plain core router: it puts the policy on the list route.
    files.update(project_files(path.name, API, PLURAL))
    return write(path, files)


def _run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    create(path)
    print(f"Created a minikoa project in {path.resolve()}\n")
    print("Next:")
    print(f"  cd {shlex.quote(args.path)}")
    print("  minikoa develop")
    return 0


def add_commands(sub: Any) -> None:
    parser = sub.add_parser("new", help="create a new project that runs at once",
                            description="Create a project in PATH (a new or empty folder): config with fresh "
                                        "secrets in .env, src/index.py, an article api, a test, a README.")
    parser.add_argument("path", metavar="PATH")
    parser.set_defaults(run=_run)
