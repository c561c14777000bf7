"""救助 relief rules at their edges, beyond domain/test_assist_relief_rules.py (issue 20).

Every refusal's words and field (the API shows them); the case checks of each kind on both
sides of each bound (value 0 of goods, 1 fen of cash, a rent reduction's months); a rent
reduction's cost computed by hand; quarters of every month; items sorted by name.

Equivalent mutants (scripts/mutate.py excludes them from the score): none.
"""
from datetime import date

import pytest

from services.assistance.domain import relief as r


def refused(exc_type, call, *args):
    with pytest.raises(exc_type) as caught:
        call(*args)
    return caught.value


def test_a_rule_error_keeps_message_and_field():
    err = r.ReliefRuleError("why", "where")
    assert (str(err), err.message, err.field) == ("why", "why", "where")
    assert r.ReliefRuleError("why").field is None


def test_approvals_with_other_thresholds():
    assert r.ApprovalPolicy(()).approvals_needed(10**9) == 1
    policy = r.ApprovalPolicy((100, 200, 300))
    assert [policy.approvals_needed(t) for t in (0, 100, 101, 200, 201, 300, 301)] == [1, 1, 2, 2, 3, 3, 4]


@pytest.mark.parametrize("kind, amount, months, total", [
    ("rent_reduction", 50_000, 6, 300_000), ("rent_reduction", 50_000, None, 50_000), ("rent_reduction", 7, 1, 7),
    ("cash", 50_000, 6, 50_000), ("in_kind", 12_000, None, 12_000), ("in_kind", 0, None, 0)])
def test_what_a_case_costs_its_budget(kind, amount, months, total):
    assert r.total_fen(kind, amount, months) == total


@pytest.mark.parametrize("kind, amount, months, month, items, message, field", [
    ("in_kind", 5, None, None, [], "in-kind relief needs at least one item", "items"),
    ("in_kind", -1, None, None, [{"item": "bedding"}], "the goods' value cannot be negative", "amount_fen"),
    ("cash", 0, None, None, [], "the amount must be at least 1 fen", "amount_fen"),
    ("rent_reduction", 0, 3, "2026-01", [], "the amount must be at least 1 fen", "amount_fen"),
    ("rent_reduction", 100, None, "2026-01", [], "a rent reduction needs from_month and months", "months"),
    ("rent_reduction", 100, 0, "2026-01", [], "a rent reduction needs from_month and months", "months"),
    ("rent_reduction", 100, 3, None, [], "a rent reduction needs from_month and months", "from_month"),
    ("rent_reduction", 100, None, None, [], "a rent reduction needs from_month and months", "from_month"),
    ("cash", 100, 3, None, [], "only a rent reduction has from_month and months", "months"),
    ("cash", 100, None, "2026-01", [], "only a rent reduction has from_month and months", "from_month"),
    ("cash", 100, 3, "2026-01", [], "only a rent reduction has from_month and months", "months"),
    ("in_kind", 0, None, "2026-01", [{"item": "bedding"}], "only a rent reduction has from_month and months",
     "from_month"),
])
def test_each_invalid_case_in_words(kind, amount, months, month, items, message, field):
    err = refused(r.InvalidRelief, r.check_case, kind, amount, months, month, items)
    assert (err.message, err.field) == (message, field)


def test_the_least_valid_case_of_each_kind():
    r.check_case("cash", 1, None, None, [])
    r.check_case("in_kind", 0, None, None, [{"item": "bedding", "quantity": 1}])
    r.check_case("rent_reduction", 1, 1, "2026-01", [])
    r.check_case("cash", 1, 0, "", [])  # empty values are no months and no month


@pytest.mark.parametrize("month, quarter", [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2), (7, 3), (8, 3), (9, 3),
                                            (10, 4), (11, 4), (12, 4)])
def test_cash_counts_once_a_quarter(month, quarter):
    assert r.period_of("cash", date(2026, month, 15)) == f"2026-Q{quarter}"
    assert r.period_of("cash", date(2026, month, 15), "2027-01") == f"2026-Q{quarter}"  # a month is not a cash rule


def test_goods_once_a_year_and_rent_by_its_starting_year():
    assert r.period_of("in_kind", date(2026, 12, 31)) == "2026"
    assert r.period_of("in_kind", date(2026, 12, 31), "2027-01") == "2026"
    assert r.period_of("rent_reduction", date(2026, 12, 20), "2027-03") == "2027"
    assert r.period_of("rent_reduction", date(2026, 12, 20)) == "2026"  # without from_month: the date's year


def test_approver_refusals_in_words():
    err = refused(r.ApprovalRefused, r.check_approver, "u1", ["u2"], "u1")
    assert (err.message, err.field) == ("an officer cannot approve a case they requested", "officer")
    err = refused(r.ApprovalRefused, r.check_approver, "u1", ["u2", "u3"], "u3")
    assert (err.message, err.field) == ("this officer has already approved this case; another officer must", "officer")


def test_budget_refusal_in_words_and_its_edge():
    r.check_budget(1000, 1000, 0, 2026, "cash")
    err = refused(r.BudgetExceeded, r.check_budget, 1000, 1000, 1, 2027, "in_kind")
    assert (err.message, err.field) == ("the 2027 in_kind budget has 0 fen left; this case needs 1 fen", "amount_fen")
    err = refused(r.BudgetExceeded, r.check_budget, 1000, 1200, 1, 2026, "cash")
    assert err.message == "the 2026 cash budget has -200 fen left; this case needs 1 fen"


def test_stock_refusal_in_words():
    r.check_stock("cookware", 0, 0)
    err = refused(r.OutOfStock, r.check_stock, "cookware", 0, 1)
    assert (err.message, err.field) == ("cookware: 0 available, this case needs 1", "items")


def test_item_totals_are_sorted_by_item_and_take_quantities_as_numbers():
    needed = r.items_needed([{"item": "furniture", "quantity": "2"}, {"item": "appliances", "quantity": 1},
                             {"item": "furniture", "quantity": 3}])
    assert list(needed.items()) == [("appliances", 1), ("furniture", 5)]
    assert r.items_needed([]) == {}
