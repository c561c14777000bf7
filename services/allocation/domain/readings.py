"""Which of an application's points the pool keeps when applications' events arrive in any
order (issue 18).

``application.approved`` states the points as of the approval; every later
``application.points_changed`` (a policy change, a hardship registered or closed) states them
again. The pool reads each event type from its own queue, and a redelivery can come back after
newer events, so a change can arrive before its approval and an older change after a newer one.
Each statement is therefore a :class:`PointsReading` stamped with when applications made it,
and the pool keeps the :func:`latest` — the same reading whatever the order of arrival and
however often one arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class PointsReading:
    """An application's points as one event stated them.

    ``as_of`` is when applications made the statement: the approval's ``approved_at`` or the
    change event's ``occurred_at`` (both applications' clock). A change is only ever published
    for an application already approved, in a later transaction, so its ``as_of`` is never
    before its approval's; ``from_change`` breaks the tie when a clock's resolution makes them
    equal (the change is the later statement).
    """

    as_of: datetime
    from_change: bool
    policy_version: int
    points_tenths: int
    priority_groups: tuple[str, ...]

    def order_key(self) -> tuple:
        # Readings at the same instant from the same kind of event (never met in practice):
        # the higher policy version, then the values themselves, so the choice still does not
        # depend on which arrived first.
        return (self.as_of, self.from_change, self.policy_version, self.points_tenths, self.priority_groups)


def latest(*readings: PointsReading | None) -> PointsReading:
    """The reading the pool keeps among those known (``None``: not known); at least one must be."""
    known = [r for r in readings if r is not None]
    if not known:
        raise ValueError("no points reading to choose from")
    return max(known, key=PointsReading.order_key)
