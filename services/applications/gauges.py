"""Business gauges from applications' own tables, computed when /metrics is read
(services/common/metrics.py refresh_state_gauges): applications by state, and the review queue
at each level — how many wait and how long the oldest has waited (since its last transition,
the queue's own order). Counts only: no person, no application id."""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import Gauge
from sqlalchemy import func, select

from services.common.metrics import set_gauge_family

from . import models
from .domain.lifecycle import AWAITING_LEVEL, State

BY_STATE = Gauge("anju_applications_by_state", "Applications by state now.", ["service", "district", "state"])
QUEUE = Gauge("anju_applications_review_queue", "Applications waiting for review at a level (enterprise, "
              "district, city).", ["service", "district", "level"])
QUEUE_OLDEST = Gauge("anju_applications_review_queue_oldest_seconds", "How long the oldest application "
                     "waiting at a level has waited since its last transition (0 when none waits).",
                     ["service", "district", "level"])


def refresh(session, now: datetime, today, labels: tuple[str, str]) -> None:
    a = models.Application
    counts = dict(session.execute(select(a.state, func.count()).group_by(a.state)).all())
    set_gauge_family(BY_STATE, labels, {(s.value,): counts.get(s.value, 0) for s in State})
    oldest = dict(session.execute(select(a.state, func.min(a.updated_at)).where(
        a.state.in_([s.value for s in AWAITING_LEVEL])).group_by(a.state)).all())
    set_gauge_family(QUEUE, labels, {(level.value,): counts.get(state.value, 0)
                                     for state, level in AWAITING_LEVEL.items()})
    set_gauge_family(QUEUE_OLDEST, labels, {
        (level.value,): max((now - _aware(oldest[state.value])).total_seconds(), 0.0) if oldest.get(state.value)
        else 0.0 for state, level in AWAITING_LEVEL.items()})


def _aware(at: datetime) -> datetime:
    """The column's times are UTC (common/tables.py UtcDateTime); an aggregate may lose the zone."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)
