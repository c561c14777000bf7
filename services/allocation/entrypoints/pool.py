"""Pool (轮候库) entrypoints: applications' events kept in the pool; GET /pool."""

from __future__ import annotations

from services.common import paging
from services.common.events.inbox import inbox_handler
from services.common.http import api

from .. import pool, roles, schemas, settings, views


class PoolEntrypoints:
    @inbox_handler("applications", "application.approved", schema=schemas.ApplicationApprovedIn)
    def on_application_approved(self, event):
        with self.db.unit_of_work() as uow:
            pool.add_approved(uow, self.clock.now(), event.data)
            uow.commit()

    @inbox_handler("applications", "application.points_changed", schema=schemas.PointsChangedIn)
    def on_points_changed(self, event):
        with self.db.unit_of_work() as uow:
            pool.change_points(uow, self.clock.now(), event.occurred_at, event.data["policy_version"],
                               event.data["changes"])
            uow.commit()

    @inbox_handler("applications", "eligibility.revoked", schema=schemas.EligibilityRevokedIn)
    def on_eligibility_revoked(self, event):
        """Leave the pool; live offers lapse; an active tenancy gets a scheduled end after the
        notice period (ended by POST /admin/tenancies/process-notices or the daily timer)."""
        d = event.data
        with self.db.unit_of_work() as uow:
            pool.revoke(uow, self.clock.now(), self.clock.calendar.date_of(d["revoked_at"]), d["application_id"],
                        settings.revocation_notice_days(self.config))
            uow.commit()

    @inbox_handler("applications", "application.withdrawn", schema=schemas.ApplicationWithdrawnIn)
    def on_application_withdrawn(self, event):
        d = event.data
        with self.db.unit_of_work() as uow:
            pool.withdraw(uow, self.clock.now(), self.clock.calendar.date_of(d["withdrawn_at"]), d["application_id"])
            uow.commit()

    @api("GET", "/pool", query=schemas.PoolQuery, roles=roles.SEE_POOL, response=schemas.PoolPageOut,
         summary="The pool (轮候库): approved applications by points (person_ref only)")
    def list_pool(self, req):
        q = req.query
        with self.db.read() as s:
            total, rows = pool.page(s, q.get("programme"), q.get("status"), q["page"], q["page_size"])
        items = [views.pool_entry_view(r) for r in rows]
        return {**paging.page_reply(q, total, items), "entries": items}  # entries: kept for compatibility
