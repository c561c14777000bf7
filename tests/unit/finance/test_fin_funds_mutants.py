"""资金 funds' rules in words and at their edges (issue 20), beyond domain/test_fin_chart_funds.py:
every refusal's exact message (what a 4xx shows) and field, the budget's arithmetic in its words
(left = budget − committed), a principal ref without a role, the project id pattern's bounds, the
source labels shown to the public.

Equivalent mutants (scripts/mutate.py excludes them from the score): none.
"""
import re

import pytest

from services.finance.domain import funds as f


def test_maker_checker_words():
    with pytest.raises(f.SelfApproval) as err:
        f.check_decider("wang", "finance_officer:wang")
    assert err.value.message == ("the requester of a disbursement can never approve or reject it; another finance "
                                 "officer must decide (maker–checker)")
    assert f.subject_of("wang") == "wang" and f.subject_of(":wang") == "wang"


def test_already_decided_words():
    with pytest.raises(f.AlreadyDecided) as err:
        f.check_pending("approved")
    assert (err.value.message, err.value.field) == ("this request is already approved", "status")


def test_earmark_words():
    with pytest.raises(f.EarmarkMismatch) as err:
        f.use_project(None, None)
    assert (err.value.message, err.value.field) == ("name the project the disbursement pays (project_id)", "project_id")
    with pytest.raises(f.EarmarkMismatch) as err:
        f.use_project("", "")
    assert err.value.field == "project_id"
    with pytest.raises(f.EarmarkMismatch) as err:
        f.use_project("P1", "P2")
    assert err.value.message == "this money is earmarked for project P1; it cannot pay project P2"
    assert f.use_project("", "P2") == "P2"  # an empty earmark is no earmark


def test_budget_words_and_arithmetic():
    with pytest.raises(f.BudgetExceeded) as err:
        f.check_budget("P1", None, 0, 1)
    assert (err.value.message, err.value.field) == (
        "project P1 has no budget; set one (PUT /projects/P1/budget) before disbursing", "project_id")
    with pytest.raises(f.BudgetExceeded) as err:
        f.check_budget("P1", 100_000, 25_050, 75_000)
    assert err.value.message == "project P1's budget 1,000.00 元 has 749.50 元 left; 750.00 元 requested"
    assert err.value.field == "amount_fen"
    f.check_budget("P1", 0, 0, 0)  # nothing asked of a zero budget fits
    with pytest.raises(f.BudgetTooLow) as err:
        f.check_new_budget("P1", 0, 1)
    assert (err.value.message, err.value.field) == (
        "project P1 already has 0.01 元 disbursed or held; its budget cannot be lower", "amount_fen")


def test_a_funds_error_without_a_field():
    e = f.FundsError("m")
    assert (e.message, e.field, str(e)) == ("m", None, "m")


def test_the_project_id_pattern_bounds():
    full = re.compile(f.PROJECT_ID.pattern + r"\Z")
    assert full.match("P") and full.match("a" * 40) and full.match("P-1_a.b")
    assert not full.match("a" * 41) and not full.match("-P") and not full.match("P 1") and not full.match("")


def test_sources_labels_and_statuses():
    assert {s.value: f.SOURCE_LABELS[s] for s in f.FundSource} == {
        "finance_bureau": "财政资金", "central_subsidy": "中央专项补助", "union_funds": "工会经费",
        "social_capital": "社会资本", "donation": "社会捐助"}
    assert f.EARMARKS == ("general", "project", "relief")
    assert [s.value for s in f.DisbursementStatus] == ["requested", "approved", "rejected"]
