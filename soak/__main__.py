"""``make soak``: load, crashes, graceful shutdown and bad input against gunicorn on one SQLite file.

Phases (``SOAK_SECONDS`` each, 60 by default; ``SOAK_CLIENTS`` threads, 64):

1. 4 sync workers under mixed load (list with populate, create, update with
   a relation, publish, read one);
2. 2 gthread workers x 8 threads, the same load;
3. a crash: a worker killed with SIGKILL, later the whole server (master and
   workers) as a machine losing power, then a restart on the same file;
4. SIGTERM to the master under load (graceful: in-flight requests finish);
5. bad input of several families, each of which must be refused with a 4xx.

After each phase every acknowledged create must be in the database exactly
once (its draft row), ``PRAGMA integrity_check`` must say ok, and no answer
may be a 5xx or mention a locked database; connection errors while a server
is down are counted, not failures. Webhook deliveries of every acknowledged
create must arrive (at least once) after the restarts. Ends with one table;
exits 1 if anything that must be 0 is not.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import requests

from . import project as soak_project
from .badinput import FAMILIES, try_all
from .load import Tally, run
from .server import Gunicorn, Receiver, free_port

SECONDS = float(os.environ.get("SOAK_SECONDS", 60))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", 64))


def verify(database: Path, created: dict[str, str]) -> tuple[int, int, str]:
    """(lost, duplicated, integrity) of the acknowledged creates ``{title: documentId}``."""
    with sqlite3.connect(database, timeout=60) as db:
        rows = db.execute("SELECT title, document_id, COUNT(*) FROM notes WHERE published_at IS NULL "
                          "GROUP BY title, document_id").fetchall()
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    found = {title: (document, count) for title, document, count in rows}
    lost = sum(1 for title, document in created.items() if found.get(title, (None, 0))[0] != document)
    duplicated = sum(1 for title in created if found.get(title, (None, 0))[1] > 1)
    return lost, duplicated, integrity


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="minikoa-soak-"))
    root = soak_project.write(folder / "project")
    database, log = folder / "soak.db", folder / "gunicorn.log"
    receiver = Receiver()
    port = free_port()
    rows: list[list[str]] = []
    failed = False
    everything: dict[str, str] = {}

    def serve(args: list[str]) -> Gunicorn:
        return Gunicorn(root, database, port, args, receiver.url, log)

    def phase(name: str, tally: Tally, elapsed: float) -> None:
        nonlocal failed
        everything.update(tally.created)
        lost, duplicated, integrity = verify(database, everything)
        requests_made = sum(tally.statuses.values())
        rows.append([name, str(requests_made), f"{requests_made / elapsed:.0f}", f"{tally.percentile(0.5):.1f}",
                     f"{tally.percentile(0.99):.1f}", str(tally.server_errors), str(tally.locked),
                     str(sum(tally.errors.values())), str(len(tally.created)), str(lost), str(duplicated), integrity])
        failed |= bool(tally.server_errors or tally.locked or lost or duplicated or integrity != "ok")
        print(f"soak: {name} done ({requests_made} requests)", file=sys.stderr, flush=True)

    server = serve(["--workers", "4"])
    try:
        tags = []
        for name in ("red", "green", "blue", "amber"):
            answer = requests.post(f"{server.url}/api/tags", json={"data": {"name": name}}, timeout=60)
            answer.raise_for_status()
            tags.append(answer.json()["data"]["documentId"])

        began = time.monotonic()
        phase("4 sync workers", run(server.url, CLIENTS, SECONDS, tags, seed=1), time.monotonic() - began)
        server.stop()

        server = serve(["--workers", "2", "--threads", "8", "--worker-class", "gthread"])
        began = time.monotonic()
        phase("2 gthread workers x 8", run(server.url, CLIENTS, SECONDS, tags, seed=2), time.monotonic() - began)

        holder: list[Gunicorn] = [server]

        def crash_and_restart() -> None:
            holder[0].crash()
            holder[0] = serve(["--workers", "2", "--threads", "8", "--worker-class", "gthread"])

        began = time.monotonic()
        tally = run(server.url, CLIENTS, SECONDS, tags, seed=3,
                    during=[(SECONDS * 0.25, server.kill_worker), (SECONDS * 0.5, crash_and_restart)])
        phase("kill -9 a worker, then the server", tally, time.monotonic() - began)
        server = holder[0]

        began = time.monotonic()
        tally = run(server.url, CLIENTS, min(SECONDS, 20), tags, seed=4, during=[(5, server.terminate)])
        server.stop()
        phase("SIGTERM under load", tally, time.monotonic() - began)

        server = serve(["--workers", "2"])
        bad = try_all(server.url)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and any(receiver.hits[d] == 0 for d in everything.values()):
            time.sleep(0.5)
        undelivered = sum(1 for d in everything.values() if receiver.hits[d] == 0)
        redelivered = sum(1 for d in everything.values() if receiver.hits[d] > 1)
    finally:
        server.stop()
        receiver.stop()

    print("\n| phase | requests | per s | p50 ms | p99 ms | 5xx | locked | conn. errors | writes acked | lost "
          "| duplicated | integrity |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nBad input: {sum(bad.values())} requests in {len(FAMILIES)} families, "
          + ", ".join(f"{family} {count}" for family, count in bad.items())
          + f"; answered other than 4xx: {bad.misses}.")
    print(f"Webhooks: {len(everything)} acknowledged creates, {undelivered} never delivered, "
          f"{redelivered} delivered more than once (at-least-once after a crash).")
    print(f"{CLIENTS} clients, {SECONDS:.0f} s a phase, one SQLite file; logs in {folder}.")
    failed |= bool(bad.misses or undelivered)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
