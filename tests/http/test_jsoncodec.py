"""Compact JSON with Strapi's date format; lone surrogates never crash."""

import dataclasses
import datetime
import enum
import json
import re
import uuid

import pytest

from minikoa.http.jsoncodec import dumpb, dumps, loads_strict


def test_compact_and_utf8():
    assert dumps({"a": [1, 2], "b": "\u00e9"}) == '{"a":[1,2],"b":"\u00e9"}'
    assert dumpb({"b": "\u00e9"}) == '{"b":"\u00e9"}'.encode()


def test_extra_types():
    @dataclasses.dataclass
    class P:
        x: int

    class Color(enum.Enum):
        RED = "red"

    naive = datetime.datetime(2026, 1, 2, 3, 4, 5, 123456)
    aware = datetime.datetime(2026, 1, 2, 4, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    out = json.loads(dumps({"n": naive, "a": aware, "s": {1}, "p": P(1), "c": Color.RED,
                            "u": uuid.UUID(int=0), "t": datetime.time(1, 2)}))
    assert out == {"n": "2026-01-02T03:04:05.123Z", "a": "2026-01-02T03:04:05.000Z", "s": [1],
                   "p": {"x": 1}, "c": "red", "u": "00000000-0000-0000-0000-000000000000", "t": "01:02:00"}


def test_lone_surrogate_is_escaped_not_an_error():
    value = json.loads('"\\ud800x"')
    assert dumpb({"v": value}) == b'{"v":"\\ud800x"}'


def test_unknown_type_raises_typeerror():
    with pytest.raises(TypeError):
        dumps({"x": object()})


@pytest.mark.parametrize("data, error", [
    ('["\ud800"]', "the text holds a lone surrogate"),            # a str that already holds one
    (b'["\\ud800"]', "a string holds the lone surrogate \\ud800"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'[' * 100_000 + b'"\\ud83d\\ude00"' + b']' * 100_000, "nested too deeply"),
    (b"[NaN]", "NaN is not a JSON value"),
    (b"[" + b"9" * 4301 + b"]", "a number has too many digits"),
])
def test_loads_strict_refuses_with_a_value_error(data, error):
    with pytest.raises(ValueError, match=re.escape(error)):
        loads_strict(data)


def test_loads_strict_reads_what_json_parse_reads():
    assert loads_strict(b'\xef\xbb\xbf{"a":[1,2.5,"\\ud83d\\ude00",null,true]}') == {
        "a": [1, 2.5, "\U0001F600", None, True]}
    assert loads_strict(b"1e400") == float("inf")  # as JSON.parse gives Infinity
