"""租金 rent rules, beyond domain/test_fin_rent.py (issue 20): arrears ageing at its edges
(an invoice absent from the allocation, one fen unpaid, due today, one day late, two invoices in
one bucket, an invoice not yet due before an overdue one), the billing-month helpers and the
refusal's fields. Every expected figure below is worked by hand in the comment beside it.

Also the month's charge in full (a one-day tenancy, no reduction by default, every field) and
the day each invoice was paid off (an exact payment, a payment one fen short then the last fen,
the second month measured against both months' rent, a wholly reduced month).

Equivalent mutants (scripts/mutate.py excludes them from the score):
- x_prorate__mutmut_1: `days > days_in_month` for `>=`: at days == days_in_month the fraction is
  monthly × d / d, which half_up returns unchanged.
- x_allocate__mutmut_19: `running` made of `(day, 1)` for `(day, 0)`: the loop below overwrites
  every element before it is read.
- x_allocate__mutmut_38: `(take == inv.amount_fen) or True`: an invoice is short only when the
  payments ran out, so no running total reaches what it needs and the search answers None, as
  the else branch does.
"""
from datetime import date

import pytest

from services.finance.domain.rent import (
    Allocation,
    Charge,
    Invoice,
    Payment,
    RentError,
    allocate,
    arrears,
    billing_months,
    charge_for,
    day_before,
    last_day_of,
    months_between,
)

TODAY = date(2026, 6, 15)


def nothing_paid(paid=None):
    return Allocation(paid=paid or {}, paid_off_on={}, invoiced_fen=0, paid_fen=0)


def test_an_invoice_missing_from_the_allocation_counts_as_wholly_unpaid():
    # 1 000 fen due 2026-06-05: 10 days late, bucket 1-30, nothing recorded as paid.
    a = arrears([Invoice("i1", "2026-06", 1_000, date(2026, 6, 5))], nothing_paid(), TODAY)
    assert (a.owed_fen, a.overdue_fen, a.days_overdue, a.oldest_month) == (1_000, 1_000, 10, "2026-06")
    assert a.buckets == {"1-30": 1_000, "31-60": 0, "61-90": 0, "90+": 0}


def test_one_fen_unpaid_is_still_owed():
    a = arrears([Invoice("i1", "2026-06", 1_000, date(2026, 6, 5))], nothing_paid({"i1": 999}), TODAY)
    assert (a.owed_fen, a.overdue_fen, a.buckets["1-30"]) == (1, 1, 1)


def test_owed_and_each_bucket_add_up_over_invoices():
    # May: 500 due 05-20 (26 days, 1-30); June: 700 due 06-01 (14 days, 1-30); July: 300 not due.
    invoices = [Invoice("i5", "2026-05", 500, date(2026, 5, 20)), Invoice("i6", "2026-06", 700, date(2026, 6, 1)),
                Invoice("i7", "2026-07", 300, date(2026, 7, 1))]
    a = arrears(invoices, nothing_paid(), TODAY)
    assert a.owed_fen == 1_500          # 500 + 700 + 300
    assert a.overdue_fen == 1_200       # 500 + 700
    assert a.buckets["1-30"] == 1_200
    assert (a.days_overdue, a.oldest_month) == (26, "2026-05")


def test_due_today_is_owed_but_not_overdue_and_one_day_late_is():
    due_today = arrears([Invoice("i1", "2026-06", 800, TODAY)], nothing_paid(), TODAY)
    assert (due_today.owed_fen, due_today.overdue_fen, due_today.days_overdue, due_today.oldest_month) == \
        (800, 0, 0, None)
    assert sum(due_today.buckets.values()) == 0
    one_late = arrears([Invoice("i1", "2026-06", 800, date(2026, 6, 14))], nothing_paid(), TODAY)
    assert (one_late.overdue_fen, one_late.days_overdue, one_late.buckets["1-30"]) == (800, 1, 800)


def test_an_invoice_not_yet_due_does_not_hide_a_later_overdue_one():
    # Same month, key order a < b: 'a' falls due next month, 'b' was due 40 days ago (31-60).
    invoices = [Invoice("a", "2026-06", 200, date(2026, 7, 1)), Invoice("b", "2026-06", 300, date(2026, 5, 6))]
    a = arrears(invoices, nothing_paid(), TODAY)
    assert (a.owed_fen, a.overdue_fen, a.days_overdue) == (500, 300, 40)
    assert a.buckets["31-60"] == 300


