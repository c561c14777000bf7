"""The outbox relay: publishes committed outbox rows to `<service>.events` with publisher
confirms, in batches, and marks them sent only once the broker has confirmed them.

Batching matters: waiting for each confirm costs a round-trip per message (~1.4k msg/s
here); publishing a batch and then collecting its confirms approaches raw publish speed.

Nothing is lost: a crash before the mark leaves rows pending, so they are published again
on restart (consumers' inboxes absorb the duplicate). nameko publishes events with
`mandatory=False`, so an event no queue is bound to would vanish; we publish with
`mandatory=True` and park returned events in the durable queue `<service>.events.unrouted`
(headers keep the original exchange and routing key, for replay).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import timedelta

import amqp
from kombu import Connection
from sqlalchemy import bindparam, case, delete, func, select, text, update

from ..metrics import (
    CONSUMER_QUEUES,
    DEAD_LETTERS,
    OUTBOX_BACKLOG,
    OUTBOX_OLDEST_PENDING,
    OUTBOX_PUBLISHED,
    OUTBOX_UNROUTED,
    UNROUTED_PARKED,
)
from .contracts import utc_now

log = logging.getLogger(__name__)

# The relay's longest pause between attempts while the broker or the database is away: a
# failed attempt costs one refused connection, and the backlog should start draining within
# seconds of the broker's return (a longer cap made recovery take up to half a minute).
RETRY_CAP_SECONDS = 5.0
QUEUE_GAUGE_SECONDS = 10.0  # how often the relay reads its queues' depths for /metrics

_LEADER_KEY = int.from_bytes(hashlib.sha256(b"anju-outbox-relay").digest()[:4], "big")


@dataclass(frozen=True)
class Ticket:
    """Messages sent on the confirm channel whose confirms are still to be collected."""

    first_tag: int
    last_tag: int
    messages: list


class PublishFailed(Exception):
    """The broker refused (nacked) or did not confirm a batch in time; rows stay pending."""


def event_exchange_name(service: str) -> str:
    return f"{service}.events"


class ConfirmingPublisher:
    """A channel in confirm mode that publishes a batch and then waits for all its confirms."""

    def __init__(self, amqp_uri: str, exchange: str, confirm_timeout: float = 15.0):
        self.amqp_uri = amqp_uri
        self.exchange = exchange
        self.unrouted_queue = f"{exchange}.unrouted"
        self.confirm_timeout = confirm_timeout
        self._conn = None
        self._channel = None

    def _ensure(self):
        if self._channel is not None:
            return
        conn = Connection(self.amqp_uri, connect_timeout=5)
        conn.connect()
        channel = conn.channel()
        # Same arguments as nameko's get_event_exchange, so nameko subscribers can declare it too.
        channel.exchange_declare(self.exchange, "topic", durable=True, auto_delete=False)
        channel.queue_declare(self.unrouted_queue, durable=True, auto_delete=False)
        channel.confirm_select()
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        channel.events["basic_return"].add(self._on_return)
        self._conn, self._channel = conn, channel
        self._next_tag = 1
        self._outstanding: set[int] = set()
        self._nacked: set[int] = set()
        self._returned: set[str] = set()

    def queue_depths(self, names: list[str]) -> dict[str, int]:
        """Messages ready in each queue (0 for one that does not exist), by a passive declare on
        one short-lived channel of this publisher's connection: the relay's gauges need no
        management API and no connection of their own."""
        self._ensure()
        depths, channel = {}, None
        try:
            for name in names:
                channel = channel or self._conn.channel()
                try:
                    depths[name] = channel.queue_declare(name, passive=True).message_count
                except amqp.exceptions.NotFound:  # the broker closed the channel: a new one next
                    channel, depths[name] = None, 0
        finally:
            if channel is not None:
                with contextlib.suppress(Exception):
                    channel.close()
        return depths

    def _settle(self, tag: int, multiple: bool) -> None:
        if multiple:
            self._outstanding = {t for t in self._outstanding if t > tag}
        else:
            self._outstanding.discard(tag)

    def _on_ack(self, tag, multiple):
        self._settle(tag, multiple)

    def _on_nack(self, tag, multiple):
        self._nacked |= {t for t in self._outstanding if t <= tag} if multiple else {tag}
        self._settle(tag, multiple)

    def _on_return(self, exc, exchange, routing_key, message):
        self._returned.add(message.properties.get("message_id"))

    def _send(self, body: bytes, event_id: str, exchange: str, routing_key: str, headers: dict):
        msg = amqp.Message(
            body,
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=2,
            message_id=event_id,
            application_headers=headers,
        )
        self._channel.basic_publish(msg, exchange=exchange, routing_key=routing_key, mandatory=True)
        self._outstanding.add(self._next_tag)
        self._next_tag += 1

    def _await_confirms(self, upto: int) -> None:
        deadline = time.monotonic() + self.confirm_timeout
        while self._outstanding and min(self._outstanding) <= upto:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PublishFailed(f"{len(self._outstanding)} confirms not received in time")
            self._conn.drain_events(timeout=remaining)

    def send(self, batch: list[tuple[str, str, bytes]]) -> Ticket:
        """Publish (event_id, routing_key, body) messages without waiting for their confirms;
        `settle(ticket)` collects them."""
        self._ensure()
        try:
            first = self._next_tag
            for event_id, routing_key, body in batch:
                self._send(body, event_id, self.exchange, routing_key, {"event_type": routing_key})
        except Exception:
            self.close()
            raise
        return Ticket(first, self._next_tag - 1, batch)

    def settle(self, ticket: Ticket) -> set[str]:
        """Wait for the ticket's confirms; return the ids that were unroutable (now parked in
        the unrouted queue). Raises PublishFailed unless every message was confirmed."""
        try:
            self._await_confirms(upto=ticket.last_tag)
            if any(ticket.first_tag <= tag <= ticket.last_tag for tag in self._nacked):
                raise PublishFailed("the broker nacked part of the batch")
            returned = {m[0] for m in ticket.messages} & self._returned
            if returned:
                for event_id, routing_key, body in ticket.messages:
                    if event_id in returned:
                        self._send(body, event_id, "", self.unrouted_queue, {
                            "event_type": routing_key,
                            "x-original-exchange": self.exchange,
                            "x-original-routing-key": routing_key,
                        })
                self._await_confirms(upto=self._next_tag - 1)
                self._returned -= returned
            return returned
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.release()
            except Exception:  # noqa: BLE001 - closing a broken connection may fail; nothing to do
                pass
        self._conn = self._channel = None


class OutboxRelay:
    """Moves outbox rows to the broker. One per service container (a green thread)."""

    def __init__(
        self,
        store,
        publisher: ConfirmingPublisher,
        *,
        service: str,
        district: str,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        after_publish=None,
        retention_days: int = 7,
        linger: float = 0.0,
    ):
        self.store = store
        self.publisher = publisher
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.after_publish = after_publish  # fault injection for tests: called between publish and mark
        self.retention_days = retention_days
        self.linger = linger
        t = store.tables.outbox  # built once: the relay runs these for every few commits
        self._read_stmt = (select(t.c.id, t.c.event_id, t.c.event_type, t.c.body)
                           .where(t.c.sent_at.is_(None), t.c.id > bindparam("after_id"))
                           .order_by(t.c.id).limit(batch_size))
        self._mark_stmt = (update(t).where(t.c.id.in_(bindparam("ids", expanding=True)))
                           .values(sent_at=bindparam("sent_at")))
        self._labels = (service, district)
        self._wake = threading.Event()
        self._running = False
        self._leader_conn = None

    @classmethod
    def from_config(cls, store, service: str, config: dict) -> OutboxRelay:
        publisher = ConfirmingPublisher(config["AMQP_URI"], event_exchange_name(service))
        return cls(
            store,
            publisher,
            service=service,
            district=config["DISTRICT"],
            batch_size=int(config.get("OUTBOX_BATCH_SIZE", 500)),
            poll_interval=float(config.get("OUTBOX_POLL_SECONDS", 1.0)),
            retention_days=int(config.get("OUTBOX_RETENTION_DAYS", 7)),
            linger=float(config.get("OUTBOX_LINGER_SECONDS", 0.02)),
        )

    @contextlib.contextmanager
    def _connection(self):
        """The leader's own session on PostgreSQL (autocommit: each statement is its own
        transaction, so no snapshot is held across the broker round trip, and a drain costs no
        pool checkouts); on SQLite a short transaction under the write lock."""
        if self._leader_conn is not None:
            yield self._leader_conn
            return
        with self.store.serialised(), self.store.engine.begin() as conn:
            yield conn

    def _read(self, after_id: int):
        with self._connection() as conn:
            return conn.execute(self._read_stmt, {"after_id": after_id}).all()

    def _mark(self, rows, unrouted: set[str]) -> None:
        t = self.store.tables.outbox
        stmt = self._mark_stmt
        if unrouted:  # rare: one statement still marks sent and unrouted together
            stmt = stmt.values(unrouted=case((t.c.event_id.in_(list(unrouted)), 1), else_=t.c.unrouted))
        with self._connection() as conn:
            conn.execute(stmt, {"ids": [r.id for r in rows], "sent_at": utc_now()})
        OUTBOX_PUBLISHED.labels(*self._labels).inc(len(rows))
        if unrouted:
            OUTBOX_UNROUTED.labels(*self._labels).inc(len(unrouted))
            log.warning("%d event(s) had no subscriber queue; parked in %s",
                        len(unrouted), self.publisher.unrouted_queue)

    def drain(self, max_batches: int | None = None) -> int:
        """Publish pending rows in id order until none are left; return how many.

        Pipelined: batch k+1 is read and sent while batch k's confirms are on their way, and
        batch k is marked sent only after all of its confirms arrived. The database is never
        held open across network waits (SQLite's lock would stall every worker)."""
        if not self._take_leadership():
            return 0
        try:
            return self._pump(max_batches)
        finally:
            self._release_leadership()

    def _pump(self, max_batches: int | None) -> int:
        total, batches, cursor = 0, 0, 0
        inflight: deque = deque()
        while True:
            rows = []
            if max_batches is None or batches < max_batches:
                rows = self._read(cursor)
            if rows:
                batches += 1
                cursor = rows[-1].id
                ticket = self.publisher.send([(r.event_id, r.event_type, r.body.encode()) for r in rows])
                inflight.append((rows, ticket))
            if inflight and (len(inflight) > 1 or not rows):
                done, ticket = inflight.popleft()
                unrouted = self.publisher.settle(ticket)
                if self.after_publish is not None:
                    self.after_publish(done)
                self._mark(done, unrouted)
                total += len(done)
            if not rows and not inflight:
                return total

    def run_once(self) -> int:
        """Publish one batch; return how many rows were published."""
        return self.drain(max_batches=1)

    def _take_leadership(self) -> bool:
        """One relay at a time per service database: on PostgreSQL a drain holds a session
        advisory lock, so replicas take turns and never publish the same rows at once;
        SQLite has one process."""
        if self.store.is_sqlite:
            return True
        if self._leader_conn is None:
            conn = self.store.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _LEADER_KEY}).scalar():
                self._leader_conn = conn
            else:
                conn.close()
        return self._leader_conn is not None

    def _release_leadership(self) -> None:
        if self._leader_conn is not None:
            # close() only hands the connection back to the pool, and a pooled session keeps
            # its advisory lock: every other relay (this process's next drain included) would
            # then wait forever. Unlock explicitly; if that fails, drop the session itself.
            try:
                self._leader_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LEADER_KEY})
                self._leader_conn.close()
            except Exception:  # noqa: BLE001 - a dead connection has released it already
                self._leader_conn.invalidate()
            self._leader_conn = None

    def backlog(self) -> int:
        t = self.store.tables.outbox
        with self.store.engine.connect() as conn:
            return conn.execute(select(func.count()).where(t.c.sent_at.is_(None))).scalar_one()

    def purge_sent(self, older_than) -> int:
        """Delete rows the broker confirmed before `older_than` (the outbox is not an archive:
        the bus and the subscribers' own stores are). Pending and unrouted rows are kept."""
        t = self.store.tables.outbox
        with self.store.serialised(), self.store.engine.begin() as conn:
            result = conn.execute(delete(t).where(t.c.sent_at.is_not(None), t.c.sent_at < older_than,
                                                  t.c.unrouted == 0))
        return result.rowcount

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._running = False
        self._wake.set()
        self.publisher.close()

    def _update_gauges(self) -> None:
        """The backlog and the oldest pending row's age, at most once a second."""
        now = time.monotonic()
        if now - getattr(self, "_last_gauge", 0.0) <= 1.0:
            return
        self._last_gauge = now
        try:
            from .operator import outbox_state  # here: operator imports this module

            backlog, oldest = outbox_state(self.store, utc_now())
            OUTBOX_BACKLOG.labels(*self._labels).set(backlog)
            OUTBOX_OLDEST_PENDING.labels(*self._labels).set(oldest or 0.0)
        except Exception:  # noqa: BLE001 - a gauge is not worth stopping the relay for
            pass

    def _update_queue_gauges(self) -> None:
        """Depths of this service's unrouted queue and of its consumers' dead-letter queues, at
        most every QUEUE_GAUGE_SECONDS: a passive queue_declare each on a channel of the
        publisher's own connection (no management API, no extra connection; a service that has
        not published yet connects its publisher for it)."""
        now = time.monotonic()
        if now - getattr(self, "_last_queue_gauge", -QUEUE_GAUGE_SECONDS) < QUEUE_GAUGE_SECONDS:
            return
        self._last_queue_gauge = now
        queues = [(None, self.publisher.unrouted_queue)] + [
            (q, f"{q}.dlq") for q in CONSUMER_QUEUES.get(self._labels, ())]
        try:
            depths = self.publisher.queue_depths([name for _, name in queues])
        except Exception as exc:  # noqa: BLE001 - a gauge is not worth stopping the relay for
            log.debug("queue depth gauges: %s", exc)
            return
        for consumer_queue, name in queues:
            if consumer_queue is None:
                UNROUTED_PARKED.labels(*self._labels).set(depths[name])
            else:
                DEAD_LETTERS.labels(*self._labels, name).set(depths[name])

    def run_forever(self) -> None:
        self._running = True
        failures = 0
        self._last_gauge = 0.0
        last_purge = time.monotonic()
        while self._running:
            self._wake.clear()
            try:
                self.drain()
                failures = 0
            except Exception as exc:  # noqa: BLE001 - the relay must outlive broker/database hiccups
                failures += 1
                delay = min(RETRY_CAP_SECONDS, 0.5 * 2**failures)
                log.warning("outbox relay: %s; retrying in %.1fs", exc, delay)
                self._update_gauges()  # while the broker is away is when the backlog matters
                self._wake.wait(delay)
                continue
            now = time.monotonic()
            if now - last_purge > 3600:
                last_purge = now
                try:
                    self.purge_sent(utc_now() - timedelta(days=self.retention_days))
                except Exception as exc:  # noqa: BLE001 - retried next hour
                    log.warning("outbox purge failed: %s", exc)
            self._update_gauges()
            self._update_queue_gauges()
            if self._running and self._wake.wait(self.poll_interval) and self.linger:
                # Woken by a commit: let the next few commits land too, so one drain (a dozen
                # round trips to the database and the broker) carries them all.
                time.sleep(self.linger)
