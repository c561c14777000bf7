"""配租 matching: the rules `make mutate` showed no test stated (issue 20).

Quota seats from whole percentages at both edges (0 and 100 allowed, -1 and 101 refused, a
non-int refused in words), rounded down by hand: 7 units × 15 % = 1.05 → 1 seat; 200 × 33 % =
66; 10 × 100 % = 10.

Equivalent mutants (scripts/mutate.py excludes them from the score): none.
"""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.allocation.domain.matching import quota_seats


def test_quota_seats_rounded_down_by_hand():
    assert quota_seats(7, {"frontline": 15}) == [("frontline", 1)]
    assert quota_seats(200, {"hardship": 33, "model_worker": 5}) == [("hardship", 66), ("model_worker", 10)]
    assert quota_seats(10, {"frontline": 100}) == [("frontline", 10)]
    assert quota_seats(99, {"frontline": 1}) == [("frontline", 0)]
    assert quota_seats(100, {"frontline": 1}) == [("frontline", 1)]


def test_quota_percent_edges():
    assert quota_seats(10, {"none": 0}) == [("none", 0)]
    assert quota_seats(10, {"all": 100}) == [("all", 10)]
    for bad in (-1, 101, 15.0, True, "15"):
        with pytest.raises(ValueError, match=r"^quota percent for frontline must be an int 0\.\.100$"):
            quota_seats(10, {"frontline": bad})


@given(st.integers(0, 10**6), st.integers(0, 100))
def test_a_quota_never_exceeds_its_share_and_misses_it_by_less_than_one_seat(units, pct):
    [(_, seats)] = quota_seats(units, {"g": pct})
    assert seats * 100 <= units * pct < (seats + 1) * 100
