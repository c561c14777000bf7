"""Tenancies (租赁): move-out for its four reasons, scheduled ends, violations (违规扣分) from
staff and from finance's ``rent.overdue``, occupancy (入住率) and vacancy durations."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from datetime import date

from nameko.timer import timer
from sqlalchemy import or_, select

from services.common.errors import Conflict, NotFound
from services.common.events.contracts import utc_now
from services.common.events.inbox import inbox_handler
from services.common.http import api

from . import models, policy, schemas
from .domain import violations as vrules
from .persist import set_unit_status

log = logging.getLogger(__name__)
OFFICERS = ("district_officer", "city_officer")
READERS = (*OFFICERS, "auditor")


def _points(tenths: int) -> str:
    return f"{tenths // 10}.{tenths % 10}"


def end_tenancy(uow, tenancy_id: str, reason: str, on: date) -> models.Tenancy:
    s = uow.session
    tenancy = s.get(models.Tenancy, tenancy_id)
    if tenancy is None:
        raise NotFound(f"tenancy {tenancy_id} does not exist")
    from sqlalchemy import update

    if s.execute(update(models.Tenancy).where(models.Tenancy.id == tenancy_id, models.Tenancy.status == "active")
                 .values(status="ended", end_reason=reason, ended_on=on)
                 .execution_options(synchronize_session=False)).rowcount != 1:
        raise Conflict(f"tenancy {tenancy_id} has already ended")
    set_unit_status(s, tenancy.unit_id, ["occupied"], "vacant", vacant_since=policy.local_midnight_utc(on))
    uow.publish("tenancy.ended", {"tenancy_id": tenancy.id, "application_id": tenancy.application_id,
                                  "person_ref": tenancy.person_ref, "unit_id": tenancy.unit_id,
                                  "ended_on": on.isoformat(), "reason": reason})
    return tenancy


def record_violation(uow, tenancy: models.Tenancy, kind: str, note: str, on: date,
                     vpolicy: vrules.ViolationPolicy, period: str | None = None) -> models.Violation:
    outcome = vrules.record(tenancy.violation_points_tenths, vrules.ViolationKind(kind), vpolicy)
    tenancy.violation_points_tenths = outcome.total_tenths
    tenancy.termination_open = outcome.termination_open
    v = models.Violation(id=str(uuid.uuid4()), tenancy_id=tenancy.id, kind=kind, note=note, occurred_on=on,
                         period=period, points_tenths=outcome.deducted_tenths,
                         total_after_tenths=outcome.total_tenths, created_at=utc_now())
    uow.session.add(v)
    uow.publish("violation.recorded", {
        "violation_id": v.id, "tenancy_id": tenancy.id, "person_ref": tenancy.person_ref, "kind": kind,
        "points": _points(outcome.deducted_tenths), "points_tenths": outcome.deducted_tenths,
        "total_points": _points(outcome.total_tenths), "total_points_tenths": outcome.total_tenths,
        "threshold_crossed": outcome.crossed, "termination_open": outcome.termination_open})
    return v


def tenancy_view(t: models.Tenancy) -> dict:
    return {"tenancy_id": t.id, "unit_id": t.unit_id, "project_id": t.project_id,
            "application_id": t.application_id, "person_ref": t.person_ref, "start": t.start, "end": t.end,
            "rent_fen": t.rent_fen, "status": t.status, "end_reason": t.end_reason, "ended_on": t.ended_on,
            "notice_end_on": t.notice_end_on, "violation_points": _points(t.violation_points_tenths),
            "termination_open": t.termination_open}


class TenancyEndpoints:
    @api("GET", "/tenancies/<tenancy_id>", roles=READERS, summary="A tenancy, its points and termination flag")
    def get_tenancy(self, req):
        with self.db.read() as s:
            t = s.get(models.Tenancy, req.path["tenancy_id"])
            if t is None:
                raise NotFound(f"tenancy {req.path['tenancy_id']} does not exist")
            return tenancy_view(t)

    @api("POST", "/tenancies/<tenancy_id>/move-out", body=schemas.MoveOutIn, roles=OFFICERS,
         summary="End a tenancy (tenancy.ended): voluntary, revocation, violations, contract_end")
    def move_out(self, req):
        with self.db.unit_of_work() as uow:
            t = end_tenancy(uow, req.path["tenancy_id"], req.body["reason"], req.body["on"])
            uow.commit()
        return tenancy_view(t)

    @api("POST", "/admin/tenancies/process-notices", body=schemas.OnIn, roles=OFFICERS,
         summary="End tenancies whose revocation notice period or contract has run out (also daily)")
    def process_notices(self, req):
        return self._process_notices(req.body.get("on") or policy.today())

    @timer(interval=24 * 3600)
    def process_notices_timer(self):
        self._process_notices(policy.today())

    def _process_notices(self, on: date) -> dict:
        with self.db.read() as s:
            due = s.execute(select(models.Tenancy.id, models.Tenancy.notice_end_on, models.Tenancy.end).where(
                models.Tenancy.status == "active",
                or_(models.Tenancy.notice_end_on <= on, models.Tenancy.end < on))).all()
        ended = {"revocation": 0, "contract_end": 0}
        for tenancy_id, notice_end, end in due:
            reason = "revocation" if notice_end is not None and notice_end <= on else "contract_end"
            try:
                with self.db.unit_of_work() as uow:
                    end_tenancy(uow, tenancy_id, reason, notice_end if reason == "revocation" else end)
                    uow.commit()
                ended[reason] += 1
            except Conflict:
                continue
        return {"ended": ended}

    @api("POST", "/tenancies/<tenancy_id>/violations", body=schemas.ViolationIn, roles=OFFICERS, status=201,
         summary="Record a violation with deduction points (violation.recorded)")
    def add_violation(self, req):
        with self.db.unit_of_work() as uow:
            t = uow.session.get(models.Tenancy, req.path["tenancy_id"])
            if t is None:
                raise NotFound(f"tenancy {req.path['tenancy_id']} does not exist")
            if t.status != "active":
                raise Conflict(f"tenancy {t.id} has ended")
            v = record_violation(uow, t, req.body["kind"], req.body["note"], req.body["on"],
                                 policy.violation_policy(self.config))
            uow.commit()
        return {"violation_id": v.id, "points": _points(v.points_tenths),
                "total_points": _points(v.total_after_tenths), "termination_open": t.termination_open}

    @inbox_handler("finance", "rent.overdue", schema=schemas.RentOverdueIn)
    def on_rent_overdue(self, event):
        """An arrears violation once the rent is overdue past the policy threshold; one per
        tenancy and period however many reminders finance sends."""
        d = event.data
        vpolicy = policy.violation_policy(self.config)
        with self.db.unit_of_work() as uow:
            if not vrules.arrears_violation_due(d["days_overdue"], vpolicy):
                uow.commit()
                return
            t = uow.session.get(models.Tenancy, d["tenancy_id"])
            if t is None:
                raise NotFound(f"rent.overdue for unknown tenancy {d['tenancy_id']}")
            already = uow.session.scalar(select(models.Violation.id).where(
                models.Violation.tenancy_id == t.id, models.Violation.kind == "rent_arrears",
                models.Violation.period == d["period"]))
            if t.status == "active" and already is None:
                record_violation(uow, t, "rent_arrears", f"rent {d['period']} overdue {d['days_overdue']} days",
                                 event.occurred_at.astimezone(policy.LOCAL).date(), vpolicy, period=d["period"])
            uow.commit()

    @api("GET", "/occupancy", query=schemas.OccupancyQuery, roles=READERS,
         summary="Occupancy rate (入住率) and vacancy durations by project, building or category")
    def occupancy(self, req):
        by = req.query["by"]
        now = utc_now()
        groups: dict = defaultdict(lambda: {"units": 0, "occupied": 0, "vacant": 0, "offered": 0,
                                            "reserved": 0, "maintenance": 0, "_vac": []})
        with self.db.read() as s:
            for u in s.execute(select(models.Unit.project_id, models.Unit.building, models.Unit.category,
                                      models.Unit.status, models.Unit.vacant_since)):
                key = {"project": u.project_id, "building": f"{u.project_id}/{u.building}",
                       "category": u.category}[by]
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
        return {"by": by, "groups": out}
