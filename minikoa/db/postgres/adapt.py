"""Values across psycopg as the layers above know them from SQLite.

The model layer stores and reads portable values: instants as ISO 8601
text with milliseconds and ``Z``, dates and times as text, JSON as its
text, numbers as Python numbers. PostgreSQL stores them in real types
(``timestamptz``, ``date``, ``time``, ``jsonb``, ``numeric``); these
loaders turn what the server sends back into exactly the values the SQLite
backend returns, so nothing above ``db/`` sees which database ran. Sessions
run with ``TimeZone`` UTC and ``DateStyle`` ISO (see ``database``), which
fixes the text the loaders parse.

Going in, strings are sent untyped (psycopg's default), so the server
reads ISO text as a ``timestamptz`` and JSON text as ``jsonb`` where the
column says so. Floats are sent as ``numeric`` in their shortest exact form
(``repr``): a ``decimal`` column stores the number that was written with no
rounding through float8's 15 digits, and a float column gets the same
double back.
"""

from __future__ import annotations

from typing import Any

from psycopg import adapt
from psycopg.adapt import AdaptersMap, Buffer
from psycopg.postgres import types as builtins

__all__ = ["register"]


def _text(data: Buffer) -> str:
    return bytes(data).decode()


def _millis(fraction: str) -> str:
    """A seconds fraction (``""``, ``"5"``, ``"123456"``) as exactly three digits."""
    return (fraction + "000")[:3]


class InstantLoader(adapt.Loader):
    """``timestamptz`` -> ``2024-01-31T09:05:00.120Z`` (the server's ``2024-01-31 09:05:00.12+00``)."""

    def load(self, data: Buffer) -> str:
        text = _text(data)
        # ISO output in UTC: the offset is "+00" at the end; the fraction, if any, has trailing zeros cut.
        moment = text[:-3] if text.endswith("+00") else text
        day, _, clock = moment.partition(" ")
        seconds, _, fraction = clock.partition(".")
        return f"{day}T{seconds}.{_millis(fraction)}Z"


class TimeLoader(adapt.Loader):
    """``time`` -> ``09:05:00.120`` (Strapi's ``HH:mm:ss.SSS``; the server cuts trailing zeros)."""

    def load(self, data: Buffer) -> str:
        seconds, _, fraction = _text(data).partition(".")
        return f"{seconds}.{_millis(fraction)}"


class TextLoader(adapt.Loader):
    """``date``, ``json`` and ``jsonb`` -> their text, as SQLite keeps them (the model layer decodes JSON)."""

    def load(self, data: Buffer) -> str:
        return _text(data)


class NumericLoader(adapt.Loader):
    """``numeric`` -> a float, as SQLite's REAL gives a decimal back (and JSON writes it)."""

    def load(self, data: Buffer) -> float:
        return float(_text(data))


class ExactFloatDumper(adapt.Dumper):
    """A float, sent as ``numeric`` in its shortest exact form (see the module docstring)."""

    oid = builtins.get_oid("numeric")

    def dump(self, obj: Any) -> bytes:
        return repr(float(obj)).encode()


def register(adapters: AdaptersMap) -> None:
    """Use these loaders and dumpers on a connection (or a whole context)."""
    adapters.register_loader("timestamptz", InstantLoader)
    adapters.register_loader("time", TimeLoader)
    for name in ("date", "json", "jsonb"):
        adapters.register_loader(name, TextLoader)
    adapters.register_loader("numeric", NumericLoader)
    adapters.register_dumper(float, ExactFloatDumper)
