"""The idempotent inbox: an event handler entrypoint that never doubles an effect and never
silently drops an event.

- The handled `event_id` is recorded in the same transaction as the handler's effect (the
  worker's first `self.db.unit_of_work()` does it); a redelivered event finds it there and is
  acknowledged without running again.
- The queue is a durable quorum queue with a delivery limit and a dead-letter queue
  (`<queue>.dlq`). A handler that raises is requeued; after `max_deliveries` attempts the
  broker moves the message to the DLQ. (Plain nameko `event_handler` acks and drops a
  message whose handler raised.) An envelope that breaks the contract (not JSON, a missing
  field, a `schema_version` this handler does not understand, another event type than the
  handler's) goes to the DLQ at once. Whoever dead-letters says why: the message in the DLQ
  carries `x-anju-dead-letter-reason`, `x-anju-handler` and `x-anju-queue` headers (the
  handler's last exception after `max_deliveries` attempts), so `anju events replay` can
  move it back once the cause is fixed.
- The database being unreachable is not the event's fault: the handler keeps the message
  (unacknowledged, so it is neither redelivered nor counted towards the delivery limit) and
  retries with a growing pause until the database answers. While the database is away, the
  consumer's prefetch fills with held messages and it stops taking more: the rest stay queued.

    @inbox_handler("assistance", "hardship.registered", schema=HardshipRegisteredIn)
    def on_hardship_registered(self, event):      # event: ReceivedEvent
        with self.db.unit_of_work() as uow:
            ...
            uow.commit()
"""

from __future__ import annotations

import functools
import logging

import amqp.exceptions
import eventlet
from kombu import Connection, Producer, Queue
from nameko.events import EventHandler, get_event_exchange
from nameko.messaging import QueueConsumer

from ..db import database_unavailable
from ..errors import ContractViolation, DuplicateEvent
from ..metrics import INBOX_DEAD_LETTERED, INBOX_DUPLICATES
from .contracts import parse_received

log = logging.getLogger(__name__)


def dead_letter_queue_name(queue_name: str) -> str:
    return f"{queue_name}.dlq"


class InboxQueueConsumer(QueueConsumer):
    """nameko's queue consumer, except for a body that cannot be decoded (not JSON though
    labelled so): kombu's default acknowledges and drops it with a log line (an event lost
    without trace); here the handler dead-letters it with the reason."""

    def get_consumers(self, consumer_cls, channel):
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            consumer.on_decode_error = functools.partial(self._undecodable, provider)
        return consumers

    # The connection a message came on can die while its worker runs (a broker restart; a
    # handler that blocked the process past the heartbeat, so the broker cut it). Acking or
    # requeueing on it then raises a socket error, which nameko lets escape and which kills
    # the whole container. The broker has already put the message back: it will be delivered
    # again and the inbox absorbs it if its effect was committed.
    def ack_message(self, message):
        self._settle(super().ack_message, message, "ack")

    def requeue_message(self, message):
        self._settle(super().requeue_message, message, "requeue")

    @staticmethod
    def _settle(how, message, what):
        try:
            how(message)
        except (OSError, amqp.exceptions.ConnectionError, amqp.exceptions.ChannelError) as exc:
            log.warning("could not %s message %s (%r); its connection is gone, so the broker will "
                        "deliver it again", what, message.properties.get("message_id"), exc)

    def _undecodable(self, provider, message, exc):
        INBOX_DEAD_LETTERED.labels(*provider._labels()).inc()
        provider.dead_letter(message, f"event body is not JSON (cannot be decoded): {exc}")


def topic_matches(binding: str, routing_key: str) -> bool:
    """Whether an AMQP topic binding (``*`` one word, ``#`` zero or more) covers a routing key:
    a handler bound to ``#`` (notify hears all of a producer's types on one queue) accepts every
    type, one bound to ``application.approved`` only that type."""
    if "*" not in binding and "#" not in binding:
        return binding == routing_key
    return _topic_words(binding.split("."), routing_key.split("."))


