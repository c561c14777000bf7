"""Report arithmetic, checked by hand: the median (odd, even rounded down, none), totals per
category/kind/month, completion per mille rounded down."""

import statistics

from hypothesis import given, settings
from hypothesis import strategies as st

from services.assistance.domain.reports import completion_permille, median_seconds, totals


def test_median_by_hand():
    assert median_seconds([]) is None
    assert median_seconds([7]) == 7
    assert median_seconds([30, 10, 20]) == 20
    assert median_seconds([10, 40, 20, 30]) == 25
    assert median_seconds([10, 21]) == 15  # 15.5 rounded down
    assert median_seconds([0, 1]) == 0


@settings(deadline=None)  # a loaded machine must not fail a rule
@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=50))
def test_median_is_statistics_median_rounded_down(values):
    assert median_seconds(values) == int(statistics.median(values) // 1)


def test_totals_group_by_category_kind_and_month():
    rows = [("dibao", "cash", "2026-11", 100), ("sanwu", "cash", "2026-11", 50), ("dibao", "cash", "2026-11", 200),
            ("dibao", "cash", "2026-12", 7), ("dibao", "in_kind", "2026-11", 0)]
    assert totals(rows) == [
        {"category": "dibao", "kind": "cash", "month": "2026-11", "cases": 2, "amount_fen": 300},
        {"category": "dibao", "kind": "cash", "month": "2026-12", "cases": 1, "amount_fen": 7},
        {"category": "dibao", "kind": "in_kind", "month": "2026-11", "cases": 1, "amount_fen": 0},
        {"category": "sanwu", "kind": "cash", "month": "2026-11", "cases": 1, "amount_fen": 50}]


@settings(deadline=None)  # a loaded machine must not fail a rule
@given(st.lists(st.tuples(st.sampled_from(["a", "b"]), st.sampled_from(["cash", "in_kind"]),
                          st.sampled_from(["2026-01", "2026-02"]), st.integers(0, 10**9)), max_size=30))
def test_totals_keep_every_case_and_fen(rows):
    lines = totals(rows)
    assert sum(x["cases"] for x in lines) == len(rows) and sum(x["amount_fen"] for x in lines) == sum(
        r[3] for r in rows)


def test_completion_per_mille_rounded_down():
    assert completion_permille(0, 0) is None
    assert completion_permille(2, 3) == 666
    assert completion_permille(1, 3) == 333
    assert completion_permille(3, 3) == 1000
    assert completion_permille(0, 5) == 0
