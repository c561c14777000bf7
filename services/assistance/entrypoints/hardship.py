"""The hardship registry over HTTP."""

from __future__ import annotations

from services.common.http import api

from .. import hardship, roles, schemas, views


class HardshipEntrypoints:
    @api("POST", "/hardship-households", body=schemas.HardshipHouseholdIn, roles=roles.REGISTER_HARDSHIP,
         status=201, response=schemas.RegisteredOut,
         summary="Register a hardship household (困难职工家庭建档); a person with an active household is refused")
    def register_hardship(self, req):
        body = req.body
        with self.db.unit_of_work() as uow:
            household = hardship.register_household(uow, self.clock.now(), body["id_number"], body["name"],
                                                    body["category"], req.principal.ref,
                                                    str(self.config["PERSON_REF_KEY"]).encode())
            uow.commit()
        return {"household_id": household.id, "person_ref": household.person_ref, "category": household.category}

    @api("GET", "/hardship-households", query=schemas.HardshipQuery, roles=roles.READ_HARDSHIP,
         response=schemas.HouseholdPage,
         summary="Hardship households, newest first, by category, status or person_ref (names masked "
                 "except for district officers)")
    def list_hardship(self, req):
        q = req.query
        with self.db.read() as session:
            total, rows = hardship.find_households(session, category=q["category"], status=q["status"],
                                                   person_ref=q["person_ref"], page=q["page"],
                                                   page_size=q["page_size"])
            return {"total": total, "page": q["page"], "page_size": q["page_size"],
                    "items": [views.household_view(h, req.principal) for h in rows]}

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
