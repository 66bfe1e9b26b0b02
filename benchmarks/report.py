"""Output: the machine header, Markdown tables and the JSON file.

Every group returns a ``GroupResult``: a title, a Markdown table ready for
the README, footnotes, and the raw figures for ``--json``. Failures (a peer
that answered wrongly, or could not be built) are shown as "n/a" in the
table with the reason in a footnote, never silently dropped.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

__all__ = ["GroupResult", "markdown_table", "fmt_us", "fmt_ns", "fmt_ratio", "environment",
           "header_line", "write_json"]

NA = "n/a"


@dataclass
class GroupResult:
    """One benchmark group, rendered and raw."""

    title: str
    table: str
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    #: Problems with minikoa itself (wrong answers): these make the run fail.
    errors: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [f"### {self.title}", "", self.table]
        if self.notes:
            lines.append("")
            lines.extend(self.notes)
        return "\n".join(lines)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table, first column left-aligned and the others right-aligned."""
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            out.append(str(cell).ljust(widths[i]) if i == 0 else str(cell).rjust(widths[i]))
        return "| " + " | ".join(out) + " |"

    rule = ["-" * widths[0]] + ["-" * (w - 1) + ":" for w in widths[1:]]
    return "\n".join([line(headers), "| " + " | ".join(rule) + " |", *[line(row) for row in rows]])


def fmt_us(ns: float | None) -> str:
    """Nanoseconds as microseconds, with precision that suits the size."""
    if ns is None:
        return NA
    us = ns / 1000.0
    if us >= 100:
        return f"{us:.0f} µs"
    if us >= 10:
        return f"{us:.1f} µs"
    return f"{us:.2f} µs"


def fmt_ns(ns: float | None) -> str:
    return NA if ns is None else f"{ns:.0f} ns"


def fmt_ratio(num: float | None, den: float | None) -> str:
    """``num / den`` as ``0.62x``; "n/a" when either side is missing."""
    if num is None or den is None or den == 0:
        return NA
    return f"{num / den:.2f}x"


def _cpu_model() -> str:
    model = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return model or platform.machine()


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def environment() -> dict[str, Any]:
    """Interpreter, machine and peer versions, for the header and the JSON."""
    uname = platform.uname()
    try:
        import minikoa
        minikoa_version = getattr(minikoa, "__version__", "?")
    except ImportError:
        minikoa_version = "not importable"
    return {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_build": " ".join(platform.python_build()),
        "cpu": _cpu_model(),
        "machine": f"{uname.system} {uname.release} {uname.machine}",
        "cpu_count": os.cpu_count(),
        "versions": {"minikoa": minikoa_version, "falcon": _version("falcon"),
                     "flask": _version("flask"), "werkzeug": _version("werkzeug")},
        "argv": sys.argv[1:],
    }


def header_line(env: dict[str, Any], mode: str) -> str:
    v = env["versions"]
    return (f"{env['python']} on {env['cpu']} ({env['cpu_count']} CPUs, {env['machine']}); "
            f"minikoa {v['minikoa']}, Falcon {v['falcon']}, Flask {v['flask']}, "
            f"Werkzeug {v['werkzeug']}; {mode}")


def write_json(path: str, payload: dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(payload, f, indent=2, ensure_ascii=False)
        f.write("\n")
