"""Password reset codes: random, single-use, kept only as a hash, expiring.

* ``issue(user)`` makes a code of 32 random bytes (64 hex characters); the
  user's ``resetPasswordToken`` keeps its SHA-256 and
  ``resetPasswordTokenExpiresAt`` when it stops working (an hour by
  default). A new code replaces the one before.
* ``redeem(code, password)``, in one write transaction: the user holding
  that hash, whose code has not expired and who is not blocked, gets the
  new password (which voids their JWTs) and loses the code, so a code works
  once, however many requests race with it.

SHA-256 without a salt is enough here: a code is 256 random bits, with
nothing a dictionary could guess; the hash only keeps a copy of the
database from being a list of working codes.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Mapping
from typing import Any

from ...content.documents import now_iso
from .email import EmailMessage
from .settings import Settings
from .users import UsersService

__all__ = ["ResetCodes"]

_CODE_BYTES = 32


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


class ResetCodes:
    """Makes, mails and redeems the reset codes of ``users``."""

    def __init__(self, users: UsersService, settings: Settings) -> None:
        self.users = users
        self.settings = settings

    def issue(self, user: Mapping[str, Any]) -> str:
        """A new code for ``user``, stored as a hash with its expiry (the code itself is returned once)."""
        code = secrets.token_hex(_CODE_BYTES)
        expires_ms = round((time.time() + self.settings.reset_expires_in) * 1000)
        self.users.edit(int(user["id"]), {"resetPasswordToken": _digest(code),
                                          "resetPasswordTokenExpiresAt": expires_ms})
        return code

    def message(self, user: Mapping[str, Any], code: str) -> EmailMessage:
        """The email that carries ``code`` to ``user``: a link to the reset page, or the code alone."""
        minutes = max(1, round(self.settings.reset_expires_in / 60))
        url = self.settings.reset_url
        where = f"Open this link to choose a new password:\n\n{url}?code={code}" if url else (
            f"Use this code to choose a new password:\n\n{code}")
        text = (f"Hello {user.get('username')},\n\nSomeone, probably you, asked to reset the password of your "
                f"account.\n{where}\n\nThe code works once, for {minutes} minutes. If you did not ask, ignore "
                "this message: your password stays as it is.\n")
        return EmailMessage(to=str(user["email"]), subject="Reset password", text=text, sender=self.settings.sender)

    def redeem(self, code: str, password: str) -> dict[str, Any] | None:
        """Set ``password`` for the user holding ``code`` (then the code is spent); None if no one may."""
        if not 0 < len(code) <= 4 * _CODE_BYTES:
            return None
        documents = self.users.documents
        with documents.db.atomic():
            user = documents.find_first(filters={"resetPasswordToken": _digest(code),
                                                 "resetPasswordTokenExpiresAt": {"$gt": now_iso()}})
            if user is None or user.get("blocked"):
                return None
            return self.users.edit(int(user["id"]), {"password": password, "resetPasswordToken": None,
                                                     "resetPasswordTokenExpiresAt": None})
