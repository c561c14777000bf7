"""The applications nameko service (skeleton: keeps hardship categories for points)."""

from __future__ import annotations

from services.common.db import Database
from services.common.events.contracts import utc_now
from services.common.events.inbox import inbox_handler
from services.common.service import PlatformService

from . import models, schemas


class ApplicationsService(PlatformService):
    name = "applications"
    db = Database(models.metadata)

    @inbox_handler("assistance", "hardship.registered", schema=schemas.HardshipRegisteredIn)
    def on_hardship_registered(self, event):
        data = event.data
        with self.db.unit_of_work() as uow:
            status = uow.session.get(models.HardshipStatus, data["person_ref"])
            if status is None:
                status = models.HardshipStatus(person_ref=data["person_ref"])
                uow.session.add(status)
            status.category = data["category"]
            status.household_id = data["household_id"]
            status.updated_at = utc_now()
            uow.commit()
