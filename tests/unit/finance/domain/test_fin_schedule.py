"""Loan schedules (还款计划) against tables computed independently of the code (the `decimal`
generator tests/unit/finance/schedule_expected.py, its output committed beside it) and examples
worked by hand, plus hypothesis properties."""

import json
import subprocess
import sys
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.finance.domain.schedule import (
    Bucket,
    Method,
    PrepaymentOption,
    ScheduleError,
    accrued_interest,
    ageing_bucket,
    half_up,
    level_payment,
    penalty_days,
    penalty_interest,
    prepay,
    rate,
    schedule,
    settlement_quote,
    split_interest,
)

HERE = Path(__file__).resolve().parents[1]
EXPECTED = json.loads((HERE / "schedule_expected.json").read_text())


def rows(instalments):
    return [[i.number, i.principal_fen, i.interest_fen, i.subsidy_fen, i.borrower_interest_fen, i.remaining_fen]
            for i in instalments]


def test_the_committed_table_is_what_the_generator_writes():
    out = subprocess.run([sys.executable, str(HERE / "schedule_expected.py")], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert json.loads(out) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED["cases"]))
def test_schedule_matches_the_independent_table(name):
    c = EXPECTED["cases"][name]
    got = schedule(c["principal_fen"], c["annual_rate"], c["months"], c["method"], c["subsidy_share"])
    assert rows(got) == c["rows"]


@pytest.mark.parametrize("name", sorted(EXPECTED["prepayments"]))
def test_prepayment_matches_the_independent_table(name):
    p = EXPECTED["prepayments"][name]
    c = EXPECTED["cases"][p["of"]]
    before = schedule(c["principal_fen"], c["annual_rate"], c["months"], c["method"], c["subsidy_share"])
    got = prepay(before, p["paid_through"], p["amount_fen"], c["annual_rate"], c["method"], p["option"],
                 c["subsidy_share"])
    assert rows(got) == p["rows"]


def test_equal_instalment_worked_by_hand():
    """1,200.00 元 at 12 % a year (1 % a month) over 3 months, the union paying 30 % of the interest.
    A = 120000 × 0.01 × 1.01³ / (1.01³ − 1) = 1200 × 1.030301 / 0.030301 = 40802.65… → 40803.
    1: interest 1200, principal 40803 − 1200 = 39603, left 80397; subsidy 360, borrower 840.
    2: interest 803.97 → 804, principal 39999, left 40398; subsidy 241.2 → 241, borrower 563.
    3: interest 403.98 → 404, principal = all that is left, 40398 (payment 40802: the last absorbs
       the rounding); subsidy 121.2 → 121, borrower 283."""
    got = schedule(120_000, "0.12", 3, Method.EQUAL_INSTALMENT, "0.3")
    assert rows(got) == [[1, 39603, 1200, 360, 840, 80397], [2, 39999, 804, 241, 563, 40398],
                         [3, 40398, 404, 121, 283, 0]]
    assert [i.payment_fen for i in got] == [40803, 40803, 40802]
    assert [i.borrower_due_fen for i in got] == [40443, 40562, 40681]


def test_equal_principal_worked_by_hand():
    """1,000.01 元 (100001 fen) at 12 % over 3 months: principal 100001 / 3 = 33333.67 → 33333 cut to
    the fen, the last takes 33335. Interest 1000.01 → 1000, 666.68 → 667, 333.35 → 333 (half-up);
    the union's 50 %: 500, 333.5 → 334 (borrower 333), 166.5 → 167 (borrower 166)."""
    got = schedule(100_001, "0.12", 3, Method.EQUAL_PRINCIPAL, "0.5")
    assert rows(got) == [[1, 33333, 1000, 500, 500, 66668], [2, 33333, 667, 334, 333, 33335],
                         [3, 33335, 333, 167, 166, 0]]


def test_prepayment_worked_by_hand():
    """The 1,200.00 元 loan above; after instalment 1 (80397 left) 30000 is prepaid: 50397 left.
    Same term (2 months): A = 50397 × 0.01 × 1.0201 / 0.0201 = 25576.99… → 25577; interest 503.97
    → 504, principal 25073, left 25324; last: interest 253.24 → 253, principal 25324.
    Shorter term (same 40803): interest 504, 40803 − 504 = 40299 ≥ 50397? no → principal 40299,
    left 10098; then interest 100.98 → 101 and 40803 − 101 ≥ 10098: the last, principal 10098."""
    base = schedule(120_000, "0.12", 3, Method.EQUAL_INSTALMENT)
    same = prepay(base, 1, 30_000, "0.12", Method.EQUAL_INSTALMENT, PrepaymentOption.SAME_TERM)
    assert rows(same)[1:] == [[2, 25073, 504, 0, 504, 25324], [3, 25324, 253, 0, 253, 0]]
    shorter = prepay(base, 1, 30_000, "0.12", Method.EQUAL_INSTALMENT, PrepaymentOption.SHORTER_TERM)
    assert rows(shorter)[1:] == [[2, 40299, 504, 0, 504, 10098], [3, 10098, 101, 0, 101, 0]]
    assert shorter[0] == base[0]


