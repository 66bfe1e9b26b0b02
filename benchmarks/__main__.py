"""``python -m benchmarks [--quick] [--json PATH] [--only GROUP ...]``.

Runs the groups, printing progress on stderr, then prints a header line and
one Markdown table per group on stdout (ready to paste into the README).
Exits 1 if minikoa itself gave a wrong answer during verification, 0
otherwise (a broken or missing *peer* only shows as "n/a").
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from . import framework, middleware, models, rest, router, webhooks
from .harness import NORMAL, QUICK, Settings
from .report import GroupResult, environment, header_line, write_json

GROUPS: dict[str, Callable[[Settings], GroupResult]] = {
    "framework": framework.run,
    "router": router.run,
    "middleware": middleware.run,
    "models": models.run,
    "rest": rest.run,
    "webhooks": webhooks.run,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[1])
    parser.add_argument("--quick", action="store_true", help="a smoke run (about 13 s): 3 short rounds")
    parser.add_argument("--json", metavar="PATH", help="also write every figure to PATH as JSON")
    parser.add_argument("--only", choices=list(GROUPS), action="append",
                        help="run only this group (repeatable)")
    args = parser.parse_args(argv)

    settings = QUICK if args.quick else NORMAL
    mode = "quick run" if args.quick else "full run"
    env = environment()
    started = time.perf_counter()
    results: dict[str, GroupResult] = {}
    durations: dict[str, float] = {}
    for name in args.only or GROUPS:
        print(f"{name} ...", file=sys.stderr, flush=True)
        group_start = time.perf_counter()
        results[name] = GROUPS[name](settings)
        durations[name] = time.perf_counter() - group_start
        print(f"{name}: {durations[name]:.1f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started

    print(header_line(env, mode))
    for result in results.values():
        print()
        print(result.render())
    errors = [e for r in results.values() for e in r.errors]
    if errors:
        print("\nminikoa failed verification:", file=sys.stderr)
        for error in errors:
            print(f"  - {error}", file=sys.stderr)
    print(f"\n({mode}: {elapsed:.1f} s)", file=sys.stderr)

    if args.json:
        write_json(args.json, {
            "environment": env, "mode": mode, "settings": vars(settings), "seconds": elapsed,
            "group_seconds": durations,
            "groups": {name: {"title": r.title, "table": r.table, "notes": r.notes, "data": r.data,
                              "errors": r.errors} for name, r in results.items()},
        })
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
