"""租赁 the dates of a tenancy the rules accept: its start and end at move-in, the day it ends
at move-out, the day a violation happened, the day an end-of-notice run is made for.

The programme's date is the district's calendar date (Asia/Shanghai), ``today`` here. What
has to have happened already (a move-out, a violation, a notice that ran out) cannot be
dated after today; a tenancy may be agreed to start later (it is not occupied until then).
"""
from __future__ import annotations

from datetime import date, timedelta

MAX_START_AHEAD_DAYS = 366  # a move-in agreed at most a year ahead
MAX_TERM_YEARS = 10         # a tenancy contract runs at most ten years


class TenancyDateError(ValueError):
    """A tenancy date the rules refuse; ``field`` names the input it is about."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_terms(start: date, end: date, *, accepted_on: date, today: date) -> None:
    """A tenancy's start and end at move-in: it starts no earlier than the day the offer was
    accepted and at most MAX_START_AHEAD_DAYS after today; it ends after it starts and within
    MAX_TERM_YEARS."""
    if start < accepted_on:
        raise TenancyDateError("start", f"the tenancy cannot start on {start}, before the offer was accepted "
                                        f"({accepted_on})")
    latest = today + timedelta(days=MAX_START_AHEAD_DAYS)
    if start > latest:
        raise TenancyDateError("start", f"a move-in is agreed at most a year ahead: start by {latest}, not {start}")
    if end <= start:
        raise TenancyDateError("end", "must be after start")
    longest = _years_after(start, MAX_TERM_YEARS)
    if end > longest:
        raise TenancyDateError("end", f"a tenancy runs at most {MAX_TERM_YEARS} years: end by {longest}, not {end}")


def check_move_out(on: date, *, start: date, today: date) -> None:
    """The day a tenancy ends, recorded by staff: not after today (a move-out is recorded
    when it has happened), and not before the tenancy started — except that a tenancy which
    has not started yet may be ended today (the move-in is called off)."""
    if on > today:
        raise TenancyDateError("on", f"a move-out is recorded when it has happened: {on} is after today ({today})")
    if on < start and not (start > today and on == today):
        raise TenancyDateError("on", f"the tenancy started on {start}: it cannot end on {on}")


def check_violation_date(on: date, *, start: date, today: date) -> None:
    """The day a violation happened: during the tenancy (from its start) and not after today."""
    if on > today:
        raise TenancyDateError("on", f"a violation is recorded once it has happened: {on} is after today ({today})")
    if on < start:
        raise TenancyDateError("on", f"the tenancy started on {start}: a violation on {on} was not during it")


def check_run_date(on: date, *, today: date) -> None:
    """An end-of-notice run is made for today or a past day, never ahead of time."""
    if on > today:
        raise TenancyDateError("on", f"tenancies are ended for today or a past day, not {on} (today is {today})")
