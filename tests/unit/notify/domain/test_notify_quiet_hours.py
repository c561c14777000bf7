"""Quiet hours 21:00–08:00 Asia/Shanghai (UTC+8, no DST): hand-computed instants."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from services.notify.domain.quiet_hours import in_window, parse_window, send_at

SH = ZoneInfo("Asia/Shanghai")
START, END = time(21), time(8)


@pytest.mark.parametrize("utc,expected", [
    (datetime(2026, 11, 23, 2, 0, tzinfo=UTC), datetime(2026, 11, 23, 2, 0, tzinfo=UTC)),  # 10:00: now
    (datetime(2026, 11, 23, 12, 59, tzinfo=UTC), datetime(2026, 11, 23, 12, 59, tzinfo=UTC)),  # 20:59: now
    (datetime(2026, 11, 23, 13, 0, tzinfo=UTC), datetime(2026, 11, 24, 0, 0, tzinfo=UTC)),  # 21:00 → 08:00 next
    (datetime(2026, 11, 23, 15, 30, tzinfo=UTC), datetime(2026, 11, 24, 0, 0, tzinfo=UTC)),  # 23:30
    (datetime(2026, 11, 23, 16, 0, tzinfo=UTC), datetime(2026, 11, 24, 0, 0, tzinfo=UTC)),  # 00:00 local 24th
    (datetime(2026, 11, 23, 23, 59, tzinfo=UTC), datetime(2026, 11, 24, 0, 0, tzinfo=UTC)),  # 07:59
    (datetime(2026, 11, 24, 0, 0, tzinfo=UTC), datetime(2026, 11, 24, 0, 0, tzinfo=UTC)),  # 08:00: now
    (datetime(2026, 12, 31, 14, 0, tzinfo=UTC), datetime(2027, 1, 1, 0, 0, tzinfo=UTC)),  # new year's eve 22:00
])
def test_a_message_due_in_the_window_waits_for_its_end(utc, expected):
    assert send_at(utc, START, END, SH) == expected


def test_a_window_within_one_day_and_no_window():
    assert in_window(time(13), time(12), time(14)) and not in_window(time(14), time(12), time(14))
    at = datetime(2026, 11, 23, 4, 30, tzinfo=UTC)  # 12:30 local
    assert send_at(at, time(12), time(14), SH) == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert send_at(at, time(9), time(9), SH) == at


@pytest.mark.parametrize("text", ["21:00", "25:00-08:00", "21:00-08:00:30", "night", "21-8-9"])
def test_a_window_that_makes_no_sense_is_refused(text):
    with pytest.raises(ValueError):
        parse_window(text)


def test_parse_window():
    assert parse_window("21:00-08:00") == (time(21), time(8))
