"""The assistance nameko service: thin — validate, domain, persist with the outbox, reply."""

from __future__ import annotations

import uuid

from services.common.db import Database
from services.common.events.contracts import utc_now
from services.common.http import api
from services.common.identity import mask_name, parse_resident_id, person_ref
from services.common.service import PlatformService

from . import models, schemas

OFFICERS = ("district_officer", "city_officer")


class AssistanceService(PlatformService):
    name = "assistance"
    db = Database(models.metadata)

    @api("POST", "/hardship-households", body=schemas.HardshipHouseholdIn, roles=OFFICERS,
         status=201, summary="Register a hardship household (困难职工家庭建档)")
    def register_hardship(self, req):
        body = req.body
        id_number = parse_resident_id(body["id_number"]).number
        ref = person_ref(id_number, self.config["PERSON_REF_KEY"].encode())
        household = models.HardshipHousehold(
            id=str(uuid.uuid4()), person_ref=ref, name=body["name"], id_number=id_number,
            name_masked=mask_name(body["name"]),
            category=body["category"], registered_by=req.principal.ref, registered_at=utc_now())
        with self.db.unit_of_work() as uow:
            uow.session.add(household)
            uow.publish("hardship.registered", {
                "household_id": household.id, "person_ref": ref,
                "category": household.category, "name_masked": household.name_masked})
            uow.commit()
        return {"household_id": household.id, "person_ref": ref, "category": household.category}
