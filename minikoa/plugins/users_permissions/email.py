"""The email seam: how users-permissions sends a message (a password reset link), and two providers.

A provider is anything with ``send(message)`` (``EmailProvider``). The
plugin's config names one (``users-permissions.config.email.provider``);
without one, ``LogEmailProvider`` writes each message to the log: enough to
develop with (the reset code is in the server's log, where only its
operator reads it), and a reminder to configure a real provider.
``MemoryEmailProvider`` keeps them in a list, for tests.

A provider that fails is logged, never shown: ``forgot-password`` answers
``{"ok": true}`` whatever happened, so it never tells whether an address
has an account.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = ["EmailMessage", "EmailProvider", "LogEmailProvider", "MemoryEmailProvider"]

log = logging.getLogger("minikoa.users-permissions.email")


@dataclass(frozen=True)
class EmailMessage:
    """One message, as Strapi's email service takes it (``to``, ``from``, ``subject``, ``text``)."""

    to: str
    subject: str
    text: str
    sender: str | None = None


@runtime_checkable
class EmailProvider(Protocol):
    """Sends a message; raising means it was not sent."""

    def send(self, message: EmailMessage) -> None: ...


class LogEmailProvider:
    """Writes each message to the ``minikoa.users-permissions.email`` log (the default provider)."""

    def send(self, message: EmailMessage) -> None:
        log.warning("email to %s (no email provider configured, so it is only logged): %s\n%s",
                    message.to, message.subject, message.text)


class MemoryEmailProvider:
    """Keeps every message in ``messages``, newest last (for tests)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    def send(self, message: EmailMessage) -> None:
        with self._lock:
            self.messages.append(message)

    def last_to(self, address: str) -> EmailMessage:
        """The newest message to ``address``; a LookupError if there is none."""
        with self._lock:
            for message in reversed(self.messages):
                if message.to == address:
                    return message
        raise LookupError(f"no message to {address!r}")
