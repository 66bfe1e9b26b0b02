"""Every pattern-backed field check finishes on adversarial input of about 1 MB (the JSON body limit).

Each input is built to make a backtracking pattern work hard: a long run that fails at its very end,
runs that two adjacent quantifiers could share, many short groups. A super-linear check would run
for hours on them; ``tests.hang.finishes`` fails the test instead (a hang detector, not a timer).
The answers are asserted too: a rewritten pattern must keep every verdict and Strapi's messages.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from minikoa import App, core_router
from minikoa.content.fields.js import js_to_number
from minikoa.content.schema import Schemas
from minikoa.content.validation import validate
from minikoa.errors import ValidationError
from tests.hang import MB, finishes

PROBE = {
    "kind": "collectionType", "collectionName": "probes",
    "info": {"singularName": "probe", "pluralName": "probes"},
    "options": {"draftAndPublish": False},
    "attributes": {
        "i": {"type": "integer"}, "big": {"type": "biginteger"}, "f": {"type": "float"},
        "dec": {"type": "decimal"}, "mail": {"type": "email"}, "slug": {"type": "uid"},
        "day": {"type": "date"}, "at": {"type": "time"}, "when": {"type": "datetime"},
        "flag": {"type": "boolean"}, "cover": {"type": "media", "multiple": False},
    },
}


def _schemas() -> Schemas:
    schemas = Schemas()
    schemas.register("api::probe.probe", PROBE)
    schemas.link()
    return schemas


SCHEMAS = _schemas()
MODEL = SCHEMAS["api::probe.probe"]


def adversarial(head: str, unit: str, tail: str) -> str:
    """``head``, then ``unit`` repeated to about 1 MB, then ``tail``."""
    return head + unit * (MB // len(unit)) + tail


def answer(attr: str, value: Any) -> tuple[str, str]:
    """``("ok", stored value)`` or ``("error", message)`` for an update setting ``attr`` to ``value``."""
    try:
        stored = validate(MODEL, {attr: value}, schemas=SCHEMAS, partial=True)[attr]
    except ValidationError as exc:
        return "error", exc.message
    return "ok", str(stored)[:40]


def nan(attr: str) -> str:
    return f"{attr} must be a `number` type, but the final value was: `NaN` (cast from the value `\""


_NUMBER_CASES = [
    # (head, unit, tail): what the former decimal pattern (\d+\.?\d*) took quadratic time on, and neighbours
    ("", "1", "x", "NaN"),
    ("", "1", "e", "NaN"),
    ("1.", "1", "ex", "NaN"),
    (".", "1", "x", "NaN"),
    ("", "1", "." + "1" * 1000 + "x", "NaN"),
    ("+", "1", "e+", "NaN"),
    ("", "1", "", "big"),           # a valid literal: Infinity as a JS number
    ("", " 1", "", "big"),          # whitespace is removed first, as yup does
    ("-", "1", ".e1", "big"),
    ("0x", "f", "", "big"),
]
_NUMBER_ANSWERS = {
    "i": "i must be an integer", "big": "big must be an integer",
    "f": "f must be a finite number", "dec": "dec must be a finite number",
}


#: A biginteger is checked by Strapi's own test, not yup's number cast: anything but digits is this.
_BIG_INVALID = "big must be a valid integer"


@pytest.mark.parametrize("attr", ["i", "big", "f", "dec"])
@pytest.mark.parametrize("head, unit, tail, kind", _NUMBER_CASES,
                         ids=[f"{h!r}+{u!r}*n+{t[:4]!r}" for h, u, t, _ in _NUMBER_CASES])
def test_number_checks_finish_on_1mb_strings(attr, head, unit, tail, kind):
    verdict, message = finishes(answer, attr, adversarial(head, unit, tail))
    assert verdict == "error"
    if attr == "big":
        digits = head == "" and unit == "1" and tail == ""
        assert message == ("big must be less than or equal to 9223372036854775807" if digits else _BIG_INVALID)
    elif kind == "NaN":
        assert message.startswith(nan(attr))
    elif head == "0x" and attr == "i":  # exact: a huge integer, over the column's range
        assert message == "i must be less than or equal to 2147483647"
    else:
        assert message == _NUMBER_ANSWERS[attr]


# Strapi's fixed messages for a date, time or datetime it cannot read (no field name in them).
DATE, TIME = "Invalid format, expected yyyy-MM-dd", "Invalid time format, expected HH:mm:ss.SSS"
DATETIME = "Invalid format, expected a timestamp or an ISO date"
_TEXT_CASES = [
    ("mail", "", "a", "", "error", "mail must be a valid email"),
    ("mail", "a@", "a-", "", "error", "mail must be a valid email"),
    ("mail", "a@", "aa.", "", "error", "mail must be a valid email"),
    ("mail", "a@", "a-a.", "-", "error", "mail must be a valid email"),
    ("mail", "", "a.", "@", "error", "mail must be a valid email"),
    ("mail", "a@b.", "a", "1", "error", "mail must be a valid email"),
    ("mail", "", "a", "@example.com", "ok", "a" * 40),
    ("mail", "x@", "a.", "com", "ok", "x@" + "a." * 19),
    ("slug", "", "a", "!", "error", 'slug must match the following: "/^[A-Za-z0-9-_.~]*$/"'),
    ("slug", "", "a-", "", "ok", "a-" * 20),
    ("day", "2020-01-01T00:00:00.", "1", "x", "error", DATE),
    ("day", "2020-01-01T00:00:00.", "1", "+0", "error", DATE),
    ("day", "2020-01-01T00:00:00.", "1", "", "ok", "2020-01-01"),
    ("when", "2020-01-01T00:00:00.", "1", "Zx",
     "error", DATETIME),
    ("when", "", "1", "", "error", DATETIME),
    ("when", "2020-01-01T00:00:00.", "1", "Z", "ok", "2020-01-01T00:00:00.111Z"),
    ("at", "00:00:00.", "1", "", "error", TIME),
    ("at", "", "0", "", "error", TIME),
    ("flag", "", "t", "", "error", "flag must be a `boolean` type, but the final value was: `\"ttt"),
    ("flag", "", "1", "", "error", "flag must be a `boolean` type, but the final value was: `\"111"),
    ("cover", "", "1", "", "error", "cover must be a file id or an object with an id"),
]


@pytest.mark.parametrize("attr, head, unit, tail, verdict, start", _TEXT_CASES,
                         ids=[f"{a}:{h[:6]!r}+{u!r}*n+{t!r}" for a, h, u, t, *_ in _TEXT_CASES])
def test_text_date_and_other_checks_finish_on_1mb_strings(attr, head, unit, tail, verdict, start):
    got_verdict, got = finishes(answer, attr, adversarial(head, unit, tail))
    assert got_verdict == verdict
    assert got.startswith(start)


# The decimal pattern as it was: the reference for the verdicts of its linear rewrite.
_FORMER_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def test_the_rewritten_decimal_pattern_gives_the_former_verdicts():
    # Every string of up to 6 characters over the ones that matter (a non-ASCII digit included):
    # the same ones are numbers, with the same value.
    for size in range(7):
        for chars in itertools.product("1.eE+-x\u0663", repeat=size):
            text = "".join(chars)
            number = js_to_number(text)
            if _FORMER_DECIMAL.match(text):
                assert number == float(text), text
            else:
                assert number != number or text in ("Infinity", "+Infinity", "-Infinity"), text


def _post_through_rest(tmp: str, value: str) -> tuple[int, str]:
    app = App(config={"database": {"connection": {"connection": {"filename": f"{tmp}/probe.db"}}}})
    app.content_types.register("api::probe.probe", PROBE)
    app.mount(core_router("api::probe.probe"))
    try:
        res = app.test_client().post("/api/probes", json={"data": {"i": value}})
        return res.status_code, res.json["error"]["message"]
    finally:
        app.destroy()


@pytest.mark.parametrize("digits", [45_000, MB - 100])
def test_the_reported_number_string_is_a_400_over_rest(tmp_path, digits):
    # The issue's input: digits that fail at the end timed a worker out.
    status, message = finishes(_post_through_rest, str(tmp_path), "1" * digits + "x")
    assert status == 400
    assert message.startswith(nan("i"))
