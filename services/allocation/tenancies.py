"""Tenancies (租赁): move-out for its four reasons, scheduled ends, violations (违规扣分) from
staff and from finance's ``rent.overdue``, occupancy (入住率) and vacancy durations. A unit freed
by a tenancy's end goes to the 轮候 waitlist (waitlist.offer_freed_unit)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from services.common.clock import Calendar
from services.common.errors import Conflict, NotFound

from . import models, repository, waitlist
from .domain import tenancies as trules
from .domain import violations as vrules
from .repository import set_unit_status
from .views import points_text


def get_tenancy(session: Session, tenancy_id: str) -> models.Tenancy:
    t = session.get(models.Tenancy, tenancy_id)
    if t is None:
        raise NotFound(f"tenancy {tenancy_id} does not exist")
    return t


def move_out(uow, now: datetime, today: date, on: date, tenancy_id: str, reason: str,
             calendar: Calendar) -> models.Tenancy:
    """Staff record that an active tenancy ended on ``on`` (domain.tenancies.check_move_out:
    not after ``today``, not before it started); see `end_tenancy`. Returns the tenancy as
    stored: ended."""
    tenancy = get_tenancy(uow.session, tenancy_id)
    if tenancy.status == "active":
        trules.check_move_out(on, start=tenancy.start, today=today)
    return end_tenancy(uow, now, today, on, tenancy_id, reason, calendar)


def end_tenancy(uow, now: datetime, today: date, on: date, tenancy_id: str, reason: str,
                calendar: Calendar) -> models.Tenancy:
    """End an active tenancy on ``on``: the unit is vacant from that day's local midnight;
    ``tenancy.ended``; then the waitlist moves up (轮候递补): the unit is offered, as of
    ``today``, to the next waitlisted applicant of its programme's latest drawn round who fits
    (``allocation.offered``), or stays vacant. Once: the race-guarded end runs it once per
    tenancy. Returns the tenancy as stored."""
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
    waitlist.offer_freed_unit(uow, now, today, tenancy.unit_id, s.get(models.Offer, tenancy.offer_id).round_id)
    s.refresh(tenancy)  # the reply shows what was stored
    return tenancy


def check_run_date(on: date, today: date) -> None:
    """An end-of-notice run (POST /admin/tenancies/process-notices) for today or a past day."""
    trules.check_run_date(on, today=today)


def tenancies_page(session: Session, q: dict) -> tuple[int, list[models.Tenancy]]:
    """Tenancies, newest first, by status, project, unit, application or person_ref."""
    t = models.Tenancy
    stmt = select(t)
    for name in ("status", "project_id", "unit_id", "application_id", "person_ref"):
        if q.get(name):
            stmt = stmt.where(getattr(t, name) == q[name])
    return repository.page(session, stmt, (t.created_at.desc(), t.id), q["page"], q["page_size"])


def violations_page(session: Session, q: dict) -> tuple[int, list[models.Violation]]:
    """Violations, latest first, by tenancy and kind."""
    v = models.Violation
    stmt = select(v)
    for name in ("tenancy_id", "kind"):
        if q.get(name):
            stmt = stmt.where(getattr(v, name) == q[name])
    return repository.page(session, stmt, (v.occurred_on.desc(), v.created_at.desc(), v.id), q["page"],
                           q["page_size"])


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


def add_violation(uow, now: datetime, today: date, tenancy_id: str, kind: str, note: str, on: date,
                  policy: vrules.ViolationPolicy) -> tuple[models.Violation, models.Tenancy]:
    """Staff record a violation on an active tenancy, dated during it and not after ``today``
    (domain.tenancies.check_violation_date)."""
    t = get_tenancy(uow.session, tenancy_id)
    if t.status != "active":
        raise Conflict(f"tenancy {t.id} has ended")
    trules.check_violation_date(on, start=t.start, today=today)
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


def occupancy(session: Session, now: datetime, today: date, by: str) -> list[dict]:
    """Per project, building or category: units by status, the occupancy rate (of the units
    not in maintenance) and how long the vacant ones have been vacant (days, at ``now``). A
    unit let by a tenancy that starts after ``today`` is not occupied yet: it counts as
    reserved (held for its tenant) until its first day."""
    groups: dict = defaultdict(lambda: {"units": 0, "occupied": 0, "vacant": 0, "offered": 0,
                                        "reserved": 0, "maintenance": 0, "_vac": []})
    not_yet = set(session.scalars(select(models.Tenancy.unit_id).where(models.Tenancy.status == "active",
                                                                       models.Tenancy.start > today)))
    for u in session.execute(select(models.Unit.id, models.Unit.project_id, models.Unit.building,
                                    models.Unit.category, models.Unit.status, models.Unit.vacant_since)):
        key = {"project": u.project_id, "building": f"{u.project_id}/{u.building}", "category": u.category}[by]
        g = groups[key]
        g["units"] += 1
        g["reserved" if u.status == "occupied" and u.id in not_yet else u.status] += 1
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
