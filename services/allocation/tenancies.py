"""Tenancies (租赁): move-out for its four reasons, scheduled ends, violations (违规扣分) from
staff and from finance's ``rent.overdue``, occupancy (入住率) and vacancy durations."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from services.common.clock import Calendar
from services.common.errors import Conflict, NotFound

from . import models
from .domain import violations as vrules
from .repository import set_unit_status
from .views import points_text


def get_tenancy(session: Session, tenancy_id: str) -> models.Tenancy:
    t = session.get(models.Tenancy, tenancy_id)
    if t is None:
        raise NotFound(f"tenancy {tenancy_id} does not exist")
    return t


def end_tenancy(uow, on: date, tenancy_id: str, reason: str, calendar: Calendar) -> models.Tenancy:
    """End an active tenancy on ``on``: the unit is vacant from that day's local midnight;
    ``tenancy.ended``."""
    s = uow.session
    tenancy = s.get(models.Tenancy, tenancy_id)
    if tenancy is None:
        raise NotFound(f"tenancy {tenancy_id} does not exist")
    if s.execute(update(models.Tenancy).where(models.Tenancy.id == tenancy_id, models.Tenancy.status == "active")
                 .values(status="ended", end_reason=reason, ended_on=on)
                 .execution_options(synchronize_session=False)).rowcount != 1:
        raise Conflict(f"tenancy {tenancy_id} has already ended")
    set_unit_status(s, tenancy.unit_id, ["occupied"], "vacant", vacant_since=calendar.midnight_utc(on))
    uow.publish("tenancy.ended", {"tenancy_id": tenancy.id, "application_id": tenancy.application_id,
                                  "person_ref": tenancy.person_ref, "unit_id": tenancy.unit_id,
                                  "ended_on": on.isoformat(), "reason": reason})
    return tenancy


def due_to_end(session: Session, on: date) -> list[tuple[str, str, date]]:
    """Active tenancies to end on ``on``: (tenancy id, reason, the day it ends) — a revocation
    notice run out (ends on its last day), or else a contract past its end."""
    due = session.execute(select(models.Tenancy.id, models.Tenancy.notice_end_on, models.Tenancy.end).where(
        models.Tenancy.status == "active",
        or_(models.Tenancy.notice_end_on <= on, models.Tenancy.end < on))).all()
    out = []
    for tenancy_id, notice_end, end in due:
        if notice_end is not None and notice_end <= on:
            out.append((tenancy_id, "revocation", notice_end))
        else:
            out.append((tenancy_id, "contract_end", end))
    return out


def add_violation(uow, now: datetime, tenancy_id: str, kind: str, note: str, on: date,
                  policy: vrules.ViolationPolicy) -> tuple[models.Violation, models.Tenancy]:
    """Staff record a violation on an active tenancy."""
    t = uow.session.get(models.Tenancy, tenancy_id)
    if t is None:
        raise NotFound(f"tenancy {tenancy_id} does not exist")
    if t.status != "active":
        raise Conflict(f"tenancy {t.id} has ended")
    return record_violation(uow, now, t, kind, note, on, policy), t


def record_arrears(uow, now: datetime, on: date, tenancy_id: str, period: str, days_overdue: int,
                   policy: vrules.ViolationPolicy) -> models.Violation | None:
    """finance's ``rent.overdue``: an arrears violation once the rent is overdue past the
    policy threshold; one per tenancy and period however many reminders finance sends."""
    if not vrules.arrears_violation_due(days_overdue, policy):
        return None
    t = uow.session.get(models.Tenancy, tenancy_id)
    if t is None:
        raise NotFound(f"rent.overdue for unknown tenancy {tenancy_id}")
    already = uow.session.scalar(select(models.Violation.id).where(
        models.Violation.tenancy_id == t.id, models.Violation.kind == "rent_arrears",
        models.Violation.period == period))
    if t.status != "active" or already is not None:
        return None
    return record_violation(uow, now, t, "rent_arrears", f"rent {period} overdue {days_overdue} days", on,
                            policy, period=period)


def record_violation(uow, now: datetime, tenancy: models.Tenancy, kind: str, note: str, on: date,
                     policy: vrules.ViolationPolicy, period: str | None = None) -> models.Violation:
    """Deduct the kind's points (domain.violations); ``violation.recorded``."""
    outcome = vrules.record(tenancy.violation_points_tenths, vrules.ViolationKind(kind), policy)
    tenancy.violation_points_tenths = outcome.total_tenths
    tenancy.termination_open = outcome.termination_open
    v = models.Violation(id=str(uuid.uuid4()), tenancy_id=tenancy.id, kind=kind, note=note, occurred_on=on,
                         period=period, points_tenths=outcome.deducted_tenths,
                         total_after_tenths=outcome.total_tenths, created_at=now)
    uow.session.add(v)
    uow.publish("violation.recorded", {
        "violation_id": v.id, "tenancy_id": tenancy.id, "person_ref": tenancy.person_ref, "kind": kind,
        "points": points_text(outcome.deducted_tenths), "points_tenths": outcome.deducted_tenths,
        "total_points": points_text(outcome.total_tenths), "total_points_tenths": outcome.total_tenths,
        "threshold_crossed": outcome.crossed, "termination_open": outcome.termination_open})
    return v


def occupancy(session: Session, now: datetime, by: str) -> list[dict]:
    """Per project, building or category: units by status, the occupancy rate (of the units
    not in maintenance) and how long the vacant ones have been vacant (days, at ``now``)."""
    groups: dict = defaultdict(lambda: {"units": 0, "occupied": 0, "vacant": 0, "offered": 0,
                                        "reserved": 0, "maintenance": 0, "_vac": []})
    for u in session.execute(select(models.Unit.project_id, models.Unit.building, models.Unit.category,
                                    models.Unit.status, models.Unit.vacant_since)):
        key = {"project": u.project_id, "building": f"{u.project_id}/{u.building}", "category": u.category}[by]
        g = groups[key]
        g["units"] += 1
        g[u.status] += 1
        if u.status == "vacant" and u.vacant_since is not None:
            g["_vac"].append(max((now - u.vacant_since).total_seconds(), 0) / 86400)
    out = []
    for key in sorted(groups):
        g = groups[key]
        vac = g.pop("_vac")
        usable = g["units"] - g["maintenance"]
        out.append({by: key, **g,
                    "occupancy_rate": round(g["occupied"] / usable, 4) if usable else None,
                    "mean_vacancy_days": round(sum(vac) / len(vac), 1) if vac else None,
                    "max_vacancy_days": round(max(vac), 1) if vac else None})
    return out
