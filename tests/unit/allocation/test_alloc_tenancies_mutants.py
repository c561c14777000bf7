"""租赁 tenancy dates: the rules `make mutate` showed no test stated (issue 20).

Every boundary day on both sides (the day the offer was accepted, a year and a day ahead,
ten years to the day, today itself), 29 February ten years on, a move-in called off on a
day other than today, and each refusal's field and exact message (a clerk reads it).

Equivalent mutants (scripts/mutate.py excludes them from the score):

- x_check_move_out__mutmut_12: ``start >= today`` for ``start > today`` in the called-off
  exception: it differs only when start is today, and then ``on == today`` contradicts the
  enclosing ``on < start``.
"""
from datetime import date

import pytest

from services.allocation.domain.tenancies import (
    MAX_START_AHEAD_DAYS,
    MAX_TERM_YEARS,
    TenancyDateError,
    check_move_out,
    check_run_date,
    check_terms,
    check_violation_date,
)

TODAY = date(2026, 12, 2)


def refused(fn, *args, **kw) -> tuple[str, str]:
    with pytest.raises(TenancyDateError) as err:
        fn(*args, **kw)
    assert str(err.value) == err.value.message  # the ValueError says the same thing
    return err.value.field, err.value.message


def test_limits():
    assert (MAX_START_AHEAD_DAYS, MAX_TERM_YEARS) == (366, 10)


def test_start_on_the_day_of_acceptance_and_up_to_366_days_ahead():
    check_terms(TODAY, date(2027, 1, 1), accepted_on=TODAY, today=TODAY)
    assert refused(check_terms, date(2026, 12, 1), date(2027, 1, 1), accepted_on=TODAY, today=TODAY) == (
        "start", "the tenancy cannot start on 2026-12-01, before the offer was accepted (2026-12-02)")
    latest = date(2027, 12, 3)  # 2026-12-02 + 366 days
    check_terms(latest, date(2028, 1, 1), accepted_on=TODAY, today=TODAY)
    assert refused(check_terms, date(2027, 12, 4), date(2028, 1, 1), accepted_on=TODAY, today=TODAY) == (
        "start", "a move-in is agreed at most a year ahead: start by 2027-12-03, not 2027-12-04")


def test_end_one_day_after_start_and_at_most_ten_years_to_the_day():
    check_terms(TODAY, date(2026, 12, 3), accepted_on=TODAY, today=TODAY)
    assert refused(check_terms, TODAY, date(2026, 12, 1), accepted_on=TODAY, today=TODAY) == (
        "end", "must be after start")
    check_terms(TODAY, date(2036, 12, 2), accepted_on=TODAY, today=TODAY)
    assert refused(check_terms, TODAY, date(2036, 12, 3), accepted_on=TODAY, today=TODAY) == (
        "end", "a tenancy runs at most 10 years: end by 2036-12-02, not 2036-12-03")


def test_a_leap_day_start_ends_at_most_on_28_february_ten_years_on():
    today = date(2027, 12, 31)
    check_terms(date(2028, 2, 29), date(2038, 2, 28), accepted_on=TODAY, today=today)
    assert refused(check_terms, date(2028, 2, 29), date(2038, 3, 1), accepted_on=TODAY, today=today) == (
        "end", "a tenancy runs at most 10 years: end by 2038-02-28, not 2038-03-01")


def test_move_out_today_or_on_the_start_day_never_tomorrow():
    start = date(2026, 6, 1)
    check_move_out(TODAY, start=start, today=TODAY)
    check_move_out(start, start=start, today=TODAY)
    assert refused(check_move_out, date(2026, 12, 3), start=start, today=TODAY) == (
        "on", "a move-out is recorded when it has happened: 2026-12-03 is after today (2026-12-02)")
    assert refused(check_move_out, date(2026, 5, 31), start=start, today=TODAY) == (
        "on", "the tenancy started on 2026-06-01: it cannot end on 2026-05-31")


def test_a_move_in_called_off_ends_today_only():
    later = date(2027, 1, 1)
    check_move_out(TODAY, start=later, today=TODAY)
    assert refused(check_move_out, date(2026, 12, 1), start=later, today=TODAY) == (
        "on", "the tenancy started on 2027-01-01: it cannot end on 2026-12-01")
    # a tenancy starting today has started: ending it yesterday is refused
    assert refused(check_move_out, date(2026, 12, 1), start=TODAY, today=TODAY)[0] == "on"


def test_violation_from_the_start_day_to_today():
    start = date(2026, 6, 1)
    check_violation_date(start, start=start, today=TODAY)
    check_violation_date(TODAY, start=start, today=TODAY)
    assert refused(check_violation_date, date(2026, 12, 3), start=start, today=TODAY) == (
        "on", "a violation is recorded once it has happened: 2026-12-03 is after today (2026-12-02)")
    assert refused(check_violation_date, date(2026, 5, 31), start=start, today=TODAY) == (
        "on", "the tenancy started on 2026-06-01: a violation on 2026-05-31 was not during it")


def test_run_date_today_or_past():
    check_run_date(TODAY, today=TODAY)
    check_run_date(date(2020, 1, 1), today=TODAY)
    assert refused(check_run_date, date(2026, 12, 3), today=TODAY) == (
        "on", "tenancies are ended for today or a past day, not 2026-12-03 (today is 2026-12-02)")
