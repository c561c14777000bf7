"""For the survivors of `make mutate MODULE=services/assistance/domain/relief.py`: every refusal's
exact message and field (the problem response shows both), the 1-fen boundary, the period of a
kind that is not a rent reduction even when a month is given, and what a case costs when the
months are missing or the kind is not per month."""

from datetime import date

import pytest

from services.assistance.domain import relief as r


def refusal(exc_type, fn, *args):
    with pytest.raises(exc_type) as e:
        fn(*args)
    return e.value.message, e.value.field, str(e.value)


@pytest.mark.parametrize("args, message, field", [
    (("in_kind", 0, None, None, []), "in-kind relief needs at least one item", "items"),
    (("in_kind", -1, None, None, [{"item": "bedding"}]), "the goods' value cannot be negative", "amount_fen"),
    (("cash", 0, None, None, []), "the amount must be at least 1 fen", "amount_fen"),
    (("rent_reduction", 5, None, "2026-01", []), "a rent reduction needs from_month and months", "months"),
    (("rent_reduction", 5, 3, None, []), "a rent reduction needs from_month and months", "from_month"),
    (("cash", 5, 3, None, []), "only a rent reduction has from_month and months", "months"),
    (("cash", 5, None, "2026-01", []), "only a rent reduction has from_month and months", "from_month"),
])
def test_every_invalid_case_says_what_and_where(args, message, field):
    assert refusal(r.InvalidRelief, r.check_case, *args) == (message, field, message)


def test_one_fen_is_enough():
    r.check_case("cash", 1, None, None, [])
    r.check_case("rent_reduction", 1, 1, "2026-01", [])


def test_the_approver_refusals_exactly():
    assert refusal(r.ApprovalRefused, r.check_approver, "u1", [], "u1") == (
        "an officer cannot approve a case they requested", "officer",
        "an officer cannot approve a case they requested")
    assert refusal(r.ApprovalRefused, r.check_approver, "u1", ["u2"], "u2") == (
        "this officer has already approved this case; another officer must", "officer",
        "this officer has already approved this case; another officer must")


def test_the_corrector_refusal_exactly():
    assert refusal(r.ApprovalRefused, r.check_corrector, "returned", "district_officer:u1",
                   "district_officer:u2") == ("only the officer who requested the case corrects it", "officer",
                                              "only the officer who requested the case corrects it")


def test_the_stock_refusal_exactly():
    assert refusal(r.OutOfStock, r.check_stock, "bedding", 1, 3) == (
        "bedding: 1 available, this case needs 3", "items", "bedding: 1 available, this case needs 3")


def test_the_budget_refusal_exactly():
    assert refusal(r.BudgetExceeded, r.check_budget, 1000, 400, 601, 2026, "cash") == (
        "the 2026 cash budget has 600 fen left; this case needs 601 fen", "amount_fen",
        "the 2026 cash budget has 600 fen left; this case needs 601 fen")


def test_a_month_does_not_change_the_period_of_other_kinds():
    assert r.period_of("cash", date(2026, 5, 1), "2027-01") == "2026-Q2"
    assert r.period_of("in_kind", date(2026, 5, 1), "2027-01") == "2026"
    assert r.period_of("rent_reduction", date(2026, 5, 1), None) == "2026"


def test_what_a_case_costs():
    assert r.total_fen("cash", 50_000, 6) == 50_000  # only a rent reduction is per month
    assert r.total_fen("in_kind", 7, 3) == 7
    assert r.total_fen("rent_reduction", 50_000, None) == 50_000  # no months: one month
    assert r.total_fen("rent_reduction", 50_000, 1) == 50_000
