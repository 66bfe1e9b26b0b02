"""Checking a built-in middleware's options once, at start-up."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["check_options", "closest", "parse_size"]

# The spaces after the number and those after the unit are separate runs: with the unit
# optional between two ``\s*``, one run of spaces could be split two ways at every position.
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:(b|kb|mb|gb)\s*)?$", re.IGNORECASE)
_UNITS = {None: 1, "b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}


def check_options(name: str, config: Mapping[str, Any] | None, known: Iterable[str]) -> dict[str, Any]:
    """``config`` as a dict, or ValueError naming the middleware and any unknown option."""
    if config is None:
        return {}
    if not isinstance(config, Mapping):
        raise ValueError(f"minikoa::{name}: config must be a dict, not {type(config).__name__}")
    known = list(known)
    unknown = sorted(map(str, set(config) - set(known)))
    if unknown:
        raise ValueError(f"minikoa::{name}: unknown option(s) {', '.join(unknown)}{closest(unknown[0], known)}")
    return dict(config)


def closest(key: str, known: Iterable[str]) -> str:
    """``"; did you mean 'threshold'?"`` for the known option closest to ``key``, else the list of them."""
    known = sorted(known)
    found = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if found:
        return f"; did you mean {found[0]!r}?"
    return f" (known: {', '.join(known) or 'none'})"


def parse_size(name: str, option: str, value: Any) -> int:
    """A byte size given as a number or as the ``bytes`` package writes it (``"1mb"``, ``"56kb"``)."""
    if isinstance(value, bool):
        raise ValueError(f"minikoa::{name}: {option} must be a size, not {value!r}")
    if isinstance(value, (int, float)) and value >= 0:
        return int(value)
    match = _SIZE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"minikoa::{name}: {option} must be a size like 1048576 or '1mb', not {value!r}")
    unit = match.group(2).lower() if match.group(2) else None
    return int(float(match.group(1)) * _UNITS[unit])
