"""Long-term support plans (长期帮扶) and their follow-up visits over HTTP."""

from __future__ import annotations

from services.common import paging
from services.common.http import api

from .. import roles, schemas, support, views


class SupportEntrypoints:
    @api("POST", "/support-plans", body=schemas.SupportPlanIn, roles=roles.MANAGE_SUPPORT, status=201,
         response=schemas.SupportPlanOut,
         summary="Open a long-term support plan for an active hardship household: job placement, training, "
                 "micro-loan referral or a public-welfare post (one open plan per goal)")
    def open_support_plan(self, req):
        b = req.body
        with self.db.unit_of_work() as uow:
            plan = support.open_plan(uow, self.clock.now(), b["household_id"], b["goal"], b["note"], req.principal.ref)
            uow.commit()
            return views.plan_view(plan, [], self.clock.today())

    @api("GET", "/support-plans", query=schemas.SupportPlanQuery, roles=roles.READ_SUPPORT,
         response=schemas.SupportPlanPage, summary="Support plans with their follow-ups, newest first")
    def list_support_plans(self, req):
        q, today = req.query, self.clock.today()
        with self.db.read() as s:
            total, rows = support.find_plans(s, household_id=q["household_id"], status=q["status"], page=q["page"],
                                             page_size=q["page_size"])
            return paging.page_reply(q, total, [views.plan_view(p, support.follow_ups(s, p.id), today) for p in rows])

    @api("POST", "/support-plans/<plan_id>/follow-ups", body=schemas.FollowUpIn, roles=roles.MANAGE_SUPPORT,
         status=201, response=schemas.FollowUpOut,
         summary="Schedule a follow-up visit (回访) of a plan, due on a day, by the calling officer")
    def schedule_follow_up(self, req):
        with self.db.unit_of_work() as uow:
            visit = support.schedule(uow, self.clock.now(), self.clock.today(), req.path["plan_id"],
                                     req.body["due_on"], req.principal.ref, req.body["note"])
            uow.commit()
            return views.follow_up_view(visit, self.clock.today())

    @api("POST", "/follow-ups/<follow_up_id>/outcome", body=schemas.OutcomeIn, roles=roles.MANAGE_SUPPORT,
         response=schemas.FollowUpOut, summary="Record a follow-up's outcome (once); optionally close its plan")
    def record_follow_up(self, req):
        b = req.body
        with self.db.unit_of_work() as uow:
            visit = support.record_outcome(uow, self.clock.now(), req.path["follow_up_id"], b["outcome"], b["note"],
                                           req.principal.ref, b["close_plan"])
            uow.commit()
            return views.follow_up_view(visit, self.clock.today())

    @api("GET", "/follow-ups/overdue", query=schemas.OverdueQuery, roles=roles.READ_SUPPORT,
         response=schemas.FollowUpList, summary="Follow-ups past their due date without an outcome, oldest first")
    def overdue_follow_ups(self, req):
        today = self.clock.today()
        with self.db.read() as s:
            rows = support.overdue(s, today, req.query["officer"], req.query["limit"])
            return {"items": [views.follow_up_view(f, today) for f in rows]}

    @api("GET", "/support-plans/statistics", roles=roles.READ_SUPPORT, response=schemas.SupportStatistics,
         summary="Support outcome statistics (aggregates only): plans by goal and status, follow-ups done")
    def support_statistics(self, req):
        with self.db.read() as s:
            return support.statistics(s)
