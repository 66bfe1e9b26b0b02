"""Scale-out: two gunicorn servers on two ports, one PostgreSQL database, nothing shared but it.

Writes through one server are read through the other; concurrent writers
across both lose nothing and get no 5xx; each webhook delivery is made once
across both servers' dispatchers (the outbox claim's row locks); a server
killed with ``kill -9`` mid-load loses no acknowledged write, and the deliveries
it had leased are taken over by the survivor when their leases run out.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.conftest import _signal_group, new_schema
from tests.receiver import FAST, Reply, wait_until

TIMEOUT = 15
SCHEMA = {"kind": "collectionType", "collectionName": "notes",
          "info": {"singularName": "note", "pluralName": "notes", "displayName": "Note"},
          "options": {"draftAndPublish": False}, "attributes": {"text": {"type": "string"}}}
#: Writers across both servers, and how long they write.
WRITERS, SECONDS = 16, 2.0


def files(hook_url: str, **settings: object) -> dict[str, str]:
    webhooks = {**FAST, **settings, "endpoints": [{"name": "audit", "url": hook_url, "events": ["entry.create"]}]}
    return {
        "config/server.py": f"config = {{'webhooks': {webhooks!r}}}\n",
        "src/api/note/content-types/note/schema.json": json.dumps(SCHEMA),
        "src/api/note/routes/note.py": "from minikoa import core_router\nroutes = core_router('api::note.note')\n",
    }


def postgres_env(postgres_server) -> dict[str, str]:
    """Strapi's environment variables for one fresh schema: the only thing the servers share."""
    connection = new_schema(postgres_server)["connection"]
    return {"DATABASE_CLIENT": "postgres", "DATABASE_URL": connection["connectionString"],
            "DATABASE_SCHEMA": connection["schema"]}


def write_for(urls: list[str], seconds: float) -> tuple[list[str], list[int]]:
    """WRITERS threads, alternating servers, each creating notes for ``seconds``: the documentIds
    acknowledged (201) and every other status seen (a dead server's refusals are connection errors, not
    statuses)."""
    acknowledged: list[str] = []
    others: list[int] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def writer(n: int) -> None:
        url = urls[n % len(urls)]
        i = 0
        while time.monotonic() < deadline:
            i += 1
            try:
                res = requests.post(f"{url}/api/notes", json={"data": {"text": f"w{n}-{i}"}}, timeout=TIMEOUT)
            except requests.ConnectionError:
                continue  # a killed server: the request was never acknowledged
            with lock:
                if res.status_code == 201:
                    acknowledged.append(res.json()["data"]["documentId"])
                else:
                    others.append(res.status_code)

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(writer, range(WRITERS)))
    return acknowledged, others


def all_notes(url: str) -> set[str]:
    found: set[str] = set()
    page = 1
    while True:
        res = requests.get(f"{url}/api/notes", params={"pagination[page]": page, "pagination[pageSize]": 100,
                                                       "fields[0]": "text"}, timeout=TIMEOUT)
        assert res.status_code == 200, res.text
        body = res.json()
        found.update(entry["documentId"] for entry in body["data"])
        if page >= body["meta"]["pagination"]["pageCount"]:
            return found
        page += 1


def test_two_servers_share_one_database(project, serve, postgres_server, receiver):
    root = project(files(receiver.url()))
    env = postgres_env(postgres_server)
    one, two = (serve(f"minikoa.wsgi:create_app({str(root)!r})", workers=2, env=env) for _ in range(2))

    made = requests.post(f"{one.url}/api/notes", json={"data": {"text": "through one"}}, timeout=TIMEOUT)
    assert made.status_code == 201, made.text
    doc = made.json()["data"]["documentId"]
    read = requests.get(f"{two.url}/api/notes/{doc}", timeout=TIMEOUT)
    assert read.status_code == 200 and read.json()["data"]["text"] == "through one"

    acknowledged, others = write_for([one.url, two.url], SECONDS)
    assert others == [] and len(acknowledged) > WRITERS  # no 5xx, nor any other refusal
    assert set(acknowledged) | {doc} <= all_notes(two.url) and all_notes(one.url) == all_notes(two.url)

    # Every write's entry.create is delivered once, by one of the four dispatchers of the two servers.
    expected = len(acknowledged) + 1
    hits = receiver.wait_for(expected, timeout=60)
    ids = [hit.headers.get("webhook-id") for hit in hits]
    assert len(ids) == expected and len(set(ids)) == expected


def test_a_server_killed_mid_load_loses_no_acknowledged_write(project, serve, postgres_server, receiver):
    # Short leases, and a receiver slow to answer the first deliveries, so the killed server dies holding
    # leases: the survivor must take those rows over once the leases run out.
    root = project(files(receiver.url(), leaseSeconds=3))
    receiver.script("/hook", *[Reply(delay=2.5)] * 8)
    env = postgres_env(postgres_server)
    one, two = (serve(f"minikoa.wsgi:create_app({str(root)!r})", workers=1, env=env) for _ in range(2))

    killer = threading.Timer(SECONDS / 2, lambda: _signal_group(one.proc.pid, signal.SIGKILL))
    killer.start()
    try:
        acknowledged, others = write_for([one.url, two.url], SECONDS)
    finally:
        killer.cancel()
    assert one.proc.wait(timeout=10) == -signal.SIGKILL
    assert all(status < 500 for status in others), others
    assert set(acknowledged) <= all_notes(two.url)  # every acknowledged write is there, read through the survivor

    # Every delivery is made in the end, those the dead server had leased included, by the survivor.
    import psycopg

    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{env["DATABASE_SCHEMA"]}"')

        def settled() -> bool:
            left = conn.execute("SELECT (SELECT count(*) FROM minikoa_webhook_events) + (SELECT count(*) FROM "
                                "minikoa_webhook_outbox WHERE status <> 'delivered')").fetchone()
            return left is not None and left[0] == 0

        wait_until(settled, timeout=60, interval=0.2, message="every delivery made")
        delivered = conn.execute("SELECT count(*) FROM minikoa_webhook_outbox").fetchone()
    assert delivered is not None and delivered[0] >= len(acknowledged)
    ids = [hit.headers.get("webhook-id") for hit in receiver.hits("/hook")]
    assert len(set(ids)) == delivered[0]
    # The attempts the killed server had in flight were made again by the survivor once their leases ran
    # out: the same webhook-id twice (at-least-once, as the receiver's idempotency key allows for).
    assert len(ids) > len(set(ids))
