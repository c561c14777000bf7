"""The one clock: the district's calendar date differs from the UTC date around midnight, the
provider's offset moves every worker's time, and FixedClock refuses naive instants."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from services.common.clock import Calendar, Clock, FixedClock


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
