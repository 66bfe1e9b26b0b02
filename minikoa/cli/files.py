"""Writing generated files: never over an existing one, and all or nothing.

``minikoa new`` and ``minikoa generate`` describe what they write as
``{relative path: text}``; ``write`` checks that none of the paths exists
before it writes any, so a refused run leaves the folder as it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from .errors import UsageError

__all__ = ["write", "check_name", "NAME"]

#: What Strapi's generators accept as an api, content-type, policy or middleware name (kebab-case).
NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


def check_name(name: str, what: str) -> str:
    """``name`` if it is kebab-case (``book``, ``blog-post``); a UsageError saying what it should be."""
    if not NAME.match(name):
        raise UsageError(f"{what} name {name!r} must be kebab-case: lower-case letters, digits and single "
                         "hyphens, starting with a letter (e.g. 'blog-post')")
    return name


def write(root: Path, files: Mapping[str, str]) -> list[Path]:
    """Write ``files`` under ``root``; a UsageError naming every file that already exists (nothing written)."""
    paths = {rel: root / rel for rel in files}
    taken = [rel for rel, path in paths.items() if path.exists()]
    if taken:
        raise UsageError("will not overwrite existing file(s): " + ", ".join(str(root / rel) for rel in taken))
    for rel, path in paths.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[rel], encoding="utf-8")
    return list(paths.values())
