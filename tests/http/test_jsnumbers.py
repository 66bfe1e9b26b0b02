"""Numbers leave the server as JavaScript's JSON.stringify writes them (``minikoa.http.jsoncodec``)."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minikoa.http.jsnumbers import js_float
from minikoa.http.jsoncodec import dumpb, dumps


@pytest.mark.parametrize(("value", "text"), [
    (5.0, "5"), (-5.0, "-5"), (1234567890123456.0, "1234567890123456"),
    (-0.0, "0"), (0.0, "0"),
    (1e16, "10000000000000000"), (1e20, "100000000000000000000"), (123e18, "123000000000000000000"),
    (1e21, "1e+21"), (1.5e300, "1.5e+300"), (-2e22, "-2e+22"),
    (1e-4, "0.0001"), (1e-5, "0.00001"), (1.5e-6, "0.0000015"), (1e-6, "0.000001"),
    (1e-7, "1e-7"), (-1.25e-9, "-1.25e-9"), (1e-10, "1e-10"), (5e-324, "5e-324"),
    (0.1, "0.1"), (10.5, "10.5"), (99.99, "99.99"), (0.1 + 0.2, "0.30000000000000004"),
    (math.nan, "null"), (math.inf, "null"), (-math.inf, "null"),
])
def test_a_float_is_written_as_javascript_writes_it(value: float, text: str) -> None:
    assert js_float(value) == text
    assert dumps(value) == text
    assert dumps({"n": [value]}) == f'{{"n":[{text}]}}'
    assert dumpb([value, "é"]) == f'[{text},"é"]'.encode()


def test_integers_keep_every_digit_and_bigintegers_are_strings() -> None:
    # Python's ints are exact; a JSON parser reads them as the same double JavaScript would hold.
    assert dumps([0, -7, 2**53 + 1, 10**21, -(2**63)]) == \
        "[0,-7,9007199254740993,1000000000000000000000,-9223372036854775808]"
    assert dumps({"rating": "9007199254740993"}) == '{"rating":"9007199254740993"}'
    assert dumps([True, False, None]) == "[true,false,null]"


def test_a_body_without_floats_is_the_c_encoder_text() -> None:
    body = {"data": [{"id": 1, "title": "v1.0", "note": "C++ e+ e-0"}], "meta": {"total": 10}}
    assert dumps(body) == json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def test_floats_inside_other_types_and_alongside_odd_strings() -> None:
    @dataclasses.dataclass
    class Point:
        x: float
        y: float

    assert dumps({"p": Point(1.0, 2.5), "s": "ends with 1.0", "t": (3.0, 1e-7)}) == \
        '{"p":{"x":1,"y":2.5},"s":"ends with 1.0","t":[3,1e-7]}'
    assert dumpb({"lone": "\ud800", "n": 2.0}) == b'{"lone":"\\ud800","n":2}'


def test_a_circular_body_is_still_an_error() -> None:
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular"):
        dumps(loop)


def test_text_in_strings_that_looks_like_such_a_number_is_left_alone() -> None:
    body = {"a": "x:5.0,", "b": 2.0, "c": 'q"[1e-05]\\', "d": [1e-05, "\\\\\":3.0}"], "e": -0.0}
    assert dumps(body) == '{"a":"x:5.0,","b":2,"c":"q\\"[1e-05]\\\\","d":[0.00001,"\\\\\\\\\\":3.0}"],"e":0}'
    assert json.loads(dumps(body)) == body


# Strings made of what numbers and JSON delimiters are made of: the fix must never touch them.
_TRICKY_TEXT = st.text(alphabet='0123456789.e+-,:[]{}"\\ x', max_size=12)
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | _TRICKY_TEXT
    | st.sampled_from([5.0, -0.0, 1e16, 1e20, 1e21, 1e-5, 1e-7, 2.5e-9, 123e18]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_TRICKY_TEXT, children, max_size=4),
    max_leaves=16)


@given(_VALUES)
def test_any_value_reads_back_the_same_with_every_number_as_javascript_writes_it(value) -> None:
    text = dumps(value)
    assert json.loads(text) == value

    def real(token: str) -> float:
        assert token == js_float(float(token)), token
        return float(token)
    json.loads(text, parse_float=real)
