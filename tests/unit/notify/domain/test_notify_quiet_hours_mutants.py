"""免打扰时段 quiet hours at their edges (issue 20), beyond test_notify_quiet_hours.py: each
part of "whole minutes only" on its own (seconds or microseconds, start or end), spaces around
the times, the refusals' words; a window within one day at its first minute; the instant a
delayed message may go is given in the caller's own zone.

Equivalent mutants (scripts/mutate.py excludes them from the score):
- x_in_window__mutmut_3: ``start <= end`` for ``<``: start == end has returned False two lines
  above, so the two tests never differ where they are reached.
- x_send_at__mutmut_11: ``local.time() > end`` for ``>=``: send_at only gets there inside the
  window; inside a window that wraps midnight local.time() >= start > end, and inside one within a
  day local.time() < end, so local.time() never equals end there.
"""
from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from services.notify.domain.quiet_hours import in_window, parse_window, send_at

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("text", ["21:00:30-08:00", "21:00-08:00:30", "21:00:00.5-08:00", "21:00-08:00:00.000001"])
def test_whole_minutes_only_for_either_end(text):
    with pytest.raises(ValueError, match=r"^quiet hours '.*': whole minutes only$"):
        parse_window(text)


@pytest.mark.parametrize("text", ["21:00", "21:00-08:00-09:00", "9pm-8am", ""])
def test_a_window_that_cannot_be_read_says_how_to_write_it(text):
    with pytest.raises(ValueError, match=r"^quiet hours '.*': give HH:MM-HH:MM, e.g. 21:00-08:00$"):
        parse_window(text)


def test_spaces_around_the_times_are_allowed():
    assert parse_window(" 22:30 - 07:15 ") == (time(22, 30), time(7, 15))
    assert parse_window("00:00-00:00") == (time(0), time(0))


def test_window_edges():
    assert in_window(time(12), time(12), time(14))        # the first minute is quiet
    assert not in_window(time(11, 59), time(12), time(14))
    assert in_window(time(21), time(21), time(8)) and in_window(time(7, 59), time(21), time(8))
    assert not in_window(time(8), time(21), time(8)) and not in_window(time(20, 59), time(21), time(8))
    assert not in_window(time(0), time(0), time(0))       # start == end: no quiet hours at all


def test_the_instant_is_given_in_the_callers_zone():
    plus_one = timezone(timedelta(hours=1))
    now = datetime(2026, 11, 23, 14, 30, tzinfo=plus_one)  # 21:30 in Shanghai
    at = send_at(now, time(21), time(8), SH)
    assert at == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    assert at.tzinfo is plus_one and at.hour == 1
    # a message due during the morning part of the window goes the same day at its end
    early = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # 06:00 on the 24th in Shanghai
    assert send_at(early, time(21), time(8), SH) == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
