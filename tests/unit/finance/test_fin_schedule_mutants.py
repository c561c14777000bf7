"""还款计划 schedule rules, beyond domain/test_fin_schedule.py (issue 20): the edges of
``accrued_interest``'s guard, each checked against interest computed by hand
(principal × rate × days / 360, rounded half-up).

Equivalent mutants (scripts/mutate.py excludes them from the score):
- x_accrued_interest__mutmut_2: ``days < 0`` instead of ``days <= 0``: with zero days the
  formula gives principal × rate × 0 / 360 = 0, the same nought the guard returns.
- x_accrued_interest__mutmut_4: ``principal_fen < 0`` instead of ``<= 0``: a zero principal
  gives 0 × rate × days / 360 = 0 through the formula too.
- x_half_up__mutmut_13: ``x > 0`` for ``x >= 0``: at x = 0 the whole part is 0, and -0 is 0.
- x_fixed_payment__mutmut_25: ``last = None`` for ``False``: only tested for truth.
- x_fixed_payment__mutmut_27: ``part <= 0`` for ``< 0``: a part of 0 is set to the 0 it is.
- x_fixed_payment__mutmut_28: ``part < 1``: parts are whole fen, so below 1 is 0 or less, as above.
- x_fixed_principal__mutmut_36: ``part_fen > remaining`` for ``>=``: when the two are equal the
  instalment takes part_fen, which is the remaining it would have taken.

Also: every refusal of ``schedule`` in its words and field; a payment that exactly repays what
remains ends an ``up_to`` schedule there; a payment below the month's interest repays nothing
that month; a one-fen principal part makes as many months as the principal has fen.
"""
from fractions import Fraction

import pytest

from services.finance.domain.schedule import (
    MAX_TERM_MONTHS,
    ScheduleError,
    accrued_interest,
    fixed_payment,
    fixed_principal,
    prepay,
    schedule,
)


def test_negative_days_accrue_nothing_even_on_a_positive_principal():
    # 'or', not 'and': one non-positive side is enough; -5 days on 1 000 000 fen would
    # otherwise be 1_000_000 × 0.036 × -5 / 360 = -500 fen.
    assert accrued_interest(1_000_000, "0.036", -5) == 0


def test_one_day_accrues_a_days_interest():
    # 3 600 000 fen × 0.036 / 360 = 360 fen, exactly.
    assert accrued_interest(3_600_000, "0.036", 1) == 360


def test_a_one_fen_principal_still_accrues_over_a_long_time():
    # 1 fen × 0.036 × 36 000 days / 360 = 3.6 fen → 4 (half-up).
    assert accrued_interest(1, Fraction(36, 1000), 36_000) == 4


def test_a_negative_principal_accrues_nothing():
    assert accrued_interest(-1_000_000, "0.036", 30) == 0


@pytest.mark.parametrize(("args", "message", "field"), [
    ((0, "0.03", 12, "equal_payment"), "the principal must be a whole number of fen, at least 1", "amount_fen"),
    ((100, "0.03", 0, "equal_payment"), f"the term must be 1 … {MAX_TERM_MONTHS} months", "term_months"),
    ((100, "1", 12, "equal_payment"), "the annual rate must be from 0 to below 1", "annual_rate"),
])
def test_each_refusal_says_what_and_names_its_field(args, message, field):
    with pytest.raises(ScheduleError) as err:
        schedule(*args)
    assert (str(err.value), err.value.message, err.value.field) == (message, message, field)


def test_up_to_ends_where_a_payment_exactly_repays_what_remains():
    # 0 %: 300 fen at 100 a month is repaid by the third; no zero rows after it.
    rows = fixed_payment(300, Fraction(0), 100, Fraction(0), 1, 5, up_to=True)
    assert [(r.number, r.principal_fen, r.remaining_fen) for r in rows] == [(1, 100, 200), (2, 100, 100), (3, 100, 0)]


def test_a_payment_below_the_months_interest_repays_nothing_that_month():
    # 1 000 000 fen at 1 % a month: 10 000 fen interest > the 100 fen paid, so no principal is
    # repaid (never a negative part) until the last month takes it all.
    rows = fixed_payment(1_000_000, Fraction(1, 100), 100, Fraction(0), 1, 3)
    assert [(r.principal_fen, r.interest_fen, r.remaining_fen) for r in rows] == [
        (0, 10_000, 1_000_000), (0, 10_000, 1_000_000), (1_000_000, 10_000, 0)]


def test_a_one_fen_principal_part_takes_as_many_months_as_there_are_fen():
    rows = fixed_principal(3, Fraction(0), 1, Fraction(0), 1)
    assert [(r.number, r.principal_fen, r.remaining_fen) for r in rows] == [(1, 1, 2), (2, 1, 1), (3, 1, 0)]


def test_a_second_prepayment_after_the_same_instalment_starts_from_what_the_first_left():
    # 120000 fen over 3 months at 12 %: instalment 1 repays 39603, leaving 80397; 10000 prepaid,
    # then 20000 more before instalment 2 falls due: 50397 left for the two months still to come
    first = schedule(120_000, "0.12", 3, "equal_instalment")
    assert first[0].principal_fen == 39_603 and first[0].remaining_fen == 80_397
    once = prepay(first, 1, 10_000, "0.12", "equal_instalment", "same_term")
    twice = prepay(once, 1, 20_000, "0.12", "equal_instalment", "same_term")
    assert sum(i.principal_fen for i in once[1:]) == 70_397
    assert sum(i.principal_fen for i in twice[1:]) == 50_397 and twice[-1].remaining_fen == 0
    with pytest.raises(ScheduleError) as e:
        prepay(twice, 1, 50_397, "0.12", "equal_instalment", "same_term")
    assert "(50397 fen)" in e.value.message


def test_refusals_of_a_rate_and_a_share_in_words():
    from services.finance.domain.schedule import rate

    with pytest.raises(TypeError) as e:
        rate(0.12)
    assert str(e.value) == "a rate is exact: give decimal text, a Decimal or a Fraction, not a float"
    with pytest.raises(TypeError) as e:
        rate([1])
    assert str(e.value) == "not a rate: [1]"
    with pytest.raises(ScheduleError) as e:
        schedule(120_000, "0.12", 3, "equal_instalment", "1.5")
    assert (e.value.message, e.value.field) == ("the subsidy share must be from 0 to 1", "subsidy_share")


def test_without_a_subsidy_share_the_borrower_pays_all_the_interest():
    # 120000 fen at 12 % over 3 months, instalment 1: interest 1200, none of it the union's
    (first, *_) = schedule(120_000, "0.12", 3, "equal_instalment")
    assert (first.interest_fen, first.subsidy_fen, first.borrower_interest_fen) == (1200, 0, 1200)
