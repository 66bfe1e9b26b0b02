"""The hang detector the adversarial-input tests rely on (tests/hang.py)."""

from __future__ import annotations

import time

import pytest

from tests.hang import finishes


def _sleep_forever() -> None:
    time.sleep(3600)


def _fail() -> None:
    raise ValueError("bad input")


def test_a_check_that_finishes_gives_its_result():
    assert finishes(sorted, "cba") == ["a", "b", "c"]


def test_a_check_that_never_finishes_fails_the_test_and_is_killed():
    with pytest.raises(pytest.fail.Exception, match="did not finish within 0.5 s"):
        finishes(_sleep_forever, timeout=0.5)


def test_an_exception_in_the_check_is_reported_with_its_traceback():
    with pytest.raises(AssertionError, match=r"ValueError: bad input(.|\n)*_fail"):
        finishes(_fail)
