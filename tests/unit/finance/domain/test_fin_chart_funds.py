"""The chart of accounts, the funds' maker–checker and budget rules."""

import pytest

from services.finance.domain import chart
from services.finance.domain.funds import (
    AlreadyDecided,
    BudgetExceeded,
    BudgetTooLow,
    EarmarkMismatch,
    SelfApproval,
    check_budget,
    check_decider,
    check_new_budget,
    check_pending,
    subject_of,
    use_project,
)
from services.finance.domain.ledger import AccountType


def test_the_base_chart_has_every_type_and_the_listed_accounts():
    types = {a.type for a in chart.BASE.values()}
    assert types == set(AccountType)
    assert {"1001", "1002", "1009", "1122", "2241", "3001", "4101", "4102", "4103", "4104", "4105", "5101",
            "5201"} <= set(chart.BASE)
    assert chart.BASE["1001"].no_overdraft and chart.BASE["1002"].no_overdraft
    assert not chart.BASE["1002"].postable and not chart.BASE["5101"].postable  # headers only sum


@pytest.mark.parametrize("code, source, earmark, project, held", [
    ("1002:finance_bureau", "finance_bureau", "general", None, False),
    ("1002:donation:relief", "donation", "relief", None, False),
    ("1002:central_subsidy:project:P-1.a", "central_subsidy", "project", "P-1.a", False),
    ("1009:union_funds:project:P1", "union_funds", "project", "P1", True),
])
def test_fund_sub_accounts_are_derived_with_their_parent_flags(code, source, earmark, project, held):
    a = chart.derive(code)
    assert (a.fund_source, a.earmark, a.project_id, a.held) == (source, earmark, project, held)
    assert a.postable and a.no_overdraft and a.type == AccountType.ASSET and a.parent == code[:4]
    base = chart.fund_account(source, earmark, project) if not held else chart.held_account(source, earmark, project)
    assert base == code


def test_expense_sub_accounts_and_unknown_codes():
    assert chart.derive("5101:P1").project_id == "P1"
    assert chart.derive("5201:dibao").category == "dibao"
    assert chart.derive("4103").fund_source == "union_funds"
    for unknown in ("9999", "1001:x", "1002:nobody", "1002:donation:gift", "1002:donation:project",
                    "1002:donation:project:P1:x", "5101", "5101:P1:x", "5101:-x", "4101:x"):
        assert chart.derive(unknown) is None or not chart.derive(unknown).postable, unknown
    assert chart.derive("5101").postable is False
    with pytest.raises(ValueError):
        chart.fund_account("lottery")
    with pytest.raises(ValueError):
        chart.fund_account("donation", "project", None)


def test_maker_and_checker_are_two_people():
    assert subject_of("finance_officer:wang") == "wang" and subject_of("a:b:c") == "b:c"
    check_decider("finance_officer:wang", "finance_officer:li")
    with pytest.raises(SelfApproval, match="never approve") as err:
        check_decider("finance_officer:wang", "finance_officer:wang")
    assert err.value.field == "decided_by"
    with pytest.raises(SelfApproval):  # the same person with another role is still the same person
        check_decider("finance_officer:wang", "city_officer:wang")


def test_a_request_is_decided_once():
    check_pending("requested")
    for done in ("approved", "rejected"):
        with pytest.raises(AlreadyDecided, match=done):
            check_pending(done)


def test_earmarked_money_pays_its_own_project():
    assert use_project("P1", None) == "P1" and use_project("P1", "P1") == "P1" and use_project(None, "P2") == "P2"
    with pytest.raises(EarmarkMismatch, match="earmarked for project P1") as err:
        use_project("P1", "P2")
    assert err.value.field == "project_id"
    with pytest.raises(EarmarkMismatch):
        use_project(None, None)


def test_budgets_bound_what_is_approved_plus_held():
    check_budget("P1", 1_000, 600, 400)
    with pytest.raises(BudgetExceeded, match="4.00 元 left") as err:
        check_budget("P1", 1_000, 600, 401)
    assert err.value.field == "amount_fen"
    with pytest.raises(BudgetExceeded, match="no budget"):
        check_budget("P1", None, 0, 1)
    check_new_budget("P1", 600, 600)
    with pytest.raises(BudgetTooLow):
        check_new_budget("P1", 599, 600)
