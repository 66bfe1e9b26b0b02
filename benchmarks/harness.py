"""Timing: warm up, calibrate, then time every peer in interleaved rounds.

A *loop* is a callable ``loop(reps)`` that performs the measured operation
``reps`` times (or, for routers, ``reps`` passes over a path set). Each peer
of a comparison gets its own loop; ``compare`` times them all under the same
rules, so the numbers in one table are comparable:

* warm-up first (first calls fill caches, compile lazily built routers,
  specialise the interpreter's bytecode), which also calibrates how many
  repetitions make one round last about ``round_seconds``;
* rounds are interleaved (round 1 of every peer, then round 2 ...) with the
  starting peer rotated, so a burst of load from another process or a drift
  in CPU clock hits all peers alike instead of one of them;
* the garbage collector is disabled during each timed round, and the young
  generations are collected before it, so a collection triggered by one
  peer's garbage is not billed to whichever peer happens to run when it
  fires; the long-lived heap (apps, routers with 10,000 routes) is frozen
  out of the collector for the comparison (``gc.freeze``), because a full
  collection over it takes half a second and would flush the CPU caches
  right before every round;
* the figure reported is the **best** round (the least disturbed one: noise
  on a shared machine only ever adds time); the median is kept in the JSON.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Loop", "Settings", "Timing", "NORMAL", "QUICK", "compare", "time_once"]

#: ``loop(reps)`` performs the measured operation ``reps`` times.
Loop = Callable[[int], Any]


@dataclass(frozen=True)
class Settings:
    """How long and how often to measure."""

    rounds: int = 7
    #: Target duration of one timed round, per peer.
    round_seconds: float = 0.08
    #: Minimum warm-up per peer (also used to calibrate the repetitions).
    warmup_seconds: float = 0.05
    #: Route prefixes for the router scaling case (``/v0`` ... ``/v{n-1}``).
    prefixes: int = 50


#: The full run: about 45 s on two cores (2 vCPU AMD EPYC, CPython 3.11).
NORMAL = Settings(round_seconds=0.15, warmup_seconds=0.1)
#: A smoke run for tests: every code path, few and short rounds.
QUICK = Settings(rounds=3, round_seconds=0.02, warmup_seconds=0.01)


@dataclass
class Timing:
    """One peer's result, in nanoseconds per operation."""

    best_ns: float
    median_ns: float
    rounds_ns: list[float] = field(default_factory=list)
    #: Operations per timed round (repetitions x operations per repetition).
    ops_per_round: int = 0

    @property
    def best_us(self) -> float:
        return self.best_ns / 1000.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["best_us"] = self.best_us
        data["median_us"] = self.median_ns / 1000.0
        return data


def time_once(loop: Loop, reps: int) -> int:
    """Nanoseconds for ``loop(reps)``, with the garbage collector off."""
    gc.collect(1)
    gc.disable()
    try:
        start = time.perf_counter_ns()
        loop(reps)
        elapsed = time.perf_counter_ns() - start
    finally:
        gc.enable()
    return elapsed


def _calibrate(loop: Loop, settings: Settings) -> int:
    """Warm ``loop`` up and return the repetitions that fill one round.

    Doubles the repetitions until one call lasts at least the warm-up time,
    so the estimate is made on warm code and is not dominated by timer
    resolution.
    """
    reps = 1
    while True:
        elapsed = time_once(loop, reps)
        if elapsed >= settings.warmup_seconds * 1e9 or reps >= 1 << 24:
            break
        reps *= 2
    per_rep = max(elapsed / reps, 1.0)
    return max(1, math.ceil(settings.round_seconds * 1e9 / per_rep))


def compare(loops: Mapping[str, Loop], settings: Settings, ops_per_rep: int = 1) -> dict[str, Timing]:
    """Time every loop in interleaved rounds; ``ops_per_rep`` operations per repetition."""
    names = list(loops)
    gc.collect()
    gc.freeze()
    try:
        reps = {name: _calibrate(loops[name], settings) for name in names}
        samples: dict[str, list[float]] = {name: [] for name in names}
        for r in range(settings.rounds):
            shift = r % len(names)
            for name in names[shift:] + names[:shift]:
                ops = reps[name] * ops_per_rep
                samples[name].append(time_once(loops[name], reps[name]) / ops)
    finally:
        gc.unfreeze()
    return {
        name: Timing(best_ns=min(samples[name]), median_ns=statistics.median(samples[name]),
                     rounds_ns=samples[name], ops_per_round=reps[name] * ops_per_rep)
        for name in names
    }
