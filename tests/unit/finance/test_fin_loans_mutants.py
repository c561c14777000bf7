"""贷款 loan rules, beyond domain/test_fin_loans.py (issue 20): the product's checks at both
sides of every bound (rates 0 and 1, the subsidy share of exactly 1, terms 1 and 360, grace days
0 and 90), each refusal's exact message and field, and maker–checker's message and field.

The settlement quote (before the first due date, with arrears and penalty, with credit and never
below zero), LoanState.total/paid per part, penalties over stretches and single-fen payments, and
replay's refusals (exact message and field), prepayments in two periods and a settlement with arrears
are worked by hand below.

Equivalent mutants (scripts/mutate.py excludes them from the score):
- x__accrue_penalties__mutmut_11: ``day >= start`` for ``>``: on ``day == start`` the stretch is 0
  days, accrued_interest gives 0, and accrued_to set to that day leaves the next start unchanged.
- x__accrue_penalties__mutmut_16: ``unpaid >= 0`` for ``> 0``: on no unpaid principal
  accrued_interest gives 0 (schedule's own rule), so nothing is added.
- x__pay__mutmut_7: ``take >= 0`` for ``> 0``: a take of 0 adds 0 to paid and takes 0 from amount.
- x_replay__mutmut_119: ``prepaid`` → None in the state built to quote a settlement: that state is
  read only by settlement_amount and for its principal_left_fen, neither of which reads
  prepaid_fen, and is then dropped (the returned state is built afresh from ``prepaid``).
- x_replay__mutmut_120: ``received`` → None in the same state: neither reads received_fen either.
"""
from datetime import date

import pytest

from services.finance.domain.loans import (
    LoanError,
    Method,
    Product,
    SelfApproval,
    Terms,
    Tx,
    TxKind,
    check_approver,
    replay,
    settlement_amount,
)
from services.finance.domain.schedule import PrepaymentOption

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


# -- settlement_amount and LoanState's totals, worked by hand -------------------------------------------
# 1,200.00 元 at 12 % over 3 months, union pays 30 % of the interest; penalty 18 % a year, 5 days' grace
# (domain/test_fin_loans.py's loan): instalment 1 due 02-28 is principal 39603 + borrower's interest 840
# (union 360), 80397 of principal is then not yet due.
TERMS = Terms(120_000, "0.12", "0.3", 3, Method.EQUAL_INSTALMENT, "0.18", 5, date(2026, 1, 31))


def test_settling_before_the_first_due_date_counts_from_disbursement():
    # 120000 × 0.12 × 10 / 360 = 400 (01-31 → 02-10); union 30 % = 120, borrower 280
    assert settlement_amount(TERMS, replay(TERMS, [], date(2026, 2, 10))) == (120_280, 400, 120)


def test_settling_with_arrears_takes_them_and_their_penalty():
    # instalment 1 unpaid: 40443 + penalty 03-06 … 03-10 (5 days) 39603 × 0.18 × 5 / 360 = 99.0075 → 99;
    # not due 80397 × 0.12 × 10 / 360 (02-28 → 03-10) = 267.99 → 268, union 80.4 → 80, borrower 188
    assert settlement_amount(TERMS, replay(TERMS, [], date(2026, 3, 10))) == (40_443 + 99 + 80_397 + 188, 268, 80)


def test_credit_held_lowers_the_settlement_and_never_below_zero():
    # 50000 on 03-05 pays instalment 1 (40443), 9557 kept as credit; 80397 × 0.12 × 5 / 360 = 133.995 → 134,
    # union 40.2 → 40, borrower 94: 80397 + 94 − 9557
    s = replay(TERMS, [Tx("a", date(2026, 3, 5), TxKind.REPAYMENT, 50_000)], date(2026, 3, 5))
    assert s.credit_fen == 9_557 and settlement_amount(TERMS, s) == (70_934, 134, 40)
    # more credit than all that is left: nothing to pay, not a negative amount
    s = replay(TERMS, [Tx("a", date(2026, 2, 28), TxKind.REPAYMENT, 200_000)], date(2026, 2, 28))
    assert s.credit_fen == 159_557 and settlement_amount(TERMS, s) == (0, 0, 0)


