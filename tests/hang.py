"""A hang detector for checks fed adversarial input, such as a 1 MB string built to make a pattern backtrack.

``finishes(check, *args)`` runs ``check(*args)`` in a forked child process and returns what it
returned. If the child is still busy after ``timeout`` seconds (60 by default), it is killed and
the test fails. This is never a speed check: the timeout only tells "finished" apart from "would
run for hours", which is how a quadratic pattern behaves on a 1 MB input.

Why a process and not a thread: ``re`` matches inside C code and keeps the GIL for the whole
match, so a thread stuck in a pattern would also keep the test's own thread from waking up when
its ``join`` timeout ran out. A child process can be killed whatever it is doing.

The check's result (and any exception, as text) comes back through a pipe, so it must be
picklable: return plain values (str, int, dict, tuple), not errors or apps.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from typing import Any

import pytest

__all__ = ["finishes", "HANG_TIMEOUT", "MB"]

#: Seconds before a check counts as hung: generous, for a loaded machine.
HANG_TIMEOUT = 60.0

#: About the default body limit (1 MB of JSON): the size of the adversarial inputs.
MB = 1_000_000


def finishes(check: Callable[..., Any], *args: Any, timeout: float = HANG_TIMEOUT) -> Any:
    """``check(*args)``, run in a child process that must finish within ``timeout`` seconds."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)

    def run() -> None:
        try:
            outcome: tuple[str, Any] = ("returned", check(*args))
        except BaseException as exc:  # reported to the parent, which fails the test
            outcome = ("raised", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        try:
            writer.send(outcome)
        except Exception as exc:
            writer.send(("raised", f"the result could not be sent back: {exc!r}"))

    child = context.Process(target=run, name=f"finishes({getattr(check, '__name__', check)!r})", daemon=True)
    child.start()
    writer.close()
    try:
        if not reader.poll(timeout):
            pytest.fail(f"{getattr(check, '__qualname__', check)!r} did not finish within {timeout:g} s "
                        "on this input: super-linear work?")
        try:
            kind, value = reader.recv()
        except EOFError:
            child.join(5)
            pytest.fail(f"the child process died without an answer (exit code {child.exitcode})")
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        reader.close()
    if kind == "raised":
        raise AssertionError(f"the check raised in the child process:\n{value}")
    return value
