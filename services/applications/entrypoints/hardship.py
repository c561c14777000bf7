"""HardshipEntrypoints: assistance's hardship.registered / hardship.closed change a person's
hardship category, and so their points and priority groups."""

from __future__ import annotations

from services.common.events.inbox import inbox_handler

from .. import points, schemas


class HardshipEntrypoints:
    @inbox_handler("assistance", "hardship.registered", schema=schemas.HardshipRegisteredIn)
    def on_hardship_registered(self, event):
        data = event.data
        now = self.clock.now()
        with self.db.unit_of_work() as uow:
            points.hardship_changed(uow, now, self.clock.calendar, data["person_ref"], data["category"],
                                    data["household_id"],
                                    "hardship_registered")
            uow.commit()

    @inbox_handler("assistance", "hardship.closed", schema=schemas.HardshipClosedIn)
    def on_hardship_closed(self, event):
        data = event.data
        now = self.clock.now()
        with self.db.unit_of_work() as uow:
            points.hardship_changed(uow, now, self.clock.calendar, data["person_ref"], None, data.get("household_id"),
                                    "hardship_closed")
            uow.commit()
