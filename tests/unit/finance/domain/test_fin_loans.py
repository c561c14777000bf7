"""The loan replayed from its transactions: due instalments, repayment allocation order, credit,
penalty after grace, prepayment, settlement — worked by hand — and any entry order gives the
same state (a backdated repayment reprocesses the loan)."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.finance.domain.loans import (
    LoanError,
    Product,
    SelfApproval,
    Terms,
    Tx,
    TxKind,
    add_months,
    check_approver,
    replay,
    settlement_amount,
)
from services.finance.domain.schedule import Method, PrepaymentOption

# 1,200.00 元 at 12 % over 3 months, union pays 30 % of the interest; penalty 18 % a year, 5 days' grace.
# Schedule (test_fin_schedule): principal 39603 / 39999 / 40398, interest 1200 / 804 / 404,
# borrower's interest 840 / 563 / 283 → the borrower owes 40443, 40562, 40681.
TERMS = Terms(120_000, "0.12", "0.3", 3, Method.EQUAL_INSTALMENT, "0.18", 5, date(2026, 1, 31))


def test_due_dates_clamp_to_the_month_end():
    assert [add_months(date(2026, 1, 31), n) for n in (1, 2, 3, 13)] == [
        date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2027, 2, 28)]


def test_paid_on_time_no_penalty_and_the_subsidy_is_not_owed():
    txs = [Tx("a", date(2026, 2, 28), TxKind.REPAYMENT, 40_443), Tx("b", date(2026, 3, 31), TxKind.REPAYMENT, 40_562),
           Tx("c", date(2026, 4, 30), TxKind.REPAYMENT, 40_681)]
    s = replay(TERMS, txs, date(2026, 5, 1))
    assert s.arrears_fen == 0 and s.principal_left_fen == 0 and s.credit_fen == 0
    assert (s.total("interest"), s.total("subsidy"), s.total("penalty")) == (840 + 563 + 283, 360 + 241 + 121, 0)
    assert s.paid("principal") == 120_000


def test_late_payment_penalty_from_the_day_after_grace_and_allocation_order():
    """Instalment 1 (due 02-28) unpaid; grace 5 days → penalty from 03-06. On 03-15 (10 days:
    03-06 … 03-15): 39603 × 0.18 × 10 / 360 = 198.015 → 198. 20000 paid on 03-15 goes penalty 198
    → interest 840 → principal 18962."""
    s = replay(TERMS, [Tx("a", date(2026, 3, 15), TxKind.REPAYMENT, 20_000)], date(2026, 3, 15))
    [d] = s.dues
    assert d.penalty_fen == 198
    assert d.paid == {"penalty": 198, "interest": 840, "principal": 18_962}
    assert s.days_overdue == 15 and s.bucket.value == "1-30"
    # principal first (a product may order it so): the penalty is paid last
    other = Terms(**{**TERMS.__dict__, "allocation_order": ("principal", "interest", "penalty")})
    s = replay(other, [Tx("a", date(2026, 3, 15), TxKind.REPAYMENT, 40_000)], date(2026, 3, 15))
    assert s.dues[0].paid == {"principal": 39_603, "interest": 397, "penalty": 0}
    # penalty then keeps accruing on no principal: nothing more
    assert replay(other, [Tx("a", date(2026, 3, 15), TxKind.REPAYMENT, 40_000)], date(2026, 3, 25)).dues[0] \
        .penalty_fen == 198


def test_within_grace_no_penalty_and_overpayment_is_credit():
    s = replay(TERMS, [Tx("a", date(2026, 3, 5), TxKind.REPAYMENT, 50_000)], date(2026, 3, 5))
    assert s.dues[0].penalty_fen == 0 and s.credit_fen == 50_000 - 40_443
    s = replay(TERMS, [Tx("a", date(2026, 3, 5), TxKind.REPAYMENT, 50_000)], date(2026, 3, 31))
    assert s.dues[1].paid["principal"] + s.dues[1].paid["interest"] == 50_000 - 40_443  # credit paid the next


def test_prepayment_and_settlement_worked_by_hand():
    """After instalment 1, 30000 prepaid (same term): 50397 left over 2 months (schedule test:
    principal 25073 / 25324, interest 504 / 253 → borrower 353 / 177 with 30 %: 504 × 0.3 = 151.2 → 151,
    253 × 0.3 = 75.9 → 76). Settled on 04-10 instead of paying instalment 3: not due 25324; accrued
    25324 × 0.12 × 10 / 360 = 84.41 → 84, union 25.2 → 25, borrower 59: 25324 + 59 = 25383."""
    txs = [Tx("a", date(2026, 2, 28), TxKind.REPAYMENT, 40_443),
           Tx("b", date(2026, 2, 28), TxKind.PREPAYMENT, 30_000, PrepaymentOption.SAME_TERM),
           Tx("c", date(2026, 3, 31), TxKind.REPAYMENT, 25_073 + 353)]
    s = replay(TERMS, txs, date(2026, 4, 10))
    assert [i.principal_fen for i in s.instalments] == [39_603, 25_073, 25_324]
    assert s.arrears_fen == 0 and s.principal_left_fen == 25_324
    total, interest, subsidy = settlement_amount(TERMS, s)
    assert (total, interest, subsidy) == (25_383, 84, 25)
    with pytest.raises(LoanError):
        replay(TERMS, [*txs, Tx("d", date(2026, 4, 10), TxKind.SETTLEMENT, 25_382)], date(2026, 4, 10))
    done = replay(TERMS, [*txs, Tx("d", date(2026, 4, 10), TxKind.SETTLEMENT, 25_383)], date(2026, 6, 1))
    assert done.settled_on == date(2026, 4, 10) and done.principal_left_fen == 0 and done.arrears_fen == 0
    assert done.paid("principal") == 120_000
    with pytest.raises(LoanError) as e:
        replay(TERMS, [*txs, Tx("d", date(2026, 4, 10), TxKind.SETTLEMENT, 25_383),
                       Tx("e", date(2026, 4, 11), TxKind.REPAYMENT, 1)], date(2026, 6, 1))
    assert e.value.field == "on"


def test_prepayment_with_arrears_or_too_large_is_refused():
    with pytest.raises(LoanError) as e:
        replay(TERMS, [Tx("b", date(2026, 3, 1), TxKind.PREPAYMENT, 1_000)], date(2026, 3, 1))
    assert e.value.field == "amount_fen"
    with pytest.raises(LoanError):
        replay(TERMS, [Tx("b", date(2026, 2, 1), TxKind.PREPAYMENT, 120_000)], date(2026, 3, 1))


def test_products_and_maker_checker():
    p = Product("ANJU-1", "0.0325", "0.3", 50_000_000, (60, 120, 240), Method.EQUAL_INSTALMENT, "0.05", 5)
    p.check()
    with pytest.raises(LoanError) as e:
        p.check_application(50_000_001, 120)
    assert e.value.field == "amount_fen"
    with pytest.raises(LoanError) as e:
        p.check_application(1_000, 13)
    assert e.value.field == "term_months"
    for bad, field in ((dict(annual_rate="abc"), "annual_rate"), (dict(annual_rate="1.5"), "annual_rate"),
                       (dict(terms=()), "terms"), (dict(allocation_order=("principal",)), "allocation_order"),
                       (dict(grace_days=-1), "grace_days")):
        with pytest.raises(LoanError) as e:
            Product(**{**p.__dict__, **bad}).check()
        assert e.value.field == field
    with pytest.raises(SelfApproval):
        check_approver("wang", "wang")
    check_approver("wang", "li")


repayments = st.lists(st.tuples(st.integers(0, 150), st.integers(1, 60_000)), min_size=1, max_size=7)


@settings(max_examples=150, deadline=None)
@given(repayments, st.randoms(use_true_random=False), st.integers(0, 200))
def test_any_entry_order_gives_the_same_loan(pays, rnd, as_of_days):
    start = date(2026, 1, 31)
    txs = [Tx(f"t{n}", date.fromordinal(start.toordinal() + d), TxKind.REPAYMENT, fen)
           for n, (d, fen) in enumerate(pays)]
    shuffled = list(txs)
    rnd.shuffle(shuffled)
    as_of = date.fromordinal(start.toordinal() + as_of_days)
    a, b = replay(TERMS, txs, as_of), replay(TERMS, shuffled, as_of)
    assert a == b
    assert a.paid("principal") <= 120_000 and a.credit_fen >= 0
    assert all(d.penalty_fen >= 0 and all(v >= 0 for v in d.paid.values()) for d in a.dues)
    assert a.received_fen == a.credit_fen + sum(a.paid(p) for p in ("principal", "interest", "penalty"))
