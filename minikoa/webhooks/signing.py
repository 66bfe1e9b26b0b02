"""Signatures: the Standard Webhooks scheme every delivery is signed with, and its check.

A webhook's secret is ``whsec_`` + base64 of 32 random bytes. A delivery
carries ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature``
(``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body``); a receiver checks
them with ``verify``, which also refuses stale or future timestamps (replays).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

__all__ = ["new_secret", "sign", "verify", "WebhookVerificationError"]


class WebhookVerificationError(ValueError):
    """A delivery whose signature or timestamp does not check out."""


def new_secret() -> str:
    """``whsec_`` + base64 of 32 random bytes (the Standard Webhooks form)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _key(secret: str) -> bytes:
    return base64.b64decode(secret[6:] if secret.startswith("whsec_") else secret)


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def verify(secret: str, headers: Mapping[str, str], body: bytes | str, tolerance: int = 300,
           now: float | None = None) -> None:
    """Check a delivery as a receiver: raises WebhookVerificationError unless it is genuine and fresh.

    ``headers`` may be any case-insensitive or plain mapping; every signature
    in ``webhook-signature`` (space-separated, for secret rotation) is tried,
    compared in constant time.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    message_id, stamp, signatures = (lowered.get("webhook-id"), lowered.get("webhook-timestamp"),
                                     lowered.get("webhook-signature"))
    if not message_id or not stamp or not signatures:
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise WebhookVerificationError("webhook-timestamp is not a number") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise WebhookVerificationError("webhook-timestamp is outside the tolerance")
    data = body.encode() if isinstance(body, str) else body
    try:
        expected = sign(secret, message_id, timestamp, data).encode()
    except (ValueError, TypeError):
        raise WebhookVerificationError("the secret is not a valid whsec_ secret") from None
    if not any(hmac.compare_digest(expected, candidate.encode()) for candidate in signatures.split()):
        raise WebhookVerificationError("no signature matches")
