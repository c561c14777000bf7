"""What an operator does with the event plumbing when something went wrong: look at it
(`status`) and put parked or dead messages back on their way (`replay`). The CLI
(`anju events status|replay`) is a thin shell over these.

Replaying is safe because every consumer's inbox records handled event ids: a message that
already had its effect is acknowledged without running again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import amqp
from kombu import Connection
from sqlalchemy import func, select, update

from .inbox import InboxEventHandler, dead_letter_queue_name
from .relay import event_exchange_name

REPLAY_LIMIT = 100_000  # messages looked at per replay, at most


@dataclass(frozen=True)
class Moved:
    event_id: str
    event_type: str
    source: str
    destination: str
    reason: str
    moved: bool  # False in a dry run, or when the destination still has no queue


def unrouted_queue_name(service: str) -> str:
    return f"{event_exchange_name(service)}.unrouted"


def consumer_queues(service_cls) -> list[str]:
    """The queues of a service's @inbox_handler methods (nameko's naming)."""
    from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

    names = []
    for attr in sorted(dir(service_cls)):
        method = getattr(service_cls, attr, None)
        for ext in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(ext, InboxEventHandler):
                names.append(f"evt-{ext.source_service}-{ext.event_type}--{service_cls.name}.{attr}")
    return names


def _depth(channel, name: str) -> int | None:
    try:
        return channel.queue_declare(name, passive=True).message_count
    except amqp.exceptions.NotFound:
        return None


def _event_id(message) -> str:
    mid = message.properties.get("message_id")
    if mid:
        return str(mid)
    try:
        return str(json.loads(message.body).get("event_id", "?"))
    except (ValueError, AttributeError):
        return "?"


def _event_type(message, headers: dict) -> str:
    if headers.get("event_type"):
        return str(headers["event_type"])
    try:
        return str(json.loads(message.body).get("event_type", "?"))
    except (ValueError, AttributeError):
        return "?"


def replay(amqp_uri: str, source: str, queue: str, *, event_id: str | None = None,
           dry_run: bool = False) -> list[Moved]:
    """Move messages out of a dead-letter queue (`source="dlq"`, `queue` the consumer's queue
    or its `.dlq`) back to the consumer's queue, or out of a producer's unrouted queue
    (`source="unrouted"`, `queue` = `<service>.events.unrouted` or the service's name) back to
    the exchange they were published to. Only `event_id` if given. A message is removed from
    where it was only after the broker confirmed it at its destination; an unrouted message
    that still finds no queue stays parked."""
    if source not in ("dlq", "unrouted"):
        raise ValueError("--from must be dlq or unrouted")
    if source == "dlq":
        consumer_queue = queue.removesuffix(".dlq")
        read_from = dead_letter_queue_name(consumer_queue)
    else:
        read_from = queue if queue.endswith(".unrouted") else unrouted_queue_name(queue)
    report: list[Moved] = []
    with Connection(amqp_uri, connect_timeout=10) as conn:
        conn.connect()
        channel = conn.channel()
        count = _depth(channel, read_from)
        if count is None:
            raise ValueError(f"no queue {read_from!r} on this vhost")
        returned: list = []
        channel.events["basic_return"].add(lambda exc, exchange, routing_key, message: returned.append(message))
        channel.confirm_select()
        keep, done = [], []
        for _ in range(min(count, REPLAY_LIMIT)):
            message = channel.basic_get(read_from, no_ack=False)
            if message is None:
                break
            headers = dict(message.headers or {})
            this_id = _event_id(message)
            if event_id is not None and this_id != event_id:
                keep.append(message)
                continue
            if source == "dlq":
                exchange, routing_key = "", consumer_queue
                reason = str(headers.get("x-anju-dead-letter-reason") or _x_death_reason(headers))
            else:
                exchange = str(headers.get("x-original-exchange", ""))
                routing_key = str(headers.get("x-original-routing-key", ""))
                reason = "published when no queue was bound"
            destination = f"{exchange or '(default exchange)'} → {routing_key}"
            if dry_run:
                report.append(Moved(this_id, _event_type(message, headers), read_from, destination, reason, False))
                keep.append(message)
                continue
            headers = {k: v for k, v in headers.items() if not k.startswith("x-death") and k != "x-delivery-count"}
            headers["x-anju-replayed-from"] = read_from
            returned.clear()
            copy = amqp.Message(message.body, application_headers=headers, delivery_mode=2,
                                content_type=message.properties.get("content_type", "application/json"),
                                content_encoding=message.properties.get("content_encoding", "utf-8"),
                                message_id=this_id)
            channel.basic_publish_confirm(copy, exchange=exchange, routing_key=routing_key, mandatory=True)
            if returned:  # still no queue for it: leave it parked
                report.append(Moved(this_id, _event_type(message, headers), read_from, destination,
                                    "still no queue bound; left in place", False))
                keep.append(message)
                continue
            done.append(message)
            report.append(Moved(this_id, _event_type(message, headers), read_from, destination, reason, True))
        for message in done:
            channel.basic_ack(message.delivery_tag)
        for message in keep:
            channel.basic_reject(message.delivery_tag, requeue=True)
    return report


def producer_of_unrouted(queue: str) -> str:
    """The producing service of an unrouted queue (``<service>.events.unrouted``) or of a bare
    service name, as ``replay --from unrouted --queue`` takes either."""
    return queue.removesuffix(".unrouted").removesuffix(".events")


def clear_unrouted(store, event_ids: list[str]) -> int:
    """Replayed unrouted events reached a queue: clear their outbox rows' ``unrouted`` flag, so
    the relay's purge (which keeps unrouted rows) can let them go. Returns rows cleared."""
    if not event_ids:
        return 0
    t = store.tables.outbox
    with store.engine.begin() as conn:
        return conn.execute(update(t).where(t.c.event_id.in_(event_ids), t.c.unrouted != 0)
                            .values(unrouted=0)).rowcount


def _x_death_reason(headers: dict) -> str:
    deaths = headers.get("x-death") or []
    if deaths and isinstance(deaths[0], dict):
        return f"dead-lettered by the broker: {deaths[0].get('reason', '?')}"
    return "?"


@dataclass(frozen=True)
class ServiceEvents:
    service: str
    outbox_backlog: int
    oldest_pending_seconds: float | None
    unrouted: int
    dead_letters: dict[str, int]  # DLQ name → messages

    @property
    def dead_lettered(self) -> int:
        return sum(self.dead_letters.values())


def outbox_state(store, now: datetime) -> tuple[int, float | None]:
    """(pending rows, age in seconds of the oldest one)."""
    t = store.tables.outbox
    with store.engine.connect() as conn:
        count, oldest = conn.execute(select(func.count(), func.min(t.c.created_at))
                                     .where(t.c.sent_at.is_(None))).one()
    if oldest is not None and isinstance(oldest, str):  # SQLite aggregate: text, not through the type
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        from datetime import UTC

        oldest = oldest.replace(tzinfo=UTC)
    return count, (now - oldest).total_seconds() if oldest is not None else None


def status(service: str, store, service_cls, amqp_uri: str, now: datetime) -> ServiceEvents:
    backlog, oldest = outbox_state(store, now)
    with Connection(amqp_uri, connect_timeout=10) as conn:
        conn.connect()
        unrouted = _depth(conn.channel(), unrouted_queue_name(service)) or 0
        dead = {}
        for queue in consumer_queues(service_cls):
            dead[dead_letter_queue_name(queue)] = _depth(conn.channel(), dead_letter_queue_name(queue)) or 0
    return ServiceEvents(service, backlog, oldest, unrouted, dead)


def prometheus_text(rows: list[ServiceEvents], district: str) -> str:
    """The same figures in Prometheus' text format (for a textfile collector or a push)."""
    lines = [
        "# HELP anju_outbox_backlog Outbox rows not yet confirmed by the broker.",
        "# TYPE anju_outbox_backlog gauge",
        *(f'anju_outbox_backlog{{service="{r.service}",district="{district}"}} {r.outbox_backlog}' for r in rows),
        "# HELP anju_outbox_oldest_pending_seconds Age of the oldest outbox row not yet published.",
        "# TYPE anju_outbox_oldest_pending_seconds gauge",
        *(f'anju_outbox_oldest_pending_seconds{{service="{r.service}",district="{district}"}} '
          f'{r.oldest_pending_seconds or 0:.3f}' for r in rows),
        "# HELP anju_unrouted_parked Events parked in <service>.events.unrouted (no queue was bound).",
        "# TYPE anju_unrouted_parked gauge",
        *(f'anju_unrouted_parked{{service="{r.service}",district="{district}"}} {r.unrouted}' for r in rows),
        "# HELP anju_dead_letters Messages in a consumer's dead-letter queue.",
        "# TYPE anju_dead_letters gauge",
        *(f'anju_dead_letters{{service="{r.service}",district="{district}",queue="{q}"}} {n}'
          for r in rows for q, n in sorted(r.dead_letters.items())),
    ]
    return "\n".join(lines) + "\n"
