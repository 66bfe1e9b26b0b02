"""Clients: a bounded mix of reads and writes from many threads, recording every acknowledged write."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

TIMEOUT = 60  # per request: a hang detector


@dataclass
class Tally:
    """What the clients saw: latencies, statuses, acknowledged creates (title -> documentId)."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    created: dict[str, str] = field(default_factory=dict)
    locked: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, started: float, response: requests.Response | None, error: str | None = None) -> None:
        with self.lock:
            self.latencies.append(time.perf_counter() - started)
            if response is not None:
                self.statuses[response.status_code] += 1
                if "database is locked" in response.text:
                    self.locked += 1
            else:
                self.errors[error or "?"] += 1

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def client(url: str, tally: Tally, stop: threading.Event, seed: int, tags: list[str]) -> None:
    """One client: mixed requests until ``stop``; a create counts once its 201 is read."""
    rng = random.Random(seed)
    session = requests.Session()
    mine: list[str] = []
    n = 0
    while not stop.is_set():
        n += 1
        roll = rng.random()
        started = time.perf_counter()
        try:
            if roll < 0.35:
                response = session.get(f"{url}/api/notes?populate=tags&sort=id:desc&pagination[pageSize]=10",
                                       timeout=TIMEOUT)
            elif roll < 0.6 or not mine:
                title = f"c{seed}-{n}"
                response = session.post(f"{url}/api/notes?status=draft", timeout=TIMEOUT, json={"data": {
                    "title": title, "body": "x" * rng.randint(0, 200), "tags": rng.sample(tags, 2)}})
                if response.status_code == 201:
                    document = response.json()["data"]["documentId"]
                    mine.append(document)
                    with tally.lock:
                        tally.created[title] = document
            elif roll < 0.75:
                response = session.put(f"{url}/api/notes/{rng.choice(mine)}?status=draft", timeout=TIMEOUT,
                                       json={"data": {"views": n, "tags": {"connect": [rng.choice(tags)]}}})
            elif roll < 0.85:  # a PUT without status publishes (Strapi 5)
                response = session.put(f"{url}/api/notes/{rng.choice(mine)}", timeout=TIMEOUT,
                                       json={"data": {"body": f"published {n}"}})
            else:
                response = session.get(f"{url}/api/notes/{rng.choice(mine)}?status=draft&populate=*",
                                       timeout=TIMEOUT)
        except requests.RequestException as exc:
            tally.record(started, None, type(exc).__name__)
            continue
        tally.record(started, response)


def run(url: str, clients: int, seconds: float, tags: list[str], seed: int = 0,
        during: list[tuple[float, object]] | None = None) -> Tally:
    """``clients`` threads for ``seconds``; ``during`` is ``[(at_second, fn)]`` run meanwhile (faults)."""
    tally, stop = Tally(), threading.Event()
    threads = [threading.Thread(target=client, args=(url, tally, stop, seed * 1000 + i, tags), daemon=True)
               for i in range(clients)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    for at, fault in sorted(during or [], key=lambda pair: pair[0]):
        time.sleep(max(0.0, began + at - time.monotonic()))
        fault()  # type: ignore[operator]
    time.sleep(max(0.0, began + seconds - time.monotonic()))
    stop.set()
    for thread in threads:
        thread.join(TIMEOUT + 5)
    return tally
