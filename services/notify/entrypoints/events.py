"""EventEntrypoints: one idempotent inbox handler per producing service, bound to all of its
event types (routing key ``#``), so notify hears every service's events (catalogue.py; the
provisional finance types included) through four queues rather than one per type: a queue per
type made 38 quorum queues, whose declaration made start-up slow enough that a SIGTERM during
it hung nameko's consumer shutdown. Each handler records the event's deliveries in its
transaction and returns: sending is the sender's (deliveries.py, sender.py).

A type notify does not know (a producer's new type, not yet in the catalogue) is acknowledged
and recorded in the inbox with nothing to send; the catalogue's staleness test says to add it.
"""

from __future__ import annotations

import logging

from services.common.events.inbox import inbox_handler

from .. import catalogue, deliveries, notices

log = logging.getLogger(__name__)
ALL_TYPES = "#"


def handler_name(producer: str) -> str:
    return f"route_{producer}_events"


def _handler(producer: str):
    # schema=None: notify reads data leniently (templates were checked against the contract
    # at upload; a provisional type has no schema to load with)
    @inbox_handler(producer, ALL_TYPES)
    def handle(self, event):
        with self.db.unit_of_work() as uow:
            if catalogue.event_type(event.event_type) is None:
                log.warning("%s from %s is not in notify's catalogue: nothing to send", event.event_type, producer)
            else:
                now = self.clock.now()
                deliveries.record_event(uow, now, event, self.outbound.settings)
                notices.publish_from_event(uow, now, event, allocation_days=self.outbound.board_days,
                                           objection_url=self.outbound.objection_url)
            uow.commit()

    handle.__name__ = handle.__qualname__ = handler_name(producer)
    handle.__doc__ = f"Every event of {producer} → deliveries under the routing in force."
    return handle


class EventEntrypoints:
    pass


for _producer in catalogue.PRODUCERS:
    setattr(EventEntrypoints, handler_name(_producer), _handler(_producer))
