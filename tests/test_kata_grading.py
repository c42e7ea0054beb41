"""From an attempt to a grade."""

from __future__ import annotations

import pytest

from study.grading import AGAIN, EASY, GOOD, HARD
from study.katas import suggested_rating


@pytest.mark.parametrize(("passed", "hints", "elapsed_s", "first", "rating"), [
    (False, 0, 10, True, AGAIN),
    (True, 1, 60, True, HARD),  # a hint
    (True, 0, 16 * 60, False, HARD),  # over the 15-minute budget
    (True, 0, 10 * 60, True, GOOD),  # first try, but not well inside the budget
    (True, 0, 60, False, GOOD),  # quick, but not the first try
    (True, 0, 7 * 60, True, EASY),  # first try, no hints, under half the budget
])
def test_suggested_rating(passed: bool, hints: int, elapsed_s: float, first: bool,
                          rating: int) -> None:
    assert suggested_rating(passed, hints, elapsed_s, 15, first) == rating
