"""The relief rules by hand and by property: approvals by amount, who may approve, periods,
budgets."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.assistance.domain import relief as r


@pytest.mark.parametrize("total, needed", [(1, 1), (200_000, 1), (200_001, 2), (1_000_000, 2), (1_000_001, 3)])
def test_approvals_by_amount(total, needed):
    assert r.ApprovalPolicy().approvals_needed(total) == needed


@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_more_money_never_needs_fewer_approvals(a, b):
    policy = r.ApprovalPolicy((5_000, 50_000, 500_000))
    lo, hi = sorted((a, b))
    assert 1 <= policy.approvals_needed(lo) <= policy.approvals_needed(hi) <= 4


def test_the_requester_and_a_repeat_approver_are_refused():
    with pytest.raises(r.ApprovalRefused, match="requested"):
        r.check_approver("u1", [], "u1")
    with pytest.raises(r.ApprovalRefused, match="already approved"):
        r.check_approver("u1", ["u2"], "u2")
    r.check_approver("u1", ["u2"], "u3")


@pytest.mark.parametrize("kind, on, month, period", [
    ("cash", date(2026, 1, 1), None, "2026-Q1"), ("cash", date(2026, 3, 31), None, "2026-Q1"),
    ("cash", date(2026, 4, 1), None, "2026-Q2"), ("cash", date(2026, 12, 31), None, "2026-Q4"),
    ("in_kind", date(2026, 7, 1), None, "2026"), ("rent_reduction", date(2026, 12, 20), "2027-01", "2027")])
def test_periods(kind, on, month, period):
    assert r.period_of(kind, on, month) == period


@pytest.mark.parametrize("kind, amount, months, month, items, field", [
    ("cash", 0, None, None, [], "amount_fen"), ("cash", -5, None, None, [], "amount_fen"),
    ("in_kind", 0, None, None, [], "items"), ("in_kind", -1, None, None, [{"item": "bedding"}], "amount_fen"),
    ("rent_reduction", 100, None, "2026-01", [], "months"), ("rent_reduction", 100, 3, None, [], "from_month"),
    ("cash", 100, 3, None, [], "months")])
def test_invalid_cases_name_the_field(kind, amount, months, month, items, field):
    with pytest.raises(r.InvalidRelief) as refused:
        r.check_case(kind, amount, months, month, items)
    assert refused.value.field == field


def test_valid_cases_pass_and_rent_counts_every_month():
    r.check_case("in_kind", 0, None, None, [{"item": "bedding", "quantity": 2}])
    r.check_case("rent_reduction", 50_000, 6, "2026-01", [])
    assert r.total_fen("rent_reduction", 50_000, 6) == 300_000
    assert r.total_fen("cash", 50_000, None) == 50_000


def test_budget_shows_the_remaining_amount():
    r.check_budget(1000, 400, 600, 2026, "cash")
    with pytest.raises(r.BudgetExceeded, match="600 fen left; this case needs 601"):
        r.check_budget(1000, 400, 601, 2026, "cash")


@given(st.integers(0, 10**12), st.integers(0, 10**12), st.integers(1, 10**12))
def test_budget_never_goes_over(total, used, amount):
    try:
        r.check_budget(total, used, amount, 2026, "cash")
    except r.BudgetExceeded:
        assert used + amount > total
    else:
        assert used + amount <= total


def test_stock_rule_and_item_totals():
    r.check_stock("bedding", 2, 2)
    with pytest.raises(r.OutOfStock, match="bedding: 1 available, this case needs 2"):
        r.check_stock("bedding", 1, 2)
    assert r.items_needed([{"item": "bedding", "quantity": 1}, {"item": "appliances", "quantity": 1},
                           {"item": "bedding", "quantity": 2}]) == {"appliances": 1, "bedding": 3}


@given(st.lists(st.tuples(st.sampled_from(r.ITEMS), st.integers(1, 1000)), max_size=20))
def test_item_totals_keep_every_unit(lines):
    needed = r.items_needed([{"item": i, "quantity": q} for i, q in lines])
    assert sum(needed.values()) == sum(q for _, q in lines) and set(needed) == {i for i, _ in lines}


def test_only_a_requested_case_is_reviewed():
    r.check_reviewable("requested", "c1")
    for status in ("returned", "approved", "rejected", "delivered", "cancelled"):
        with pytest.raises(r.ApprovalRefused, match=f"relief case c1 is {status}; only a requested case") as e:
            r.check_reviewable(status, "c1")
        assert e.value.field == "relief_id"


def test_a_returned_case_is_corrected_by_its_requester_or_anyone_when_the_system_opened_it():
    r.check_corrector("returned", "district_officer:u1", "district_officer:u1")
    r.check_corrector("returned", "system:tenancy.started", "district_officer:u9")
    with pytest.raises(r.ApprovalRefused, match="only the officer who requested") as e:
        r.check_corrector("returned", "district_officer:u1", "district_officer:u2")
    assert e.value.field == "officer"
    with pytest.raises(r.ApprovalRefused, match="the case is requested; only a returned case") as e:
        r.check_corrector("requested", "district_officer:u1", "district_officer:u1")
    assert e.value.field == "relief_id"


def test_the_policy_keeps_its_version():
    assert r.ApprovalPolicy().version == "1"
    assert r.ApprovalPolicy((5,), "2027-a").approvals_needed(6) == 2