def test_billing_months_run_from_the_start_month_through_the_given_day():
    assert billing_months(date(2025, 11, 20), date(2026, 2, 3)) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert months_between("2026-01", "2026-03") == ["2026-01", "2026-02", "2026-03"]


def test_last_day_billed_is_the_earlier_of_the_contract_end_and_the_move_out():
    end = date(2027, 6, 30)
    assert last_day_of(end, None) == end
    assert last_day_of(end, date(2026, 9, 14)) == date(2026, 9, 14)
    assert last_day_of(end, date(2028, 1, 1)) == end


def test_day_before():
    assert day_before(date(2026, 3, 1)) == date(2026, 2, 28)


def test_a_refusal_carries_its_message_and_field():
    e = RentError("rent must be positive", "rent_fen")
    assert (str(e), e.message, e.field) == ("rent must be positive", "rent must be positive", "rent_fen")
    with pytest.raises(RentError):
        raise e


def test_a_tenancy_of_one_day_is_charged_that_day():
    # June has 30 days; 3 000 fen a month for 1 day = 100 fen; due on its own day (after the 5th).
    assert charge_for("2026-06", date(2026, 6, 20), date(2026, 6, 20), 3_000) == Charge(
        "2026-06", date(2026, 6, 20), date(2026, 6, 20), 1, 30, 100, 0, date(2026, 6, 20))


def test_a_charge_names_its_month_and_period_and_has_no_reduction_unless_given():
    c = charge_for("2026-02", date(2025, 1, 1), date(2030, 1, 1), 2_800)
    assert (c.month, c.period_start, c.period_end, c.days, c.days_in_month) == (
        "2026-02", date(2026, 2, 1), date(2026, 2, 28), 28, 28)
    assert (c.gross_fen, c.reduction_fen, c.amount_fen) == (2_800, 0, 2_800)
    explicit = charge_for("2026-02", date(2025, 1, 1), date(2030, 1, 1), 2_800, 0)
    assert (explicit.reduction_fen, explicit.amount_fen) == (0, 2_800)
    # a negative reduction counts as none; a reduction above the rent takes the rent to 0
    assert charge_for("2026-02", date(2025, 1, 1), date(2030, 1, 1), 2_800, -5).reduction_fen == 0
    assert charge_for("2026-02", date(2025, 1, 1), date(2030, 1, 1), 2_800, 9_999).amount_fen == 0


def test_an_exact_payment_pays_the_invoice_off_on_its_day():
    a = allocate([Invoice("i1", "2026-06", 1_000, date(2026, 6, 5))], [Payment("p1", date(2026, 6, 3), 1_000)])
    assert a.paid == {"i1": 1_000} and a.paid_off_on == {"i1": date(2026, 6, 3)}


def test_an_invoice_is_paid_off_the_day_its_last_fen_arrives():
    # 999 fen on the 3rd leaves one fen; the 1 fen on the 9th pays it off.
    a = allocate([Invoice("i1", "2026-06", 1_000, date(2026, 6, 5))],
                 [Payment("p1", date(2026, 6, 3), 999), Payment("p2", date(2026, 6, 9), 1)])
    assert a.paid_off_on == {"i1": date(2026, 6, 9)}


def test_a_later_month_is_paid_off_when_both_months_are_covered():
    # 1 000 on 6-03 pays June; July (due 7-05) needs 2 000 in all, reached on 7-04.
    invoices = [Invoice("jun", "2026-06", 1_000, date(2026, 6, 5)), Invoice("jul", "2026-07", 1_000, date(2026, 7, 5))]
    a = allocate(invoices, [Payment("p1", date(2026, 6, 3), 1_000), Payment("p2", date(2026, 7, 4), 1_000)])
    assert a.paid_off_on == {"jun": date(2026, 6, 3), "jul": date(2026, 7, 4)}


def test_a_wholly_reduced_month_is_paid_off_on_its_due_day_without_any_payment():
    a = allocate([Invoice("i1", "2026-06", 0, date(2026, 6, 5))], [])
    assert a.paid == {"i1": 0} and a.paid_off_on == {"i1": date(2026, 6, 5)}