def _topic_words(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_topic_words(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _topic_words(rest, words[1:])


class InboxEventHandler(EventHandler):
    queue_consumer = InboxQueueConsumer()

    # Pauses between attempts while the database is unreachable (seconds; the last repeats).
    DATABASE_WAITS = (0.2, 0.5, 1.0, 2.0, 4.0)

    def __init__(self, source_service, event_type, schema=None, max_deliveries: int = 5,
                 schema_version: int = 1, **kwargs):
        self.data_schema = schema
        self.max_deliveries = max_deliveries
        self.schema_version = schema_version  # the major version of the envelope's data it reads
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
                # A backstop: the handler dead-letters on its last delivery itself, with the reason.
                "x-delivery-limit": self.max_deliveries,
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
            if not topic_matches(self.event_type, event.event_type):
                raise ContractViolation(f"unknown event type {event.event_type!r} on the queue of "
                                        f"{self.event_type!r}")
            if event.schema_version != self.schema_version:
                raise ContractViolation(f"{event.event_type} schema_version {event.schema_version} is not "
                                        f"understood (this consumer reads version {self.schema_version})")
        except ContractViolation as exc:
            INBOX_DEAD_LETTERED.labels(*self._labels()).inc()
            self.dead_letter(message, str(exc))
            return
        context_data = self.unpack_message_headers(message)
        context_data["event_id"] = event.event_id
        self._spawn(message, event, context_data, 0)

    def _spawn(self, message, event, context_data, waits: int) -> None:
        try:
            self.container.spawn_worker(
                self, (event,), {}, context_data=context_data,
                handle_result=lambda worker_ctx, result=None, exc_info=None: self.handle_result(
                    message, worker_ctx, result, exc_info, waits=waits),
            )
        except Exception:  # ContainerBeingKilled: give the message back
            self.queue_consumer.requeue_message(message)

    def dead_letter(self, message, reason: str) -> None:
        """Put the message in this handler's DLQ with the reason in its headers, then drop it
        from the queue. Published with confirms before the ack: a crash in between leaves
        the message on the queue too (a replay is absorbed by the inbox), never in neither."""
        queue = self.queue.name
        log.error("%s: dead-lettering message %s: %s", self.handler_name,
                  message.properties.get("message_id"), reason)
        headers = dict(message.headers or {})
        headers.update({"x-anju-dead-letter-reason": reason[:1000], "x-anju-handler": self.handler_name,
                        "x-anju-queue": queue})
        try:
            with Connection(self.container.config["AMQP_URI"], connect_timeout=5,
                            transport_options={"confirm_publish": True}) as conn:
                Producer(conn.default_channel).publish(
                    message.body, exchange="", routing_key=dead_letter_queue_name(queue), headers=headers,
                    delivery_mode=2, content_type=message.content_type or "application/json",
                    content_encoding=message.content_encoding or "utf-8",
                    message_id=message.properties.get("message_id"), retry=False)
        except Exception as exc:  # noqa: BLE001 - the broker's own dead-lettering is the fallback
            log.warning("%s: could not publish to the DLQ (%r); rejecting instead", self.handler_name, exc)
            try:
                message.reject(requeue=False)
            except (OSError, amqp.exceptions.ConnectionError, amqp.exceptions.ChannelError):
                pass  # the connection is gone: the broker delivers it again, and we try again
            return
        self.queue_consumer.ack_message(message)

    def inbox_claim(self, worker_ctx):
        event = worker_ctx.args[0]
        return (event.event_id, self.handler_name, event.event_type)

    def _hold(self, message, worker_ctx, waits: int) -> None:
        """The database is away: keep the message and run the handler again after a pause."""
        pause = self.DATABASE_WAITS[min(waits, len(self.DATABASE_WAITS) - 1)]
        event, context_data = worker_ctx.args[0], dict(worker_ctx.context_data)

        def again():
            eventlet.sleep(pause)
            self._spawn(message, event, context_data, waits + 1)

        self.container.spawn_managed_thread(again, identifier=f"{self.handler_name}.database-wait")

    def handle_result(self, message, worker_ctx, result=None, exc_info=None, waits: int = 0):
        if exc_info is not None and isinstance(exc_info[1], DuplicateEvent):
            INBOX_DUPLICATES.labels(*self._labels()).inc()
            log.info("%s: %s", self.handler_name, exc_info[1])
            self.queue_consumer.ack_message(message)
            return None, None
        if exc_info is not None and database_unavailable(exc_info[1]):
            if waits == 0:
                log.warning("%s: database unavailable on %s; holding the message until it answers",
                            self.handler_name, worker_ctx.data.get("event_id"))
            self._hold(message, worker_ctx, waits)
            return None, None
        if exc_info is not None:
            delivery = (message.headers or {}).get("x-delivery-count", 0) + 1
            log.warning("%s failed on %s (delivery %s of %s): %r", self.handler_name,
                        worker_ctx.data.get("event_id"), delivery, self.max_deliveries, exc_info[1])
            if delivery >= self.max_deliveries:
                self.dead_letter(message, f"handler failed {delivery} times; last: {exc_info[1]!r}")
                return result, exc_info
        self.handle_message_processed(message, result, exc_info)
        return result, exc_info


inbox_handler = InboxEventHandler.decorator
