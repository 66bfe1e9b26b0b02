"""Filter values cast to the stored form by each field type, or refused (moved from test_casting)."""

import datetime

import pytest

from minikoa.content.fields import FIELD_TYPES, BadValue, cast_text


@pytest.mark.parametrize("kind, value, expected", [
    ("integer", "4", 4), ("integer", " 7 ", 7), ("integer", 3.0, 3), ("integer", True, 1),
    ("float", "1.5", 1.5), ("float", 2, 2),
    ("boolean", "true", 1), ("boolean", "f", 0), ("boolean", False, 0),
    ("datetime", "2026-01-02", "2026-01-02T00:00:00.000Z"),
    ("datetime", "2026-01-02T03:04:05+01:00", "2026-01-02T02:04:05.000Z"),
    ("datetime", datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), "2026-01-02T03:04:05.000Z"),
    ("date", "2026-01-02", "2026-01-02"),
    ("string", 12, "12"),
])
def test_casts(kind, value, expected):
    assert FIELD_TYPES[kind].cast(value) == expected


@pytest.mark.parametrize("kind, value", [
    ("integer", "abc"), ("integer", "1_0"), ("integer", float("nan")), ("float", "inf?"),
    ("boolean", "maybe"), ("datetime", "yesterday"), ("date", "2026-13-01"), ("integer", [1]), ("string", {}),
])
def test_refusals(kind, value):
    with pytest.raises(BadValue):
        FIELD_TYPES[kind].cast(value)


@pytest.mark.parametrize("kind, same_as", [
    ("biginteger", "integer"), ("decimal", "float"), ("timestamp", "datetime"), ("text", "string"),
    ("richtext", "string"), ("email", "string"), ("password", "string"), ("uid", "string"),
    ("enumeration", "string"), ("json", "string"), ("blocks", "string"),
])
def test_each_type_casts_as_its_kind(kind, same_as):
    """Every type casts as one of the kinds filters have always had."""
    for value in ("4", " 7 ", "2026-01-02", "true", 12, 2.5, True):
        try:
            expected = FIELD_TYPES[same_as].cast(value)
        except BadValue:
            with pytest.raises(BadValue):
                FIELD_TYPES[kind].cast(value)
        else:
            assert FIELD_TYPES[kind].cast(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("10:30", "10:30"), (" 10:30:05.250 ", "10:30:05.250"), (datetime.time(9, 5), "09:05:00"),
])
def test_time_casts(value, expected):
    assert FIELD_TYPES["time"].cast(value) == expected


@pytest.mark.parametrize("kind, value", [
    ("time", "25:00"), ("time", 930), ("float", float("inf")), ("float", ""), ("float", "1_0"),
    ("boolean", 2), ("date", datetime.datetime(2026, 1, 2)), ("datetime", 1700000000), ("integer", None),
])
def test_more_refusals(kind, value):
    with pytest.raises(BadValue):
        FIELD_TYPES[kind].cast(value)


def test_text():
    assert cast_text(True) == "true" and cast_text(1.5) == "1.5" and cast_text("x") == "x"
    with pytest.raises(BadValue):
        cast_text(None)
