"""Webhooks: the registry, the transactional outbox, signatures, the SSRF guard and delivery.

Webhooks learn about writes from content events; every event is recorded in
the transaction of the change that caused it and delivered by a dispatcher
outside any request.
"""

from .registry import Webhooks, WebhookVerificationError, check_url, new_secret, sign, verify

__all__ = ["Webhooks", "sign", "verify", "new_secret", "check_url", "WebhookVerificationError"]
