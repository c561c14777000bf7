"""The one clock: the district's calendar date differs from the UTC date around midnight, the
provider's offset moves every worker's time, and FixedClock refuses naive instants."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from services.common.clock import Calendar, Clock, ClockNotAdjustable, FixedClock, clock_start


def test_the_local_date_is_shanghai_time_not_utc():
    cal = Calendar()
    assert cal.date_of(datetime(2026, 11, 30, 15, 59, tzinfo=UTC)) == date(2026, 11, 30)
    assert cal.date_of(datetime(2026, 11, 30, 16, 0, tzinfo=UTC)) == date(2026, 12, 1)  # 00:00 +08:00


def test_local_midnight_in_utc_is_the_evening_before():
    assert Calendar().midnight_utc(date(2026, 12, 1)) == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert Calendar("UTC").midnight_utc(date(2026, 12, 1)) == datetime(2026, 12, 1, tzinfo=UTC)


def test_advancing_the_provider_moves_what_every_worker_reads():
    clock = Clock()
    clock.container = SimpleNamespace(config={"TIMEZONE": "UTC"})
    clock.setup()
    first, second = clock.get_dependency(None), clock.get_dependency(None)
    before = first.now()
    clock.advance(days=8)
    assert second.now() - before >= timedelta(days=8)
    assert second.now() - before < timedelta(days=8, seconds=5)
    assert first.today() == (before + timedelta(days=8)).date()


def test_a_fixed_clock_reads_what_it_was_given_and_moves_only_when_told():
    at = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    clock = FixedClock(at)
    assert (clock.now(), clock.today()) == (at, date(2026, 12, 1))
    clock.advance(hours=-1)
    assert clock.today() == date(2026, 11, 30)
    with pytest.raises(ValueError, match="aware"):
        FixedClock(datetime(2026, 11, 30))


DEV = {"ALGORITHM": "HS256", "SECRET": "dev-only-jwt-secret-change-me-0123456789"}


def _clock(**config) -> Clock:
    clock = Clock()
    clock.container = SimpleNamespace(config={"JWT": DEV, **config})
    clock.setup()
    return clock


def test_a_copy_whose_config_says_nothing_cannot_be_moved_from_outside():
    clock = _clock()
    assert not clock.adjustable
    with pytest.raises(ClockNotAdjustable, match="CLOCK_ADJUSTABLE is off"):
        clock.get_dependency(None).move_forward(86400)
    assert clock.offset == timedelta(0)
    for off in ("false", "0", "", "no"):
        assert not _clock(CLOCK_ADJUSTABLE=off).adjustable


def test_an_adjustable_copy_moves_forward_and_never_back():
    clock = _clock(CLOCK_ADJUSTABLE="true")
    reading = clock.get_dependency(None)
    before = reading.now()
    after = reading.move_forward(3 * 86400)
    assert timedelta(days=3) <= after - before < timedelta(days=3, seconds=5)
    assert reading.offset == timedelta(days=3)
    with pytest.raises(ClockNotAdjustable, match="forward only"):
        reading.move_forward(-1)
    assert reading.offset == timedelta(days=3)


def test_an_adjustable_clock_is_refused_with_a_production_secret():
    with pytest.raises(ClockNotAdjustable, match="production JWT secret"):
        prod = Clock()
        prod.container = SimpleNamespace(config={"JWT": {"ALGORITHM": "HS256", "SECRET": "x" * 40},
                                                       "CLOCK_ADJUSTABLE": True})
        prod.setup()
    with pytest.raises(ClockNotAdjustable, match="production JWT secret"):
        rs = Clock()
        rs.container = SimpleNamespace(config={"JWT": {"ALGORITHM": "RS256", "SECRET": "dev-only-x"},
                                               "CLOCK_ADJUSTABLE": "true"})
        rs.setup()


def test_clock_start_sets_where_the_copy_starts_and_needs_adjustable():
    clock = _clock(CLOCK_ADJUSTABLE="true", CLOCK_START="2025-01-01", TIMEZONE="Asia/Shanghai")
    reading = clock.get_dependency(None)
    assert reading.today() == date(2025, 1, 1)
    assert abs(reading.now() - datetime(2024, 12, 31, 16, 0, tzinfo=UTC)) < timedelta(seconds=5)
    assert clock_start("2025-03-01T08:00:00Z", Calendar()) == datetime(2025, 3, 1, 8, tzinfo=UTC)
    assert clock_start("2025-03-01T08:00:00", Calendar()) == datetime(2025, 3, 1, 8, tzinfo=UTC)
    with pytest.raises(ClockNotAdjustable, match="CLOCK_START needs CLOCK_ADJUSTABLE"):
        _clock(CLOCK_START="2025-01-01")
