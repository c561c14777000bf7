"""The idempotent inbox: an event handler entrypoint that never doubles an effect and never
silently drops an event.

- The handled `event_id` is recorded in the same transaction as the handler's effect (the
  worker's first `self.db.unit_of_work()` does it); a redelivered event finds it there and is
  acknowledged without running again.
- The queue is a durable quorum queue with a delivery limit and a dead-letter queue
  (`<queue>.dlq`). A handler that raises is requeued; after `max_deliveries` attempts the
  broker moves the message to the DLQ. (Plain nameko `event_handler` acks and drops a
  message whose handler raised.) An envelope that breaks the contract goes to the DLQ at once.

    @inbox_handler("assistance", "hardship.registered", schema=HardshipRegisteredIn)
    def on_hardship_registered(self, event):      # event: ReceivedEvent
        with self.db.unit_of_work() as uow:
            ...
            uow.commit()
"""

from __future__ import annotations

import logging

from kombu import Connection, Queue
from nameko.events import EventHandler, get_event_exchange

from ..errors import ContractViolation, DuplicateEvent
from ..metrics import INBOX_DEAD_LETTERED, INBOX_DUPLICATES
from .contracts import parse_received

log = logging.getLogger(__name__)


def dead_letter_queue_name(queue_name: str) -> str:
    return f"{queue_name}.dlq"


class InboxEventHandler(EventHandler):
    def __init__(self, source_service, event_type, schema=None, max_deliveries: int = 5, **kwargs):
        self.data_schema = schema
        self.max_deliveries = max_deliveries
        kwargs.setdefault("expected_exceptions", (DuplicateEvent,))
        super().__init__(source_service, event_type, requeue_on_error=True, **kwargs)

    @property
    def handler_name(self) -> str:
        return f"{self.container.service_name}.{self.method_name}"

    def setup(self):
        super().setup()  # builds nameko's queue name and binding; we replace its arguments
        name = self.queue.name
        dlq = dead_letter_queue_name(name)
        self.queue = Queue(
            name,
            exchange=get_event_exchange(self.source_service, self.container.config),
            routing_key=self.event_type,
            durable=True,
            auto_delete=False,
            queue_arguments={
                "x-queue-type": "quorum",
                "x-delivery-limit": self.max_deliveries - 1,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": dlq,
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",
            },
        )
        # The DLQ must exist before anything can be dead-lettered into it.
        with Connection(self.container.config["AMQP_URI"], connect_timeout=5) as conn:
            conn.default_channel.queue_declare(dlq, durable=True, auto_delete=False)

    def _labels(self):
        return (self.container.service_name, self.container.config.get("DISTRICT", "unknown"),
                self.method_name)

    def handle_message(self, body, message):
        try:
            event = parse_received(body, self.data_schema)
        except ContractViolation as exc:
            log.error("%s: dead-lettering message %s: %s", self.handler_name,
                      message.properties.get("message_id"), exc)
            INBOX_DEAD_LETTERED.labels(*self._labels()).inc()
            message.reject(requeue=False)
            return
        context_data = self.unpack_message_headers(message)
        context_data["event_id"] = event.event_id
        try:
            self.container.spawn_worker(
                self, (event,), {}, context_data=context_data,
                handle_result=lambda worker_ctx, result=None, exc_info=None: self.handle_result(
                    message, worker_ctx, result, exc_info),
            )
        except Exception:  # ContainerBeingKilled: give the message back
            self.queue_consumer.requeue_message(message)

    def inbox_claim(self, worker_ctx):
        event = worker_ctx.args[0]
        return (event.event_id, self.handler_name, event.event_type)

    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        if exc_info is not None and isinstance(exc_info[1], DuplicateEvent):
            INBOX_DUPLICATES.labels(*self._labels()).inc()
            log.info("%s: %s", self.handler_name, exc_info[1])
            self.queue_consumer.ack_message(message)
            return None, None
        if exc_info is not None:
            log.warning("%s failed on %s (delivery %s of %s): %r", self.handler_name,
                        worker_ctx.data.get("event_id"), message.headers.get("x-delivery-count", 0) + 1,
                        self.max_deliveries, exc_info[1])
        self.handle_message_processed(message, result, exc_info)
        return result, exc_info


inbox_handler = InboxEventHandler.decorator