def test_charged_and_paid_per_part_with_a_prepayment_and_a_penalty():
    txs = [Tx("a", date(2026, 2, 28), TxKind.REPAYMENT, 40_443),
           Tx("b", date(2026, 2, 28), TxKind.PREPAYMENT, 30_000, PrepaymentOption.SAME_TERM),
           Tx("c", date(2026, 3, 31), TxKind.REPAYMENT, 25_073 + 353)]
    s = replay(TERMS, txs, date(2026, 4, 10))
    # charged over the two dues: principal 39603 + 25073, borrower's interest 840 + 353, union 360 + 151
    assert [s.total(w) for w in ("principal", "interest", "subsidy", "penalty")] == [64_676, 1_193, 511, 0]
    # paid: the prepaid 30000 counts as principal paid, and only there
    assert s.prepaid_fen == 30_000
    assert [s.paid(p) for p in ("principal", "interest", "penalty")] == [64_676 + 30_000, 1_193, 0]
    # late: 20000 on 03-15 pays penalty 198, interest 840, principal 18962 (allocation order)
    late = replay(TERMS, [Tx("a", date(2026, 3, 15), TxKind.REPAYMENT, 20_000)], date(2026, 3, 15))
    assert [late.total(w) for w in ("principal", "interest", "subsidy", "penalty")] == [39_603, 840, 360, 198]
    assert [late.paid(p) for p in ("principal", "interest", "penalty")] == [18_962, 840, 198]


def test_penalty_adds_up_over_stretches_split_by_a_repayment():
    # instalment 1 unpaid; 100 fen on 03-10 pays the 99 of penalty for 03-06 … 03-10 (39603 × 0.18 × 5 / 360
    # = 99.0075 → 99) and 1 fen of interest, principal untouched, so 03-11 … 03-15 adds 99 again: 198 in all
    s = replay(TERMS, [Tx("a", date(2026, 3, 10), TxKind.REPAYMENT, 100)], date(2026, 3, 15))
    assert s.dues[0].penalty_fen == 198 and s.dues[0].paid == {"penalty": 99, "interest": 1, "principal": 0}


def test_a_single_fen_is_applied():
    s = replay(TERMS, [Tx("a", date(2026, 2, 28), TxKind.REPAYMENT, 1)], date(2026, 2, 28))
    assert s.dues[0].paid == {"penalty": 0, "interest": 1, "principal": 0} and s.credit_fen == 0
    # one fen over instalment 1 (40443 + penalty 03-06 … 03-31, 39603 × 0.18 × 26 / 360 = 514.84 → 515)
    # goes on to instalment 2, due the same day, not into credit
    s = replay(TERMS, [Tx("a", date(2026, 3, 31), TxKind.REPAYMENT, 40_443 + 515 + 1)], date(2026, 3, 31))
    assert s.dues[0].penalty_fen == 515 and s.dues[1].paid["interest"] == 1 and s.credit_fen == 0


def test_one_fen_of_unpaid_principal_still_carries_penalty():
    # interest-free, one month, no grace: 99999 of the 100000 paid on the due date 02-28 leaves 1 fen of
    # principal; 1 × 0.18 × 1000 / 360 = 0.5 → 1 fen after 1000 days, 0.4995 → 0 after 999
    terms = Terms(100_000, "0", "0", 1, Method.EQUAL_INSTALMENT, "0.18", 0, date(2026, 1, 31))
    paid = [Tx("a", date(2026, 2, 28), TxKind.REPAYMENT, 99_999)]
    assert replay(terms, paid, date(2028, 11, 24)).dues[0].penalty_fen == 1    # 02-28 + 1000 days
    assert replay(terms, paid, date(2028, 11, 23)).dues[0].penalty_fen == 0


# -- replay's refusals: the message is what the finance officer reads, the field what the form marks ----

def refusal(txs, as_of) -> tuple[str, str | None]:
    with pytest.raises(LoanError) as e:
        replay(TERMS, txs, as_of)
    assert str(e.value) == e.value.message
    return e.value.message, e.value.field


ON_TIME = [Tx("a", date(2026, 2, 28), TxKind.REPAYMENT, 40_443), Tx("b", date(2026, 3, 31), TxKind.REPAYMENT, 40_562),
           Tx("c", date(2026, 4, 30), TxKind.REPAYMENT, 40_681)]


def test_nothing_is_taken_after_the_settlement():
    settle = Tx("s", date(2026, 2, 10), TxKind.SETTLEMENT, 120_280)   # see the quote on 02-10 above
    assert refusal([settle, Tx("r", date(2026, 2, 11), TxKind.REPAYMENT, 1)], date(2026, 2, 11)) == \
        ("the loan was settled on 2026-02-10; nothing is taken after it", "on")


def test_a_prepayment_with_arrears_is_refused_with_why():
    # instalment 1 (40443, due 02-28) unpaid on 03-01
    assert refusal([Tx("p", date(2026, 3, 1), TxKind.PREPAYMENT, 1_000)], date(2026, 3, 1)) == \
        ("pay what is due first: a prepayment is taken with nothing in arrears", "amount_fen")


def test_a_prepayment_once_every_instalment_fell_due_is_refused_with_why():
    assert refusal([*ON_TIME, Tx("p", date(2026, 5, 1), TxKind.PREPAYMENT, 1_000)], date(2026, 5, 1)) == \
        ("every instalment has fallen due: repay, do not prepay", "amount_fen")


