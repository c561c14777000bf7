"""贷款 loan rules, beyond domain/test_fin_loans.py (issue 20): the product's checks at both
sides of every bound (rates 0 and 1, the subsidy share of exactly 1, terms 1 and 360, grace days
0 and 90), each refusal's exact message and field, and maker–checker's message and field.

(Started in the last minutes of the session: the survivors in settlement_amount, LoanState.paid
and LoanState.total, and the 303 mutants not yet run, are left for the next run.)

Equivalent mutants (scripts/mutate.py excludes them from the score): none.
"""
import pytest

from services.finance.domain.loans import LoanError, Method, Product, SelfApproval, check_approver

BASE = Product("ANJU-1", "0.0325", "0.3", 50_000_000, (60, 120, 240), Method.EQUAL_INSTALMENT, "0.05", 5)


def product(**change) -> Product:
    return Product(**{**BASE.__dict__, **change})


@pytest.mark.parametrize("change", [
    {"annual_rate": "0"}, {"penalty_rate": "0"}, {"subsidy_share": "0"}, {"subsidy_share": "1"},
    {"terms": (1,)}, {"terms": (360,)}, {"grace_days": 0}, {"grace_days": 90},
    {"allocation_order": ("principal", "interest", "penalty")},
])
def test_the_edges_that_are_allowed(change):
    product(**change).check()


@pytest.mark.parametrize("name", ["annual_rate", "penalty_rate"])
def test_a_rate_of_one_is_refused_but_the_subsidy_share_may_be_one(name):
    with pytest.raises(LoanError) as e:
        product(**{name: "1"}).check()
    said = f"{name} must be from 0 to below 1 (the share: to 1)"
    assert (e.value.field, e.value.message, str(e.value)) == (name, said, said)


def test_a_share_above_one_is_refused():
    with pytest.raises(LoanError) as e:
        product(subsidy_share="2").check()
    assert (e.value.field, e.value.message) == \
        ("subsidy_share", "subsidy_share must be from 0 to below 1 (the share: to 1)")


def test_a_rate_that_is_not_decimal_text_is_refused_by_name():
    with pytest.raises(LoanError) as e:
        product(annual_rate="three percent").check()
    assert (e.value.field, e.value.message) == ("annual_rate", "annual_rate must be exact decimal text such as 0.0325")


@pytest.mark.parametrize("terms", [(0,), (361,), (60, 361), ()])
def test_terms_out_of_range_are_refused(terms):
    with pytest.raises(LoanError) as e:
        product(terms=terms).check()
    assert (e.value.field, e.value.message) == ("terms", "terms are months from 1 to 360")


@pytest.mark.parametrize("days", [-1, 91])
def test_grace_days_out_of_range_are_refused(days):
    with pytest.raises(LoanError) as e:
        product(grace_days=days).check()
    assert (e.value.field, e.value.message) == ("grace_days", "grace days are 0 … 90")


def test_an_allocation_order_missing_a_part_is_refused():
    with pytest.raises(LoanError) as e:
        product(allocation_order=("penalty", "interest", "interest")).check()
    assert (e.value.field, e.value.message) == \
        ("allocation_order", "the allocation order names penalty, interest and principal once each")


def test_maker_checker_names_its_field_and_says_why():
    check_approver("officer-a", "officer-b")
    with pytest.raises(SelfApproval) as e:
        check_approver("officer-a", "officer-a")
    assert e.value.field == "approved_by"
    assert e.value.message == str(e.value) == ("maker–checker: the officer who took the application never "
                                               "approves it; another finance officer must")


def test_an_application_within_the_product_passes_and_one_outside_is_refused_by_field():
    BASE.check_application(50_000_000, 60)          # exactly the maximum, an offered term
    with pytest.raises(LoanError) as e:
        BASE.check_application(50_000_001, 60)
    assert (e.value.field, e.value.message) == ("amount_fen", "the product ANJU-1 lends at most 50000000 fen")
    with pytest.raises(LoanError) as e:
        BASE.check_application(1_000, 61)
    assert (e.value.field, e.value.message) == ("term_months", "the product ANJU-1 allows terms of 60, 120, 240 months")
