"""Group 6: webhooks: requests do not wait for deliveries.

Two measurements on an App built in code with one content-type
(``api::thing.thing``, a required ``name``) and its core REST routes, each
app on its own SQLite file, private receiver addresses allowed
(``server.webhooks.allowPrivate``):

* **request throughput**: ``POST /api/things`` creating an entry, through
  the WSGI app in-process as in the framework and REST groups, on an app
  with no webhook and on one with 3 webhooks listening to ``entry.create``
  and pointing at a receiver that answers after 1 s. Each request of the
  second app writes 3 outbox rows in its transaction (that is the design:
  a committed change always has its deliveries queued) and wakes the
  dispatcher; the deliveries themselves happen on the dispatcher's threads
  while the next requests run. Target: with webhooks, at most 10% more time
  per request.
* **delivery rate**: N entries created in one transaction (``create_many``,
  2,000; 200 in ``--quick``) with a webhook listening, timed from the commit
  until the outbox says every row is delivered, to a receiver that answers
  200 at once; with the default 2 dispatcher threads and with
  ``server.webhooks.workers: 4``.

The receivers are threaded HTTP servers (a thread per connection, HTTP/1.1
keep-alive) in a separate process, so the app's process does not share its
interpreter lock with them. Before timing, every app is asked once and must
answer 201 with the entry; the webhook app must have queued 3 rows, not
waited for the slow receiver, and its deliveries must arrive with
signatures that ``minikoa.webhooks.verify`` accepts; the delivery rate
counts only when the receiver got every row exactly once.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.request import urlopen

from .harness import Settings, compare
from .report import GroupResult, fmt_ratio, fmt_us, markdown_table
from .wsgi import Reply, call, make_environ, request_loop

__all__ = ["run", "TARGET"]

#: With 3 webhooks, a request may take at most this many times as long as with none.
TARGET = 1.10
UID = "api::thing.thing"
SCHEMA: dict[str, Any] = {
    "kind": "collectionType",
    "collectionName": "things",
    "info": {"singularName": "thing", "pluralName": "things", "displayName": "Thing"},
    "options": {"draftAndPublish": False},
    "attributes": {"name": {"type": "string", "required": True, "maxLength": 80}},
}
BODY = json.dumps({"data": {"name": "A thing"}}).encode()
HOOKS = 3
#: The three apps of the request comparison.
PEERS = ("0 webhooks", f"{HOOKS} webhooks, no dispatcher threads", f"{HOOKS} webhooks, 1 s receiver")
SLOW_SECONDS = 1.0
ROOT = Path(__file__).resolve().parent.parent


# -- the receiver, in its own process --------------------------------------------------------------


def _receiver_main(delay: float) -> None:
    """Serve on a free port (printed on stdout): POST answers 200 after ``delay`` s, recording per path;
    ``GET /_stats?path=P`` returns the count, the distinct webhook-ids and the first deliveries of P."""
    import threading
    from collections import defaultdict
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs, urlsplit

    lock = threading.Lock()
    counts: dict[str, int] = defaultdict(int)
    ids: dict[str, set[str]] = defaultdict(set)
    samples: dict[str, list[dict[str, Any]]] = defaultdict(list)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if delay:
                time.sleep(delay)
            with lock:
                counts[self.path] += 1
                ids[self.path].add(self.headers.get("webhook-id") or "")
                if len(samples[self.path]) < 5:
                    samples[self.path].append({"headers": dict(self.headers.items()),
                                               "body": body.decode("utf-8")})
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            path = parse_qs(urlsplit(self.path).query).get("path", [""])[0]
            with lock:
                data = json.dumps({"count": counts[path], "distinct": len(ids[path]),
                                   "samples": samples[path]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256

    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever(poll_interval=0.1)


class Receiver:
    """A receiver process; ``with Receiver(delay) as r: r.url``."""

    def __init__(self, delay: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", f"from benchmarks.webhooks import _receiver_main; _receiver_main({delay!r})"],
            cwd=ROOT, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line.strip().isdigit():
            self.close()
            raise RuntimeError(f"the webhook receiver did not start: {line!r}")
        self.url = f"http://127.0.0.1:{int(line)}"

    def stats(self, path: str) -> dict[str, Any]:
        with urlopen(f"{self.url}/_stats?path={path}", timeout=5) as res:
            return json.loads(res.read())

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def __enter__(self) -> Receiver:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# -- apps and checks -------------------------------------------------------------------------------


def _app(path: Path, **webhooks: Any) -> Any:
    from minikoa import App
    from minikoa.rest import core_router

    app = App(config={"database": {"connection": {"connection": {"filename": str(path)}}},
                      "server": {"webhooks": {"allowPrivate": True, **webhooks}}})
    app.content_types.register(UID, SCHEMA)
    app.mount(core_router(UID))
    app.build()
    return app


def _outbox(app: Any, status: str | None = None) -> int:
    """Delivery rows (events recorded but not yet fanned out into rows are fanned out first)."""
    from minikoa.webhooks.tables import OUTBOX

    app.webhooks.outbox.fan_out(limit=1_000_000)
    if status is None:
        return app.db.connection.scalar(f"SELECT COUNT(*) FROM {OUTBOX}")
    return app.db.connection.scalar(f"SELECT COUNT(*) FROM {OUTBOX} WHERE status = ?", [status])


def _check_created(reply: Reply) -> str | None:
    if not reply.status.startswith("201"):
        return f"status {reply.status!r}, body {reply.body[:200]!r}"
    try:
        data = json.loads(reply.body)["data"]
    except (ValueError, KeyError, TypeError):
        return f"body {reply.body[:200]!r}"
    if data.get("name") != "A thing" or not data.get("documentId"):
        return f"entry {data!r}"
    return None


def _check_samples(receiver: Receiver, path: str, secret: str, want: int, seconds: float) -> str | None:
    """Wait until ``path`` got ``want`` deliveries; None if they did and their signatures verify."""
    from minikoa.webhooks import WebhookVerificationError, verify

    deadline = time.monotonic() + seconds
    stats = receiver.stats(path)
    while stats["count"] < want and time.monotonic() < deadline:
        time.sleep(0.05)
        stats = receiver.stats(path)
    if stats["count"] < want:
        return f"{stats['count']} of {want} deliveries arrived at {path} within {seconds:g} s"
    for sample in stats["samples"]:
        try:
            verify(secret, sample["headers"], sample["body"])
        except WebhookVerificationError as exc:
            return f"a delivery to {path} does not verify: {exc}"
        payload = json.loads(sample["body"])
        if payload.get("event") != "entry.create" or payload.get("uid") != UID \
                or sample["headers"].get("X-Strapi-Event") != "entry.create":
            return f"a delivery to {path} is not an entry.create of {UID}: {payload!r}"
    return None


# -- request throughput ---------------------------------------------------------------------------


def _throughput(base: Path, slow: Receiver, settings: Settings, errors: list[str]) -> dict[str, Any]:
    """Time per POST with no webhook, with 3 and no dispatcher threads, and with 3 delivering to ``slow``."""
    apps: list[Any] = []
    try:
        plain = _app(base / "plain.db")
        apps.append(plain)
        queued = _app(base / "queued.db", workers=0)  # the outbox rows are written, nothing delivers them
        apps.append(queued)
        hooked = _app(base / "hooked.db")
        apps.append(hooked)
        secrets = {}
        for i in range(HOOKS):
            queued.webhooks.create(name=f"slow {i}", url=f"{slow.url}/queued/{i}", events=["entry.create"])
            hook = hooked.webhooks.create(name=f"slow {i}", url=f"{slow.url}/slow/{i}", events=["entry.create"])
            secrets[f"/slow/{i}"] = hook["secret"]
        template = make_environ("POST", "/api/things", BODY)
        for label, app in ((PEERS[0], plain), (PEERS[1], queued)):
            problem = _check_created(call(app, template, BODY))
            rows = _outbox(app, "pending")
            if problem is None and rows != (HOOKS if app is queued else 0):
                problem = f"{rows} pending outbox rows after one request"
            if problem:
                errors.append(f"POST /api/things, {label}: {problem}")
                return {}
        start = time.perf_counter()
        reply = call(hooked, template, BODY)
        first_request = time.perf_counter() - start
        problem = _check_created(reply)
        if problem is None and _outbox(hooked) != HOOKS:
            problem = f"{_outbox(hooked)} outbox rows after one request, not {HOOKS}"
        if problem is None and first_request >= SLOW_SECONDS / 2:
            problem = f"the request took {first_request:.2f} s: it waited for the {SLOW_SECONDS:g} s receiver"
        for path, secret in secrets.items():
            problem = problem or _check_samples(slow, path, secret, 1, SLOW_SECONDS + 5)
        if problem:
            errors.append(f"POST /api/things, {PEERS[2]}: {problem}")
            return {}
        print("  webhooks: request throughput", file=sys.stderr, flush=True)
        answered_before = sum(slow.stats(path)["count"] for path in secrets)
        timings = compare({PEERS[0]: request_loop(plain, template, BODY),
                           PEERS[1]: request_loop(queued, template, BODY),
                           PEERS[2]: request_loop(hooked, template, BODY)}, settings)
        answered = sum(slow.stats(path)["count"] for path in secrets) - answered_before
        if slow.stats("/queued/0")["count"]:
            errors.append(f"{PEERS[1]}: deliveries were made with no dispatcher threads")
        return {"timings": timings, "queued": _outbox(hooked, "pending") + _outbox(hooked, "delivering"),
                "answered_meanwhile": answered}
    finally:
        for app in apps:
            app.webhooks.stop(SLOW_SECONDS + 1)  # in-flight deliveries to the slow receiver end within 1 s
            app.destroy()


# -- delivery rate --------------------------------------------------------------------------------


def _deliveries(base: Path, fast: Receiver, workers: int | None, n: int, passes: int,
                errors: list[str]) -> list[float]:
    """Deliveries per second of ``passes`` batches of ``n`` (empty if the check before timing failed)."""
    label = f"{workers or 2} threads"
    app = _app(base / f"deliver-{workers}.db", **({"workers": workers} if workers else {}))
    try:
        path = f"/fast/{workers}"
        hook = app.webhooks.create(name="fast", url=fast.url + path, events=["entry.create"])
        things = app.documents(UID)
        things.create_many(data=[{"name": f"check {i}"} for i in range(20)])
        problem = _check_samples(fast, path, hook["secret"], 20, 10)
        deadline = time.monotonic() + 5
        while problem is None and _outbox(app, "delivered") < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        if problem is None and _outbox(app, "delivered") != 20:
            problem = f"{_outbox(app, 'delivered')} of 20 rows marked delivered"
        if problem:
            errors.append(f"deliveries with {label}: {problem}")
            return []
        rates = []
        total = 20
        for _ in range(passes):
            data = [{"name": f"thing {total + i}"} for i in range(n)]
            things.create_many(data=data)  # one transaction: the rows appear (and the dispatcher wakes) at commit
            start = time.perf_counter()
            total += n
            limit = max(30.0, n / 20)
            while _outbox(app, "delivered") < total and time.perf_counter() - start < limit:
                time.sleep(0.005)
            elapsed = time.perf_counter() - start
            if _outbox(app, "delivered") < total:
                errors.append(f"deliveries with {label}: {total - _outbox(app, 'delivered')} rows not delivered "
                              f"within {limit:.0f} s")
                return []
            rates.append(n / elapsed)
        stats = fast.stats(path)
        if stats["count"] != total or stats["distinct"] != total:
            errors.append(f"deliveries with {label}: the receiver got {stats['count']} requests "
                          f"({stats['distinct']} distinct webhook-ids) for {total} rows")
            return []
        return rates
    finally:
        app.webhooks.stop(5)
        app.destroy()


# -- the group ------------------------------------------------------------------------------------


def run(settings: Settings) -> GroupResult:
    quick = settings.rounds < 7
    n = 200 if quick else 2_000
    passes = 1 if quick else 3
    errors: list[str] = []
    notes: list[str] = []
    data: dict[str, Any] = {"target": TARGET, "hooks": HOOKS, "slow_seconds": SLOW_SECONDS, "batch": n}
    with tempfile.TemporaryDirectory() as tmp, Receiver(SLOW_SECONDS) as slow, Receiver(0.0) as fast:
        base = Path(tmp)
        found = _throughput(base, slow, settings, errors)
        rates: dict[str, list[float]] = {}
        for workers in (None, 4):
            label = f"{workers or 2} dispatcher threads" + (" (default)" if workers is None else "")
            print(f"  webhooks: {n:,} deliveries, {label}", file=sys.stderr, flush=True)
            rates[label] = _deliveries(base, fast, workers, n, passes, errors)

    timings = found.get("timings", {})
    best = {name: timings[name].best_ns if name in timings else None for name in PEERS}
    base_ns, queued_ns, hooked_ns = (best[name] for name in PEERS)
    ratio = hooked_ns / base_ns if hooked_ns and base_ns else None
    met = "not measured" if ratio is None else ("met" if ratio <= TARGET else "NOT met")
    requests_table = markdown_table(
        ["Request", *PEERS, "1 s receiver / 0 webhooks"],
        [["POST /api/things (per request)", *(fmt_us(best[name]) for name in PEERS), fmt_ratio(hooked_ns, base_ns)]])
    labels = list(rates)
    per_second = {label: max(got) if got else None for label, got in rates.items()}
    deliveries_table = markdown_table(
        ["Deliveries to a receiver that answers at once", *labels],
        [[f"per second, best of {passes} batch{'es' if passes > 1 else ''} of {n:,}",
          *("n/a" if per_second[label] is None else f"{per_second[label]:,.0f} /s" for label in labels)]])

    data["requests"] = {name: t.as_dict() for name, t in timings.items()}
    data["requests_ratio"] = ratio
    data["outbox_insert_ratio"] = queued_ns / base_ns if queued_ns and base_ns else None
    data["delivery_effect_ratio"] = hooked_ns / queued_ns if hooked_ns and queued_ns else None
    data["met"] = met
    data["queued_after"] = found.get("queued")
    data["answered_meanwhile"] = found.get("answered_meanwhile")
    data["deliveries_per_second"] = {label: {"best": per_second[label], "passes": got,
                                             "median": statistics.median(got) if got else None}
                                     for label, got in rates.items()}
    notes.append(
        f"Requests: best of {settings.rounds} interleaved rounds, in-process through the WSGI app, each app on its "
        f"own SQLite file (WAL); {HOOKS} webhooks on entry.create. Target: with webhooks delivering to a receiver "
        f"that answers after {SLOW_SECONDS:g} s, at most {TARGET:.2f}x the time without webhooks ({met}"
        + ("" if ratio is None else f": {ratio:.3f}x") + "). The outbox insert is part of the request by design "
        "(one event row with the payload and the webhooks it goes to, committed with the change; the dispatcher "
        f"fans it out into {HOOKS} delivery rows later): the column with no dispatcher "
        "threads (`workers: 0`) is that cost alone"
        + ("" if not (queued_ns and base_ns) else f", {queued_ns / base_ns:.2f}x") + "; the deliveries run on "
        "the dispatcher's threads while the next requests are served"
        + ("" if not (hooked_ns and queued_ns) else f", {hooked_ns / queued_ns:.2f}x on top of it")
        + ("." if not found else f" ({found['answered_meanwhile']} answered by the receiver during the timed "
           f"rounds, {found['queued']:,} rows still queued at the end).")
    )
    notes.append(
        f"Deliveries: {n:,} entries created in one transaction (`create_many`), timed from the commit until every "
        "outbox row is marked delivered. Each delivery is a leased claim (one UPDATE), a signed POST over a "
        "kept-alive connection, and the outcome with its attempt log (one transaction). The receivers run in "
        "another process, on the same cores."
    )
    table = requests_table + "\n\n" + deliveries_table
    return GroupResult("Webhooks: requests do not wait for deliveries", table, notes, data, errors)
