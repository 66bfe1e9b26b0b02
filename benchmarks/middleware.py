"""Group 3: what one minikoa middleware layer costs.

The same ``GET /json`` app with 0 and with 10 global pass-through
middlewares (``def mw(ctx): yield``), timed in interleaved rounds; the
difference divided by 10 is the cost of one layer. For scale, the cost of
the least any generator middleware can cost in Python (create a generator,
``next`` it twice) is measured on the same machine: a layer cannot be
cheaper than that, and what it costs above it is minikoa's own overhead.
"""

from __future__ import annotations

import sys
from typing import Any

from .apps import minikoa_app
from .harness import Loop, Settings, compare
from .report import GroupResult, fmt_ns, fmt_us, markdown_table
from .wsgi import call, check_json_reply, make_environ, request_loop

__all__ = ["LAYERS", "TARGET_NS", "run"]

LAYERS = 10
#: The goal for one pass-through layer.
TARGET_NS = 400.0


def _counting_check() -> str | None:
    """Check that minikoa runs every global middleware, in and out, once per request."""
    from minikoa import App

    seen: list[str] = []

    def mw(ctx: Any) -> Any:
        seen.append("in")
        yield
        seen.append("out")

    app = App()
    for _ in range(LAYERS):
        app.use(mw)
    app.get("/json")(lambda ctx: {"hello": "world"})
    problem = check_json_reply(call(app, make_environ("GET", "/json")), {"hello": "world"})
    if problem is None and seen != ["in"] * LAYERS + ["out"] * LAYERS:
        problem = f"middlewares ran as {seen!r}"
    return problem


def _generator_round_loop() -> Loop:
    """A bare generator round, the floor for one layer: create, next, next."""
    def mw(ctx: Any) -> Any:
        yield

    def loop(reps: int) -> None:
        ctx = None
        for _ in range(reps):
            gen = mw(ctx)
            next(gen, None)
            next(gen, None)
    return loop


def _empty_loop() -> Loop:
    """The same ``for`` loop with nothing in it, to subtract from the generator round."""
    def loop(reps: int) -> None:
        for _ in range(reps):
            pass
    return loop


def run(settings: Settings) -> GroupResult:
    """Time minikoa with 0 and 10 middlewares, and a bare generator round."""
    print("  middleware", file=sys.stderr, flush=True)
    template = make_environ("GET", "/json")
    apps = {0: minikoa_app(0), LAYERS: minikoa_app(LAYERS)}
    errors = []
    for count, app in apps.items():
        if len(app.global_middlewares) != count:
            errors.append(f"minikoa app has {len(app.global_middlewares)} middlewares, expected {count}")
        problem = check_json_reply(call(app, template), {"hello": "world"})
        if problem is not None:
            errors.append(f"minikoa with {count} middlewares answered GET /json wrongly: {problem}")
    problem = _counting_check()
    if problem is not None:
        errors.append(f"minikoa middlewares did not all run: {problem}")
    if errors:
        return GroupResult("Middleware: cost per layer", "n/a: " + "; ".join(errors), [], {}, errors)

    t = compare({f"{n} middlewares": request_loop(app, template) for n, app in apps.items()}, settings)
    t0, t10 = t["0 middlewares"].best_ns, t[f"{LAYERS} middlewares"].best_ns
    per_layer = (t10 - t0) / LAYERS
    g = compare({"generator round": _generator_round_loop(), "empty loop": _empty_loop()}, settings)
    gen_ns = g["generator round"].best_ns - g["empty loop"].best_ns
    rows = [
        ["minikoa `GET /json`, no middleware", fmt_us(t0)],
        [f"minikoa `GET /json`, {LAYERS} pass-through middlewares", fmt_us(t10)],
        [f"Per layer: (t{LAYERS} - t0) / {LAYERS}", fmt_ns(per_layer)],
        ["Bare generator round (create, next, next), for reference", fmt_ns(gen_ns)],
        ["Per layer, above the bare generator round", fmt_ns(per_layer - gen_ns)],
    ]
    verdict = "met" if per_layer <= TARGET_NS else "NOT met"
    notes = [
        f"Best of {settings.rounds} rounds; the middleware is `def mw(ctx): yield`, added with `app.use`. "
        f"Target: at most {TARGET_NS / 1000:.1f} µs per layer ({verdict}). The generator round is measured "
        "in a bare loop, with the loop's own cost subtracted.",
    ]
    data = {
        "unit": "ns",
        "timings": {**{k: v.as_dict() for k, v in t.items()}, **{k: v.as_dict() for k, v in g.items()}},
        "per_layer_ns": per_layer, "generator_round_ns": gen_ns, "target_ns": TARGET_NS,
    }
    return GroupResult("Middleware: cost per layer", markdown_table(["Case", "Time"], rows), notes, data)
