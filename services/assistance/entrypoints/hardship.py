"""The hardship registry over HTTP."""

from __future__ import annotations

from services.common.http import api

from .. import hardship, roles, schemas


class HardshipEntrypoints:
    @api("POST", "/hardship-households", body=schemas.HardshipHouseholdIn, roles=roles.REGISTER_HARDSHIP,
         status=201, summary="Register a hardship household (困难职工家庭建档)")
    def register_hardship(self, req):
        body = req.body
        with self.db.unit_of_work() as uow:
            household = hardship.register_household(uow, self.clock.now(), body["id_number"], body["name"],
                                                    body["category"], req.principal.ref,
                                                    str(self.config["PERSON_REF_KEY"]).encode())
            uow.commit()
        return {"household_id": household.id, "person_ref": household.person_ref, "category": household.category}
