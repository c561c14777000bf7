"""Quiet hours (免打扰时段): non-urgent SMS is not sent at night.

The window is given as local times ``start``–``end`` in the district's zone (default 21:00–08:00
Asia/Shanghai); it may wrap midnight. An instant inside the window is delayed to the window's
end (the next local ``end`` time); outside it is sent at once. Critical messages are never
delayed (the caller decides). ``start == end`` means no quiet hours.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo


def parse_window(text: str) -> tuple[time, time]:
    """'21:00-08:00' → (21:00, 08:00); refuses anything else."""
    try:
        a, b = str(text).split("-")
        start, end = time.fromisoformat(a.strip()), time.fromisoformat(b.strip())
    except ValueError:
        raise ValueError(f"quiet hours {text!r}: give HH:MM-HH:MM, e.g. 21:00-08:00") from None
    if start.second or end.second or start.microsecond or end.microsecond:
        raise ValueError(f"quiet hours {text!r}: whole minutes only")
    return start, end


def in_window(local: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def send_at(now: datetime, start: time, end: time, zone: tzinfo) -> datetime:
    """When a non-urgent SMS due ``now`` (aware) may go: ``now`` outside the window, else the
    window's end (as an aware instant in ``now``'s zone)."""
    local = now.astimezone(zone)
    if not in_window(local.time(), start, end):
        return now
    day = local.date()
    if local.time() >= end:  # evening part of a window wrapping midnight: it ends tomorrow
        day = day + timedelta(days=1)
    opens = datetime.combine(day, end, zone)
    return opens.astimezone(now.tzinfo)
