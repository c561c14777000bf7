"""租金 rent rules, beyond domain/test_fin_rent.py (issue 20): arrears ageing at its edges
(an invoice absent from the allocation, one fen unpaid, due today, one day late, two invoices in
one bucket, an invoice not yet due before an overdue one), the billing-month helpers and the
refusal's fields. Every expected figure below is worked by hand in the comment beside it.

Equivalent mutants (scripts/mutate.py excludes them from the score): none.
"""
from datetime import date

import pytest

from services.finance.domain.rent import (
    Allocation,
    Invoice,
    RentError,
    arrears,
    billing_months,
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
