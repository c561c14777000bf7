"""Tenancy (租赁) endpoints: read, list, move-out, scheduled ends (also daily), violations from
staff and from finance's rent.overdue, occupancy."""

from __future__ import annotations

from datetime import date

from nameko.timer import timer

from services.common import paging
from services.common.errors import Conflict
from services.common.events.inbox import inbox_handler
from services.common.http import api

from .. import roles, schemas, settings, tenancies, views


class TenanciesEntrypoints:
    @api("GET", "/tenancies", query=schemas.TenanciesQuery, roles=roles.SEE_TENANCIES,
         response=schemas.TenanciesPageOut,
         summary="Tenancies, newest first, by status, project, unit, application or person_ref")
    def list_tenancies(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: tenancies.tenancies_page(s, q), views.tenancy_view)

    @api("GET", "/tenancies/<tenancy_id>", roles=roles.SEE_TENANCIES, response=schemas.TenancyOut,
         summary="A tenancy, its points and termination flag")
    def get_tenancy(self, req):
        with self.db.read() as s:
            return views.tenancy_view(tenancies.get_tenancy(s, req.path["tenancy_id"]))

    @api("POST", "/tenancies/<tenancy_id>/move-out", body=schemas.MoveOutIn, roles=roles.MANAGE_TENANCIES,
         response=schemas.TenancyOut,
         summary="End a tenancy (tenancy.ended), dated today or earlier: voluntary, revocation, violations, "
                 "contract_end")
    def move_out(self, req):
        with self.db.unit_of_work() as uow:
            t = tenancies.move_out(uow, self.clock.now(), self.clock.today(), req.body["on"], req.path["tenancy_id"],
                                   req.body["reason"], self.clock.calendar)
            uow.commit()
        return views.tenancy_view(t)

    @api("POST", "/admin/tenancies/process-notices", body=schemas.OnIn, roles=roles.MANAGE_TENANCIES,
         response=schemas.NoticesProcessedOut,
         summary="End tenancies whose revocation notice period or contract has run out, for today or a past "
                 "day (also daily)")
    def process_notices(self, req):
        today = self.clock.today()
        on = req.body.get("on") or today
        tenancies.check_run_date(on, today)
        return self._process_notices(on)

    @timer(interval=24 * 3600)
    def process_notices_timer(self):
        self._process_notices(self.clock.today())

    def _process_notices(self, on: date) -> dict:
        with self.db.read() as s:
            due = tenancies.due_to_end(s, on)
        ended = {"revocation": 0, "contract_end": 0}
        for tenancy_id, reason, end_on in due:  # one transaction per tenancy
            try:
                with self.db.unit_of_work() as uow:
                    tenancies.end_tenancy(uow, self.clock.now(), self.clock.today(), end_on, tenancy_id, reason,
                                          self.clock.calendar)
                    uow.commit()
                ended[reason] += 1
            except Conflict:
                continue
        return {"ended": ended}

    @api("POST", "/tenancies/<tenancy_id>/violations", body=schemas.ViolationIn, roles=roles.MANAGE_TENANCIES,
         status=201, response=schemas.ViolationRecordedOut,
         summary="Record a violation with deduction points (violation.recorded), dated during the tenancy and "
                 "not after today")
    def add_violation(self, req):
        b = req.body
        with self.db.unit_of_work() as uow:
            v, t = tenancies.add_violation(uow, self.clock.now(), self.clock.today(), req.path["tenancy_id"],
                                           b["kind"], b["note"], b["on"], settings.violation_policy(self.config))
            uow.commit()
        return {"violation_id": v.id, "points": views.points_text(v.points_tenths),
                "total_points": views.points_text(v.total_after_tenths), "termination_open": t.termination_open}

    @api("GET", "/violations", query=schemas.ViolationsQuery, roles=roles.SEE_TENANCIES,
         response=schemas.ViolationsPageOut, summary="Violations, latest first, by tenancy and kind")
    def list_violations(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: tenancies.violations_page(s, q), views.violation_view)

    @inbox_handler("finance", "rent.overdue", schema=schemas.RentOverdueIn)
    def on_rent_overdue(self, event):
        d = event.data
        with self.db.unit_of_work() as uow:  # committed even when nothing is due: the event is handled
            tenancies.record_arrears(uow, self.clock.now(), self.clock.calendar.date_of(event.occurred_at),
                                     d["tenancy_id"], d["period"], d["days_overdue"],
                                     settings.violation_policy(self.config))
            uow.commit()

    @api("GET", "/occupancy", query=schemas.OccupancyQuery, roles=roles.SEE_TENANCIES, response=schemas.OccupancyOut,
         summary="Occupancy rate (入住率) and vacancy durations by project, building or category")
    def occupancy(self, req):
        by = req.query["by"]
        with self.db.read() as s:
            return {"by": by, "groups": tenancies.occupancy(s, self.clock.now(), self.clock.today(), by)}
