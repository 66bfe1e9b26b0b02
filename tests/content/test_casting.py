"""Filter values cast to the stored form, or refused."""

import datetime

import pytest

from minikoa.content.casting import BadValue, cast


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
    assert cast(kind, value) == expected


@pytest.mark.parametrize("kind, value", [
    ("integer", "abc"), ("integer", "1_0"), ("integer", float("nan")), ("float", "inf?"),
    ("boolean", "maybe"), ("datetime", "yesterday"), ("date", "2026-13-01"), ("integer", [1]), ("string", {}),
])
def test_refusals(kind, value):
    with pytest.raises(BadValue):
        cast(kind, value)
