"""还款计划 schedule rules, beyond domain/test_fin_schedule.py (issue 20): the edges of
``accrued_interest``'s guard, each checked against interest computed by hand
(principal × rate × days / 360, rounded half-up).

Equivalent mutants (scripts/mutate.py excludes them from the score):
- x_accrued_interest__mutmut_2: ``days < 0`` instead of ``days <= 0``: with zero days the
  formula gives principal × rate × 0 / 360 = 0, the same nought the guard returns.
- x_accrued_interest__mutmut_4: ``principal_fen < 0`` instead of ``<= 0``: a zero principal
  gives 0 × rate × days / 360 = 0 through the formula too.
"""
from fractions import Fraction

from services.finance.domain.schedule import accrued_interest


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
