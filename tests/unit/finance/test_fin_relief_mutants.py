"""救助金发放 relief payment rules at their edges (issue 20), beyond domain/test_fin_relief_report.py:
a budget exactly equal to the relief pays it and the next one sees what is left; a fund used by
one payment is lower for the next; a short relief fund stops every year's reliefs, a year without
a budget only that year's; every reason's exact words; a payment of 0 draws nothing; negative
balances never count; the drawing order and the labels the public report shows.

Equivalent mutants (scripts/mutate.py excludes them from the score):
- x_plan__mutmut_5: ``short_funds = None`` for ``False``: the flag is only tested for truth and only
  ever set to True, and None is false as False is.
"""
from services.finance.domain.relief import (
    CATEGORY_LABELS,
    DEFAULT_SOURCE_ORDER,
    Decision,
    Pending,
    ReliefConflict,
    ReliefKind,
    ReliefStatus,
    plan,
    split,
)

A, B = "1002:donation:relief", "1002:union_funds:relief"


def test_split_edges():
    assert split(0, [(A, 5)]) == ()
    assert split(5, [(A, 5), (B, 0)]) == ((A, 5),)
    assert split(5, [(A, 0), (B, 5)]) == ((B, 5),)
    assert split(6, [(A, -10), (B, 5)]) is None  # a negative balance does not make up for anything
    assert split(5, [(A, -10), (B, 5)]) == ((B, 5),)
    assert split(3, [(A, 1), (B, 1), ("c", 1)]) == ((A, 1), (B, 1), ("c", 1))


def test_a_budget_exactly_equal_pays_and_the_next_sees_what_is_left():
    d = plan([Pending("r1", 2026, 400), Pending("r2", 2026, 101), Pending("r3", 2027, 100)],
             [(A, 10_000)], {2026: 500, 2027: 100})
    assert [x.paid for x in d] == [True, False, True]
    assert d[1] == Decision("r2", (), "the 2026 relief budget has 1.00 元 left; 1.01 元 needed")
    assert d[1].paid is False


def test_each_payment_lowers_the_funds_for_the_next():
    d = plan([Pending("r1", 2026, 300), Pending("r2", 2026, 300), Pending("r3", 2026, 500)],
             [(A, 500), (B, 200)], {2026: 10_000})
    assert d[0] == Decision("r1", ((A, 300),), None)
    assert d[1] == Decision("r2", ((A, 200), (B, 100)), None)
    assert d[2] == Decision("r3", (), "the relief fund holds 1.00 元; 5.00 元 needed")


def test_a_short_fund_stops_every_year_and_says_so():
    d = plan([Pending("r1", 2026, 900), Pending("r2", 2027, 1)], [(A, 800), (B, -50)], {2026: 10_000, 2027: 10})
    assert d[0] == Decision("r1", (), "the relief fund holds 8.00 元; 9.00 元 needed")  # the negative fund not counted
    assert d[1] == Decision("r2", (), "waiting: older reliefs are paid first and the relief fund cannot cover them yet")


def test_every_relief_after_a_short_fund_gets_its_own_waiting_decision():
    d = plan([Pending(f"r{n}", 2026, 100) for n in range(1, 5)], [(A, 50)], {2026: 10_000})
    assert [x.relief_id for x in d] == ["r1", "r2", "r3", "r4"]  # one decision for each, none dropped
    assert [x.paid for x in d] == [False] * 4 and d[3].reason.startswith("waiting: older reliefs are paid first")


def test_a_year_without_a_budget_blocks_that_year_only_with_words():
    d = plan([Pending("r1", 2028, 1), Pending("r2", 2028, 1), Pending("r3", 2026, 1)], [(A, 10)], {2026: 10})
    assert d[0] == Decision("r1", (), "no relief budget is set for 2028")
    assert d[1] == Decision("r2", (), "waiting: older reliefs of 2028 are paid first from the 2028 relief budget")
    assert d[2] == Decision("r3", ((A, 1),), None)


def test_names_and_labels():
    assert DEFAULT_SOURCE_ORDER == ("donation", "union_funds", "finance_bureau", "central_subsidy", "social_capital")
    assert [k.value for k in ReliefKind] == ["cash", "in_kind", "rent_reduction"]
    assert [s.value for s in ReliefStatus] == ["pending", "paid"]
    assert CATEGORY_LABELS == {"sanwu": "三无户", "youfu": "优抚户", "kunnan_laomo": "困难劳模", "dibao": "低保户",
                               "dibao_bianyuan": "低保边缘户", "temporary": "临时困难"}
    e = ReliefConflict("m")
    assert (e.message, e.field, str(e)) == ("m", "relief_id", "m")
    assert ReliefConflict("m", None).field is None