def test_shorter_term_ends_sooner():
    base = schedule(10_000_000, "0.0325", 120, Method.EQUAL_INSTALMENT, "0.3")
    after = prepay(base, 12, 3_000_000, "0.0325", Method.EQUAL_INSTALMENT, PrepaymentOption.SHORTER_TERM, "0.3")
    assert len(after) < len(base)
    assert all(i.payment_fen == base[12].payment_fen for i in after[12:-1])
    ep = schedule(10_000_000, "0.0325", 120, Method.EQUAL_PRINCIPAL)
    after = prepay(ep, 12, 3_000_000, "0.0325", Method.EQUAL_PRINCIPAL, PrepaymentOption.SHORTER_TERM)
    assert len(after) < len(ep) and after[-1].remaining_fen == 0
    assert all(i.principal_fen == ep[12].principal_fen for i in after[12:-1])


def test_a_prepayment_of_everything_or_nothing_is_refused():
    base = schedule(120_000, "0.12", 3, Method.EQUAL_INSTALMENT)
    for amount in (80_397, 90_000):
        with pytest.raises(ScheduleError) as e:
            prepay(base, 1, amount, "0.12", Method.EQUAL_INSTALMENT, PrepaymentOption.SAME_TERM)
        assert e.value.field == "amount_fen"
        assert e.value.message == str(e.value) == (
            "the prepayment must be less than the principal still owed (80397 fen); to repay it all, settle the loan")
    for amount in (0, -1, 1.0):
        with pytest.raises(ScheduleError) as e:
            prepay(base, 1, amount, "0.12", Method.EQUAL_INSTALMENT, PrepaymentOption.SAME_TERM)
        assert (e.value.field, e.value.message) == ("amount_fen",
                                                    "the prepayment must be a whole number of fen, at least 1")
    for through in (3, 4, -1):
        with pytest.raises(ScheduleError) as e:
            prepay(base, through, 1, "0.12", Method.EQUAL_INSTALMENT, PrepaymentOption.SAME_TERM)
        assert (e.value.field, e.value.message) == ("paid_through", "no instalment is left to recompute")


def test_prepaying_before_the_last_instalment_leaves_one_that_repays_the_rest():
    base = schedule(120_000, "0.12", 3, Method.EQUAL_INSTALMENT)
    got = prepay(base, 2, 10_000, "0.12", Method.EQUAL_INSTALMENT, PrepaymentOption.SHORTER_TERM)
    # 40398 − 10000 = 30398 left; interest 303.98 → 304
    assert rows(got)[2:] == [[3, 30_398, 304, 0, 304, 0]]


@pytest.mark.parametrize("args, field", [
    ((0, "0.03", 12), "amount_fen"), ((100, "0.03", 0), "term_months"), ((100, "0.03", 361), "term_months"),
    ((100, "-0.01", 12), "annual_rate"), ((100, "1", 12), "annual_rate"), ((1.5, "0.03", 12), "amount_fen"),
])
def test_bad_inputs_name_their_field(args, field):
    with pytest.raises(ScheduleError) as e:
        schedule(*args, Method.EQUAL_INSTALMENT)
    assert e.value.field == field
    with pytest.raises(ScheduleError) as e:
        schedule(100, "0.03", 12, Method.EQUAL_INSTALMENT, "1.01")
    assert e.value.field == "subsidy_share"


def test_rates_are_exact():
    assert rate("0.0325") == Fraction(13, 400)
    assert rate(Fraction(1, 3)) == Fraction(1, 3)
    with pytest.raises(TypeError):
        rate(0.0325)
    with pytest.raises(TypeError):
        rate(True)


@pytest.mark.parametrize("x, fen", [(Fraction(1, 2), 1), (Fraction(3, 2), 2), (Fraction(5, 2), 3),
                                    (Fraction(49, 100), 0), (Fraction(-1, 2), -1), (Fraction(-3, 2), -2),
                                    (Fraction(0), 0), (Fraction(251, 100), 3)])
def test_half_up(x, fen):
    assert half_up(x) == fen


def test_subsidy_split_sums_to_the_interest():
    assert split_interest(1015, Fraction(3, 10)) == (305, 710)    # 304.5 → 305
    assert split_interest(1, Fraction(1, 2)) == (1, 0)            # 0.5 → 1
    assert split_interest(1000, Fraction(0)) == (0, 1000)
    assert split_interest(1000, Fraction(1)) == (1000, 0)


