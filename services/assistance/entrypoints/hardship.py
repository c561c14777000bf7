"""The hardship registry over HTTP."""

from __future__ import annotations

from services.common import paging
from services.common.http import api

from .. import hardship, moving_in, roles, schemas, views


class HardshipEntrypoints:
    @api("POST", "/hardship-households", body=schemas.HardshipHouseholdIn, roles=roles.REGISTER_HARDSHIP,
         status=201, response=schemas.RegisteredOut,
         summary="Register a hardship household (困难职工家庭建档); a person with an active household is refused")
    def register_hardship(self, req):
        body = req.body
        with self.db.unit_of_work() as uow:
            household = hardship.register_household(uow, self.clock.now(), body["id_number"], body["name"],
                                                    body["category"], req.principal.ref,
                                                    str(self.config["PERSON_REF_KEY"]).encode(),
                                                    on=self.clock.today())
            uow.commit()
        return {"household_id": household.id, "person_ref": household.person_ref, "category": household.category}

    @api("GET", "/hardship-households", query=schemas.HardshipQuery, roles=roles.READ_HARDSHIP,
         response=schemas.HouseholdPage,
         summary="Hardship households, newest first, by category, status or person_ref (names masked "
                 "except for district officers)")
    def list_hardship(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: hardship.find_households(s, **q),
                                lambda h: views.household_view(h, req.principal))

    @api("GET", "/hardship-households/<household_id>", roles=roles.READ_HARDSHIP, response=schemas.HouseholdOut,
         summary="One hardship household (real name and ID number for district officers, masked otherwise)")
    def read_hardship(self, req):
        with self.db.read() as session:
            return views.household_view(hardship.get_household(session, req.path["household_id"]), req.principal)

    @api("POST", "/hardship-households/<household_id>/closing", body=schemas.CloseHouseholdIn,
         roles=roles.CLOSE_HARDSHIP, response=schemas.ClosedOut,
         summary="Close a hardship household (销档) with a reason; publishes hardship.closed")
    def close_hardship(self, req):
        with self.db.unit_of_work() as uow:
            h = hardship.close_household(uow, self.clock.now(), req.path["household_id"], req.body["reason"],
                                         req.body["note"], req.principal.ref)
            uow.commit()
            return {"household_id": h.id, "status": h.status, "closed_reason": h.closed_reason,
                    "closed_at": h.closed_at}

    @api("POST", "/hardship-households/<household_id>/verification", body=schemas.VerificationIn,
         roles=roles.VERIFY_HARDSHIP, response=schemas.HouseholdOut,
         summary="Verify a household (核实 / 年度复核) on the evidence listed; its next review a year later (or the "
                 "day given), in the verifying officer's queue")
    def verify_hardship(self, req):
        with self.db.unit_of_work() as uow:
            h = hardship.verify(uow, self.clock.now(), self.clock.today(), req.path["household_id"],
                                req.principal.ref, req.body["evidence"], req.body["next_review_on"])
            uow.commit()
            return views.household_view(h, req.principal)

    @api("GET", "/review-queue", query=schemas.ReviewQueueQuery, roles=roles.READ_HARDSHIP,
         response=schemas.ReviewQueue,
         summary="Households due for their yearly re-verification by a day (default today), one officer's or "
                 "everyone's, the longest due first")
    def review_queue(self, req):
        today = self.clock.today()
        with self.db.read() as s:
            rows = hardship.review_queue(s, req.query["due_by"] or today, req.query["officer"], req.query["limit"])
            return {"items": [views.review_due_view(h, today) for h in rows]}

    @api("POST", "/hardship-households/<household_id>/not-moved-in-reason", body=schemas.NotMovedInReasonIn,
         roles=roles.RECORD_MOVING_IN, response=schemas.NotMovedInOut,
         summary="Record why a household offered or allocated a unit has not moved in")
    def record_not_moved_in(self, req):
        with self.db.unit_of_work() as uow:
            h = moving_in.record_reason(uow, self.clock.now(), req.path["household_id"], req.body["reason"],
                                        req.principal.ref)
            uow.commit()
            return views.not_moved_in_view(h)

    @api("GET", "/reports/not-moved-in", query=paging.PageQuery, roles=roles.READ_HARDSHIP,
         response=schemas.NotMovedInPage,
         summary="Registry households offered or allocated a unit but not moved in, with staff's reason, the "
                 "longest waiting first (names masked)")
    def not_moved_in_report(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: moving_in.not_moved_in(s, q["page"], q["page_size"]),
                                views.not_moved_in_view)
