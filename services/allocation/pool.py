"""The pool (轮候库): a read model of approved applications, fed by applications' events."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from services.common.events.contracts import utc_now
from services.common.events.inbox import inbox_handler
from services.common.http import api

from . import models, policy, schemas
from .domain.ranking import PoolEntry
from .offers import withdraw_live_offers
from .persist import dumps

READERS = ("district_officer", "city_officer", "auditor")


def _local_date(ts):
    return ts.astimezone(policy.LOCAL).date()


class PoolHandlers:
    @inbox_handler("applications", "application.approved", schema=schemas.ApplicationApprovedIn)
    def on_application_approved(self, event):
        d = event.data
        # The domain refuses duplicate preferences etc.; a broken event goes to the DLQ.
        PoolEntry(d["application_id"], d["person_ref"], d["points_tenths"], d["household_size"],
                  d["programme"], tuple(d["preferences"]), frozenset(d["priority_groups"]),
                  d["needs_accessible"])
        with self.db.unit_of_work() as uow:
            row = uow.session.get(models.PoolEntry, d["application_id"]) or models.PoolEntry(
                application_id=d["application_id"], declines=0, suspended_until=None)
            row.person_ref = d["person_ref"]
            row.programme = d["programme"]
            row.district = d["district"]
            row.points_tenths = d["points_tenths"]
            row.points_policy_version = int(d["breakdown"].get("policy_version", 0))
            row.breakdown = dumps(d["breakdown"])
            row.household_size = d["household_size"]
            row.preferences = dumps(list(d["preferences"]))
            row.priority_groups = dumps(sorted(set(d["priority_groups"])))
            row.needs_accessible = d["needs_accessible"]
            row.status = "active"
            row.approved_at = d["approved_at"]
            row.updated_at = utc_now()
            uow.session.add(row)
            uow.commit()

    @inbox_handler("applications", "application.points_changed", schema=schemas.PointsChangedIn)
    def on_points_changed(self, event):
        """Batched point changes; applications not in the pool are ignored. (The breakdown
        kept is the one from approval; `points_policy_version` says which policy the points
        follow now.)"""
        with self.db.unit_of_work() as uow:
            for change in event.data["changes"]:
                row = uow.session.get(models.PoolEntry, change["application_id"])
                if row is None:
                    continue
                row.points_tenths = change["points_tenths"]
                row.priority_groups = dumps(sorted(set(change["priority_groups"])))
                row.points_policy_version = event.data["policy_version"]
                row.updated_at = utc_now()
            uow.commit()

    @inbox_handler("applications", "eligibility.revoked", schema=schemas.EligibilityRevokedIn)
    def on_eligibility_revoked(self, event):
        """Leave the pool; live offers lapse; an active tenancy gets a scheduled end after the
        notice period (ended by POST /admin/tenancies/process-notices or the daily timer)."""
        d = event.data
        on = _local_date(d["revoked_at"])
        with self.db.unit_of_work() as uow:
            row = uow.session.get(models.PoolEntry, d["application_id"])
            if row is not None:
                row.status = "revoked"
                row.updated_at = utc_now()
            withdraw_live_offers(uow, d["application_id"], on)
            notice_end = on + timedelta(days=policy.revocation_notice_days(self.config))
            for tenancy in uow.session.scalars(select(models.Tenancy).where(
                    models.Tenancy.application_id == d["application_id"], models.Tenancy.status == "active")):
                if tenancy.notice_end_on is None or tenancy.notice_end_on > notice_end:
                    tenancy.notice_end_on = notice_end
            uow.commit()

    @inbox_handler("applications", "application.withdrawn", schema=schemas.ApplicationWithdrawnIn)
    def on_application_withdrawn(self, event):
        d = event.data
        with self.db.unit_of_work() as uow:
            row = uow.session.get(models.PoolEntry, d["application_id"])
            if row is not None and row.status == "active":
                row.status = "withdrawn"
                row.updated_at = utc_now()
            withdraw_live_offers(uow, d["application_id"], _local_date(d["withdrawn_at"]))
            uow.commit()

    @api("GET", "/pool", query=schemas.PoolQuery, roles=READERS,
         summary="The pool (轮候库): approved applications by points (person_ref only)")
    def list_pool(self, req):
        q = req.query
        stmt = select(models.PoolEntry)
        if q.get("programme"):
            stmt = stmt.where(models.PoolEntry.programme == q["programme"])
        if q.get("status"):
            stmt = stmt.where(models.PoolEntry.status == q["status"])
        with self.db.read() as s:
            total = s.scalar(select(func.count()).select_from(stmt.subquery()))
            rows = s.scalars(stmt.order_by(models.PoolEntry.points_tenths.desc(),
                                           models.PoolEntry.application_id)
                             .offset((q["page"] - 1) * q["page_size"]).limit(q["page_size"])).all()
        return {"total": total, "page": q["page"], "page_size": q["page_size"], "entries": [
            {"application_id": r.application_id, "person_ref": r.person_ref, "programme": r.programme,
             "points": f"{r.points_tenths // 10}.{r.points_tenths % 10}", "points_tenths": r.points_tenths,
             "breakdown": json.loads(r.breakdown), "household_size": r.household_size,
             "preferences": json.loads(r.preferences), "priority_groups": json.loads(r.priority_groups),
             "needs_accessible": r.needs_accessible, "status": r.status, "declines": r.declines,
             "suspended_until": r.suspended_until} for r in rows]}
