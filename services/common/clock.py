"""The one clock (时钟) every service reads the time from.

Handlers never call ``datetime.now()``, ``utc_now()`` or ``date.today()``: they read
``self.clock.now()`` (an aware UTC datetime) or ``self.clock.today()`` (the district's
calendar date) and hand the reading to the use case, which takes it as an argument. Tests
move time through the provider (``advance(days=...)``) or give a use case any instant.

Dates that people see — an offer's respond-by day, a tenancy's start, a notice's last day —
are calendar dates in the district's time zone (``TIMEZONE``, default Asia/Shanghai);
instants are stored and published in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nameko.extensions import DependencyProvider

DEFAULT_TIMEZONE = "Asia/Shanghai"


class Calendar:
    """The district's calendar: its time zone, and the conversions between its dates and UTC."""

    def __init__(self, zone: str = DEFAULT_TIMEZONE):
        self.zone = ZoneInfo(zone)

    def date_of(self, at: datetime) -> date:
        """The local calendar date of an aware instant."""
        return at.astimezone(self.zone).date()

    def midnight_utc(self, day: date) -> datetime:
        """The instant the local calendar date ``day`` begins, in UTC."""
        return datetime.combine(day, time(0), self.zone).astimezone(UTC)


class Reading:
    """What a worker gets as ``self.clock``: the provider's time, read when asked."""

    def __init__(self, provider: Clock):
        self._provider = provider
        self.calendar = provider.calendar

    def now(self) -> datetime:
        """Aware UTC now (moved by the provider's offset in tests)."""
        return datetime.now(UTC) + self._provider.offset

    def today(self) -> date:
        """The district's calendar date now."""
        return self.calendar.date_of(self.now())


class Clock(DependencyProvider):
    """``clock = Clock()`` on the service class. ``advance(**timedelta_kwargs)`` moves every
    worker's time forward (tests run a notice period without waiting for it)."""

    def __init__(self):
        self.offset = timedelta(0)
        self.calendar = Calendar()

    def setup(self):
        self.calendar = Calendar(self.container.config.get("TIMEZONE", DEFAULT_TIMEZONE))

    def advance(self, **delta) -> None:
        self.offset += timedelta(**delta)

    def get_dependency(self, worker_ctx):
        return Reading(self)


class FixedClock:
    """A stand-in for ``Reading`` in use-case and ``worker_factory`` tests: always ``at``."""

    def __init__(self, at: datetime, zone: str = DEFAULT_TIMEZONE):
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at
        self.calendar = Calendar(zone)

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.calendar.date_of(self.at)

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)
