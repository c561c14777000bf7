"""Business gauges from allocation's own tables, computed when /metrics is read
(services/common/metrics.py refresh_state_gauges): units by project and status — occupied,
vacant, offered, reserved (let, the tenancy not begun), maintenance — as GET /occupancy counts
them, so occupancy by project is occupied / all units. Counts only."""

from __future__ import annotations

from datetime import date, datetime

from prometheus_client import Gauge

from services.common.metrics import set_gauge_family

from . import tenancies

STATUSES = ("occupied", "vacant", "offered", "reserved", "maintenance")
UNITS = Gauge("anju_allocation_units", "Units by project and status now (occupied, vacant, offered, reserved, "
              "maintenance).", ["service", "district", "project", "status"])


def refresh(session, now: datetime, today: date, labels: tuple[str, str]) -> None:
    groups = tenancies.occupancy(session, now, today, "project")
    set_gauge_family(UNITS, labels, {(g["project"], status): g[status] for g in groups for status in STATUSES})
