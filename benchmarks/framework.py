"""Group 1: time per request through the whole framework, in process.

Three scenarios, four peers (raw WSGI, Falcon, Flask, minikoa). Each app is
first asked every scenario once and its answer checked (status 200, a JSON
Content-Type, a correct Content-Length, the expected JSON value); a peer that
answers wrongly is reported "n/a" and not timed, so a broken app cannot look
fast. The timed loop is ``wsgi.request_loop``: environ copy, app call, body
consumed and closed, as a WSGI server does.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

from .apps import PEERS, empty_app
from .harness import Settings, Timing, compare
from .report import GroupResult, fmt_ratio, fmt_us, markdown_table
from .wsgi import WSGIApp, call, check_json_reply, make_environ, request_loop

__all__ = ["Scenario", "SCENARIOS", "run"]

#: The POST body: a small, typical JSON document (about 100 bytes).
ECHO_DOCUMENT: dict[str, Any] = {
    "title": "Benchmarks", "tags": ["wsgi", "json"], "author": {"id": 42, "name": "Ada Lovelace"},
    "draft": False, "score": 9.5,
}


@dataclass(frozen=True)
class Scenario:
    """One request and the JSON value the response must decode to."""

    label: str
    method: str
    path: str
    expected: Any
    body: bytes | None = None


_ECHO_BODY = json.dumps(ECHO_DOCUMENT, separators=(",", ":")).encode()

SCENARIOS = [
    Scenario("GET /json", "GET", "/json", {"hello": "world"}),
    Scenario("GET /users/:id/posts/:pid", "GET", "/users/42/posts/7", {"user": "42", "post": "7"}),
    Scenario(f"POST /echo ({len(_ECHO_BODY)}-byte JSON body)", "POST", "/echo", ECHO_DOCUMENT, _ECHO_BODY),
]


def _build_peers() -> tuple[dict[str, WSGIApp], dict[str, str]]:
    """Every peer app that could be built, and the reason for each one that could not."""
    apps: dict[str, WSGIApp] = {}
    failed: dict[str, str] = {}
    for name, factory in PEERS.items():
        try:
            apps[name] = factory()
        except Exception as exc:  # an optional peer missing or broken: n/a, not a crash
            failed[name] = f"could not be built: {type(exc).__name__}: {exc}"
    return apps, failed


def run(settings: Settings) -> GroupResult:
    """Verify every peer on every scenario, then time them; the first Markdown table."""
    apps, build_failures = _build_peers()
    rows: list[list[str]] = []
    notes: list[str] = []
    errors: list[str] = []
    data: dict[str, Any] = {"unit": "ns per request", "scenarios": {}}
    for name, reason in build_failures.items():
        notes.append(f"- {name}: n/a, {reason}.")
        if name == "minikoa":
            errors.append(f"minikoa app {reason}")

    for scenario in SCENARIOS:
        print(f"  framework: {scenario.label}", file=sys.stderr, flush=True)
        template = make_environ(scenario.method, scenario.path, scenario.body)
        loops = {}
        for name, app in apps.items():
            problem = check_json_reply(call(app, template, scenario.body), scenario.expected)
            if problem is None:
                loops[name] = request_loop(app, template, scenario.body)
            else:
                notes.append(f"- {name}, {scenario.label}: n/a, wrong answer ({problem}).")
                if name == "minikoa":
                    errors.append(f"minikoa answered {scenario.label} wrongly: {problem}")
        timings: dict[str, Timing] = compare(loops, settings) if loops else {}
        best = {name: (timings[name].best_ns if name in timings else None) for name in PEERS}
        mk = best["minikoa"]
        rows.append([scenario.label, *(fmt_us(best[name]) for name in PEERS),
                     fmt_ratio(mk, best["Falcon"]), fmt_ratio(mk, best["Flask"]), fmt_ratio(mk, best["raw"])])
        data["scenarios"][scenario.label] = {name: t.as_dict() for name, t in timings.items()}

    harness_ns = compare({"empty app": request_loop(empty_app(), make_environ("GET", "/json"))},
                         settings)["empty app"].best_ns
    data["harness_ns_per_request"] = harness_ns
    headers = ["Scenario", *PEERS, "minikoa/Falcon", "minikoa/Flask", "minikoa/raw"]
    notes[:0] = [
        f"Time per request in process (no network), best of {settings.rounds} rounds; ratios below 1.00x "
        "mean minikoa is faster. Every column includes the harness's own cost per request (copying a "
        f"gunicorn-like environ, calling the app, consuming and closing the body): {fmt_us(harness_ns)} "
        "with an app that does nothing.",
    ]
    return GroupResult("Framework: time per request (µs, lower is better)",
                       markdown_table(headers, rows), notes, data, errors)