def test_a_prepayment_of_all_the_principal_is_refused_with_the_schedules_words():
    # before the first due date all 120000 is owed: 119999 is a prepayment, 120000 a settlement
    s = replay(TERMS, [Tx("p", date(2026, 2, 1), TxKind.PREPAYMENT, 119_999)], date(2026, 2, 1))
    assert s.prepaid_fen == 119_999 and s.principal_left_fen == 1
    assert refusal([Tx("p", date(2026, 2, 1), TxKind.PREPAYMENT, 120_000)], date(2026, 2, 1)) == \
        ("the prepayment must be less than the principal still owed (120000 fen); to repay it all, settle the loan",
         "amount_fen")


def test_a_settlement_short_of_the_quote_is_refused_with_the_quote():
    # the quote on 02-10 is 120280 (test_settling_before_the_first_due_date_counts_from_disbursement)
    assert refusal([Tx("s", date(2026, 2, 10), TxKind.SETTLEMENT, 120_279)], date(2026, 2, 10)) == \
        ("settling on 2026-02-10 takes 120280 fen", "amount_fen")


# -- what replay builds -----------------------------------------------------------------------------------

def test_each_due_carries_its_instalment_number():
    assert [d.number for d in replay(TERMS, [], date(2026, 4, 30)).dues] == [1, 2, 3]


def test_prepayments_in_two_periods_add_up():
    # after instalment 1, 30000 prepaid (same term): 25073 / 25324, borrower's interest 353 / 177
    # (domain/test_fin_loans.py); after instalment 2, 10000 more: 15324 over the last month,
    # interest 15324 × 0.01 = 153.24 → 153, union 45.9 → 46, borrower 107
    txs = [Tx("a", date(2026, 2, 28), TxKind.REPAYMENT, 40_443),
           Tx("b", date(2026, 2, 28), TxKind.PREPAYMENT, 30_000, PrepaymentOption.SAME_TERM),
           Tx("c", date(2026, 3, 31), TxKind.REPAYMENT, 25_073 + 353),
           Tx("d", date(2026, 3, 31), TxKind.PREPAYMENT, 10_000, PrepaymentOption.SAME_TERM)]
    s = replay(TERMS, txs, date(2026, 3, 31))
    assert s.prepaid_fen == 40_000 and s.credit_fen == 0
    assert s.instalments[2] == (3, 15_324, 153, 46, 107, 0)
    assert s.principal_left_fen == 15_324 and s.paid("principal") == 39_603 + 25_073 + 40_000


def test_a_settlement_with_arrears_closes_the_loan_with_one_last_instalment():
    # on 03-10 with instalment 1 unpaid (test_settling_with_arrears_takes_them_and_their_penalty):
    # 40443 + penalty 99 + not due 80397 + the borrower's 188 of 268 (union 80) = 121127
    s = replay(TERMS, [Tx("s", date(2026, 3, 10), TxKind.SETTLEMENT, 121_127)], date(2026, 3, 10))
    assert s.settled_on == date(2026, 3, 10) and s.credit_fen == 0
    # the last instalment: number 2, the principal not yet due, the interest accrued and its split, nothing after
    assert s.instalments[1] == (2, 80_397, 268, 80, 188, 0) and len(s.instalments) == 2
    last = s.dues[1]
    assert (last.number, last.due_on, last.principal_fen, last.interest_fen, last.subsidy_fen) == \
        (2, date(2026, 3, 10), 80_397, 188, 80)
    assert last.paid == {"penalty": 0, "interest": 188, "principal": 80_397}
    assert s.dues[0].paid == {"penalty": 99, "interest": 840, "principal": 39_603}
    assert s.principal_left_fen == 0 and s.arrears_fen == 0 and s.paid("principal") == 120_000


def test_two_prepayments_in_one_month_both_lower_the_principal():
    # instalment 1 repays 39603 of 120000: 80397 left; 10000 then 20000 prepaid before instalment 2
    # leave 50397, which the two instalments left repay (before the fix the second prepayment was
    # taken from 80397 again: 60397 left, 10000 fen of principal charged twice)
    txs = [Tx("a", date(2026, 2, 28), TxKind.REPAYMENT, 40_443),
           Tx("b", date(2026, 2, 28), TxKind.PREPAYMENT, 10_000, PrepaymentOption.SAME_TERM),
           Tx("c", date(2026, 3, 1), TxKind.PREPAYMENT, 20_000, PrepaymentOption.SAME_TERM)]
    s = replay(TERMS, txs, date(2026, 3, 1))
    assert s.prepaid_fen == 30_000
    assert s.principal_left_fen == 50_397
    assert sum(i.principal_fen for i in s.instalments[1:]) == 50_397
    assert sum(i.principal_fen for i in s.instalments) + 30_000 == 120_000
