"""Business gauges from assistance's own tables, computed when /metrics is read
(services/common/metrics.py refresh_state_gauges): each year's relief budget by kind — the
total and what approvals have used of it (integer fen; a few rows a year). Sums only."""

from __future__ import annotations

from datetime import date, datetime

from prometheus_client import Gauge
from sqlalchemy import select

from services.common.metrics import set_gauge_family

from . import models

LABELS = ["service", "district", "kind", "year"]
BUDGET = Gauge("anju_assistance_relief_budget_fen", "The relief budget by kind and year (fen).", LABELS)
USED = Gauge("anju_assistance_relief_budget_used_fen", "What approved relief has used of the budget by kind "
             "and year (fen).", LABELS)


def refresh(session, now: datetime, today: date, labels: tuple[str, str]) -> None:
    budgets = session.scalars(select(models.ReliefBudget)).all()
    set_gauge_family(BUDGET, labels, {(b.kind, str(b.year)): b.total_fen for b in budgets})
    set_gauge_family(USED, labels, {(b.kind, str(b.year)): b.used_fen for b in budgets})
