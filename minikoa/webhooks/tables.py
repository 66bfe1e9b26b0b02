"""The tables webhooks keep, as ``minikoa.db`` table specs.

* ``minikoa_webhooks``: the webhooks (the registry's rows);
* ``minikoa_webhook_events``: one row per event, written in the transaction
  of the change that caused it, with the payload and the webhooks it goes
  to. It is the cheapest durable record a request can leave (one row,
  whatever the number of webhooks), and the dispatcher empties it as it fans
  the rows out, so it stays small and needs no index beyond its key;
* ``minikoa_webhook_outbox``: one row per (event, webhook), what the
  dispatcher leases, attempts and retries; it goes with its webhook;
* ``minikoa_webhook_attempts``: the attempts log, one row per attempt; it
  goes with its outbox row.

``minikoa.db.sync`` creates and evolves them. The names, columns and index
names are those earlier versions created by hand, so their databases sync
without a change. JSON values (event lists, headers, payloads) are kept as
text, verbatim: a payload is signed and sent exactly as it was recorded.
"""

from __future__ import annotations

from ..db import Column, Database, ForeignKey, Index, Table, sync
from ..db import ColumnType as T

__all__ = ["HOOKS", "EVENTS", "OUTBOX", "ATTEMPTS", "TABLES", "create"]

HOOKS = "minikoa_webhooks"
EVENTS = "minikoa_webhook_events"
OUTBOX = "minikoa_webhook_outbox"
ATTEMPTS = "minikoa_webhook_attempts"

TABLES = (
    Table(HOOKS, (
        Column("name", T.TEXT, nullable=False),
        Column("url", T.TEXT, nullable=False),
        Column("events", T.TEXT, nullable=False),  # a JSON list of event names
        Column("headers", T.TEXT, nullable=False),  # a JSON object
        Column("enabled", T.BOOLEAN, nullable=False),
        Column("secret", T.TEXT, nullable=False),
        Column("source", T.TEXT, nullable=False),  # "api", or "config" for the declared ones
        Column("disabled_reason", T.TEXT),
        Column("created_at", T.TEXT),  # ISO 8601, as the API shows them
        Column("updated_at", T.TEXT),
    )),
    # Rows are taken in id order; a reused id (no AUTOINCREMENT) is harmless once a row is gone.
    Table(EVENTS, (
        Column("event", T.TEXT, nullable=False),
        Column("payload", T.TEXT, nullable=False),
        Column("hooks", T.TEXT, nullable=False),  # a JSON list of webhook ids
        Column("created_at", T.FLOAT, nullable=False),  # seconds since the epoch
    ), autoincrement=False),
    Table(OUTBOX, (
        Column("webhook_id", T.BIGINT, nullable=False),
        Column("event", T.TEXT, nullable=False),
        Column("payload", T.TEXT, nullable=False),
        Column("message_id", T.TEXT, nullable=False),  # webhook-id: the same across retries
        Column("status", T.TEXT, nullable=False),  # pending, delivering, delivered, failed
        Column("attempts", T.INTEGER, nullable=False),
        Column("next_attempt_at", T.FLOAT, nullable=False),
        Column("lease_until", T.FLOAT),
        Column("lease_owner", T.TEXT),
        Column("last_status", T.INTEGER),
        Column("last_error", T.TEXT),
        Column("created_at", T.FLOAT, nullable=False),
    ), (Index(OUTBOX + "_due", ("status", "next_attempt_at")),), (ForeignKey("webhook_id", HOOKS),)),
    Table(ATTEMPTS, (
        Column("outbox_id", T.BIGINT, nullable=False),
        Column("webhook_id", T.BIGINT, nullable=False),
        Column("attempt", T.INTEGER, nullable=False),
        Column("at", T.TEXT, nullable=False),  # ISO 8601
        Column("status_code", T.INTEGER),
        Column("duration_ms", T.FLOAT),
        Column("error", T.TEXT),
    ), (Index(ATTEMPTS + "_hook", ("webhook_id", "id")),), (ForeignKey("outbox_id", OUTBOX),)),
)


def create(db: Database) -> None:
    """Create or evolve the webhook tables (idempotent, under the database's schema lock)."""
    sync(db, TABLES)