def test_accrued_and_penalty_interest_worked_by_hand():
    """Daily rate = annual / 360. 100,000.00 元 at 3.6 % a year is 0.01 % a day:
    10,000,000 fen × 0.036 / 360 = 1000 fen a day; 15 days → 15000."""
    assert accrued_interest(10_000_000, "0.036", 15) == 15_000
    assert accrued_interest(10_000_000, "0.036", 0) == 0
    # Due 2026-03-10, grace 5 days: no penalty through 03-15; 03-16 is the first day counted.
    due = date(2026, 3, 10)
    assert penalty_days(due, 5, date(2026, 3, 15)) == 0
    assert penalty_days(due, 5, date(2026, 3, 16)) == 1
    assert penalty_days(due, 5, date(2026, 4, 14)) == 30
    # 5000.00 元 overdue at a penalty rate of 18 % a year: 500000 × 0.18 / 360 = 250 fen a day.
    assert penalty_interest(500_000, "0.18", due, 5, date(2026, 4, 14)) == 7_500
    assert penalty_interest(500_000, "0.18", due, 5, date(2026, 3, 12)) == 0
    # 333 fen at 10 %: 333 × 0.1 × 7 / 360 = 0.6475 → 1
    assert penalty_interest(333, "0.1", due, 0, date(2026, 3, 17)) == 1


def test_settlement_quote():
    """80397 fen left at 12 % with 30 % subsidy, 10 days after the last due date:
    80397 × 0.12 × 10 / 360 = 267.99 → 268; union 80.4 → 80, borrower 188."""
    q = settlement_quote(80_397, "0.12", "0.3", date(2026, 1, 1), date(2026, 1, 11), arrears_fen=50)
    assert (q.principal_fen, q.interest_fen, q.subsidy_fen, q.borrower_interest_fen) == (80_397, 268, 80, 188)
    assert q.total_fen == 80_397 + 188 + 50
    assert settlement_quote(80_397, "0.12", "0.3", date(2026, 1, 1), date(2026, 1, 11)).total_fen == 80_397 + 188


@pytest.mark.parametrize("days, bucket", [(-3, Bucket.CURRENT), (0, Bucket.CURRENT), (1, Bucket.D1_30),
                                          (30, Bucket.D1_30), (31, Bucket.D31_60), (60, Bucket.D31_60),
                                          (61, Bucket.D61_90), (90, Bucket.D61_90), (91, Bucket.D90_PLUS)])
def test_ageing_buckets(days, bucket):
    assert ageing_bucket(days) is bucket


def test_zero_rate_level_payment():
    assert level_payment(1_000_001, Fraction(0), 7) == 142_857


# -- properties --------------------------------------------------------------------------------

loans = st.tuples(
    st.integers(1, 10**10),
    st.sampled_from(["0", "0.0001", "0.0215", "0.0325", "0.049", "0.12", "0.36", "0.9"]),
    st.integers(1, 360),
    st.sampled_from(list(Method)),
    st.sampled_from(["0", "0.3", "0.5", "1", "0.333"]),
)


def check_schedule(principal, instalments):
    assert sum(i.principal_fen for i in instalments) == principal
    assert all(i.interest_fen >= 0 and i.principal_fen >= 0 for i in instalments)
    assert all(i.subsidy_fen + i.borrower_interest_fen == i.interest_fen for i in instalments)
    assert all(i.subsidy_fen >= 0 and i.borrower_interest_fen >= 0 for i in instalments)
    left = [i.remaining_fen for i in instalments]
    assert all(a >= b for a, b in zip(left, left[1:], strict=False))
    assert left[-1] == 0
    assert [i.number for i in instalments] == list(range(1, len(instalments) + 1))


@settings(max_examples=150, deadline=None)
@given(loans)
def test_any_schedule_sums_to_the_loan(loan):
    principal, annual, months, method, share = loan
    got = schedule(principal, annual, months, method, share)
    assert len(got) == months
    check_schedule(principal, got)


@settings(max_examples=150, deadline=None)
@given(loans, st.data())
def test_any_prepayment_keeps_the_properties(loan, data):
    principal, annual, months, method, share = loan
    base = schedule(principal, annual, months, method, share)
    k = data.draw(st.integers(0, months - 1))
    owed = base[k - 1].remaining_fen if k else principal
    if owed < 2:
        return
    amount = data.draw(st.integers(1, owed - 1))
    option = data.draw(st.sampled_from(list(PrepaymentOption)))
    got = prepay(base, k, amount, annual, method, option, share)
    assert got[:k] == base[:k]
    assert sum(i.principal_fen for i in got) == principal - amount
    assert all(i.interest_fen >= 0 and i.principal_fen >= 0 for i in got)
    assert got[-1].remaining_fen == 0
    assert len(got) <= months
    if option is PrepaymentOption.SAME_TERM:
        assert len(got) == months
    tail_left = [i.remaining_fen for i in got[k:]]
    assert all(a >= b for a, b in zip(tail_left, tail_left[1:], strict=False))
    assert tail_left[0] <= owed - amount
