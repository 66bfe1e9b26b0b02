"""Webhooks: Strapi's webhooks, durable. Every change a webhook listens to is delivered, at least once.

The layer learns about writes by subscribing to content events
(``minikoa.content.events``) inside the writer's transaction, so each event
is recorded in the same transaction as the change that caused it: a
committed change always has its deliveries queued, a rolled-back one never
has any. A few threads per process deliver the queue outside any request,
signed, with leases, retries and an attempts log.

* ``registry``: ``Webhooks``, which is ``app.webhooks`` (create, list, get,
  update, delete, rotate_secret, trigger, deliveries), the webhooks declared
  in config, and the steps that set the layer up and start delivering;
* ``tables``: the tables, as ``minikoa.db`` specs;
* ``outbox``: recording events, fanning them out, claiming and settling deliveries;
* ``dispatcher``: the delivery threads, retries, leases, shutdown, fork safety;
* ``transport``: one HTTP attempt, to the address the guard checked, within a deadline;
* ``signing``: the Standard Webhooks signature, ``sign`` and ``verify``;
* ``guard``: the SSRF guard: one strict reading of a URL, ``check_url`` when a webhook is saved,
  ``approve`` (the address to connect to) before each attempt;
* ``admin``: the ``/admin/webhooks`` REST API.
"""

from .guard import check_url
from .registry import Webhooks
from .signing import WebhookVerificationError, new_secret, sign, verify

__all__ = ["Webhooks", "sign", "verify", "new_secret", "check_url", "WebhookVerificationError"]
