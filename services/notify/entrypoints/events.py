"""EventEntrypoints: one idempotent inbox handler per event type of the catalogue
(catalogue.py; every service's events, and the provisional finance types). Each records the
event's deliveries in its transaction and returns: sending is the sender's (deliveries.py)."""

from __future__ import annotations

from services.common.events.inbox import inbox_handler

from .. import catalogue, deliveries


def handler_name(event_type: str) -> str:
    return "route_" + event_type.replace(".", "_")


def _handler(producer: str, event_type: str):
    # schema=None: notify reads data leniently (templates were checked against the contract
    # at upload; a provisional type has no schema to load with)
    @inbox_handler(producer, event_type)
    def handle(self, event):
        with self.db.unit_of_work() as uow:
            deliveries.record_event(uow, self.clock.now(), event, self.outbound.settings)
            uow.commit()

    handle.__name__ = handle.__qualname__ = handler_name(event_type)
    handle.__doc__ = f"{producer}'s {event_type} → deliveries under the routing in force."
    return handle


class EventEntrypoints:
    pass


for _et in catalogue.catalogue().values():
    setattr(EventEntrypoints, handler_name(_et.event_type), _handler(_et.producer, _et.event_type))
