"""The one clock (时钟) every service reads the time from.

Handlers never call ``datetime.now()``, ``utc_now()`` or ``date.today()``: they read
``self.clock.now()`` (an aware UTC datetime) or ``self.clock.today()`` (the district's
calendar date) and hand the reading to the use case, which takes it as an argument. Tests
move time through the provider (``advance(days=...)``) or give a use case any instant.

A running copy's time can be moved from outside only when its config says so
(``CLOCK_ADJUSTABLE: true`` — the demo district and development; false by default, and refused
at start-up with a production JWT secret): then ``POST /admin/clock`` (services/common/service.py)
moves it forward, never back, so the demo's year runs in minutes without sleeping, and
``CLOCK_START`` (an ISO date or instant) makes the copy start at that time. The offset lives in
the process: a restarted copy reads real time again.

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

    @property
    def adjustable(self) -> bool:
        return self._provider.adjustable

    @property
    def offset(self) -> timedelta:
        return self._provider.offset

    def move_forward(self, seconds: float) -> datetime:
        """Only the platform's ``POST /admin/clock`` calls this (see ``Clock.move_forward``)."""
        return self._provider.move_forward(seconds)


class ClockNotAdjustable(Exception):
    """Moving a copy's clock from outside was asked of a copy whose config does not allow it,
    or would move it backwards."""


def _flag(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _dev_secret(config: dict) -> bool:
    jwt = config.get("JWT") or {}
    return str(jwt.get("ALGORITHM", "HS256")) == "HS256" and str(jwt.get("SECRET", "")).startswith("dev-only-")


def clock_start(text: str, calendar: Calendar) -> datetime:
    """``CLOCK_START`` as an instant: an ISO date is that local day's midnight, an instant
    without an offset is UTC."""
    text = str(text).strip()
    if len(text) == 10:
        return calendar.midnight_utc(date.fromisoformat(text))
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return at if at.tzinfo else at.replace(tzinfo=UTC)


class Clock(DependencyProvider):
    """``clock = Clock()`` on the service class. ``advance(**timedelta_kwargs)`` moves every
    worker's time forward (tests run a notice period without waiting for it).

    ``adjustable`` (config ``CLOCK_ADJUSTABLE``) says whether ``move_forward`` — what the
    platform's ``POST /admin/clock`` calls — may move this copy's time from outside."""

    def __init__(self):
        self.offset = timedelta(0)
        self.calendar = Calendar()
        self.adjustable = False

    def setup(self):
        config = self.container.config
        self.calendar = Calendar(config.get("TIMEZONE", DEFAULT_TIMEZONE))
        self.adjustable = _flag(config.get("CLOCK_ADJUSTABLE", False))
        if self.adjustable and not _dev_secret(config):
            # A copy with a real secret is a production copy: its time is the world's.
            raise ClockNotAdjustable("CLOCK_ADJUSTABLE is for development and demo copies: refused with a "
                                     "production JWT secret (set CLOCK_ADJUSTABLE=false)")
        start = str(config.get("CLOCK_START") or "").strip()
        if start:
            if not self.adjustable:
                raise ClockNotAdjustable("CLOCK_START needs CLOCK_ADJUSTABLE=true")
            self.offset = clock_start(start, self.calendar) - datetime.now(UTC)

    def advance(self, **delta) -> None:
        self.offset += timedelta(**delta)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def move_forward(self, seconds: float) -> datetime:
        """Move this copy's time forward by ``seconds`` (from outside: the demo); refused unless
        the copy is adjustable, and refused backwards (a ledger's or a notice's past is kept).
        Returns the new now."""
        if not self.adjustable:
            raise ClockNotAdjustable("this copy's clock is not adjustable (CLOCK_ADJUSTABLE is off)")
        if seconds < 0:
            raise ClockNotAdjustable("the clock moves forward only")
        self.offset += timedelta(seconds=seconds)
        return self.now()

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
