"""How the ``minikoa`` command reports mistakes: a message and an exit code, no traceback.

Bad usage (an unknown command, a missing argument, a folder ``new`` will not
write into) exits 2, as argparse does; a project that does not load exits 1
with the file, the line and the name at fault (``LoadError`` messages name
the file and the name; ``locate`` adds the line when the message lacks it).
``--debug`` adds the traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["CliError", "UsageError", "locate"]


class CliError(Exception):
    """A failure the command reports as one message (exit code ``code``, 1 by default)."""

    code = 1

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class UsageError(CliError):
    """The command was used wrongly: exit 2, as for an argparse error."""

    code = 2


#: The first file a message names (``/path/src/api/a/routes/a.py: ...``, ``... in /path/a.py: ...``), with its
#: line number if the message gives one.
_FILE = re.compile(r"(?P<file>[^\s:()]+\.(?:py|json))(?P<line>:\d+)?(?=[:),]|$)")
#: A name a message quotes (``unknown policy 'is-ownr'``).
_QUOTED = re.compile(r"'([^'\s]+)'")


def locate(message: str) -> str:
    """``message`` with ``:line`` after its file when the message has none: the first line of the file that
    holds a name the message quotes (the policy, middleware, handler or type at fault)."""
    found = _FILE.search(message)
    if found is None or found.group("line"):
        return message
    path = Path(found.group("file"))
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return message
    for name in _QUOTED.findall(message[found.end():]):
        for number, line in enumerate(lines, 1):
            if f'"{name}"' in line or f"'{name}'" in line:
                return f"{message[:found.end()]}:{number}{message[found.end():]}"
    return message
