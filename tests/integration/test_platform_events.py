"""The platform's delivery guarantees against the real broker, on SQLite and PostgreSQL:
an event committed through the outbox has its effect exactly once, even when the relay dies
between publish and mark, when the broker delivers a message twice, or when the handler
fails (then it lands in the dead-letter queue; nothing is lost)."""

import json

import eventlet
import pytest
from kombu import Connection
from marshmallow import Schema, fields
from polling import eventually
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select

from services.common.db import Database, Store, UnitOfWork
from services.common.events.contracts import build_envelope, contract, encode
from services.common.events.inbox import inbox_handler
from services.common.events.relay import ConfirmingPublisher, OutboxRelay
from services.common.metrics import INBOX_DUPLICATES
from services.common.tables import platform_tables


@contract("ping.sent", producer="pinger", description="test-only event")
class PingSent(Schema):
    n = fields.Integer(required=True)
    note = fields.String(load_default="")


class PingIn(Schema):
    n = fields.Integer(required=True)  # the consumer reads only `n`


producer_metadata = MetaData()
platform_tables(producer_metadata)

sink_metadata = MetaData()
# No unique constraint on event_id on purpose: only the inbox may prevent a doubled effect.
effects = Table("effects", sink_metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                Column("event_id", String(36), nullable=False), Column("n", Integer, nullable=False))
platform_tables(sink_metadata)


class Crash(Exception):
    """Stands for the relay process dying."""


class SinkService:
    name = "sink"
    db = Database(sink_metadata, relay=False)

    @inbox_handler("pinger", "ping.sent", schema=PingIn, max_deliveries=3)
    def on_ping(self, event):
        if event.data["n"] < 0:
            raise RuntimeError("handler bug")
        with self.db.unit_of_work() as uow:
            uow.session.execute(insert(effects).values(event_id=event.event_id, n=event.data["n"]))
            uow.commit()


def _sink_count(url):
    store = Store(url, sink_metadata)
    try:
        with store.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(effects)).scalar_one()
    finally:
        store.dispose()


def _queue_depth(amqp_uri, name):
    with Connection(amqp_uri) as conn:
        return conn.default_channel.queue_declare(name, passive=True).message_count


@pytest.fixture
def pinger(scratch_db, rabbit):
    url = scratch_db(producer_metadata)
    store = Store(url, producer_metadata)

    def commit(*ns):
        with UnitOfWork(store, district="demo", producer="pinger") as uow:
            for n in ns:
                uow.publish("ping.sent", {"n": n})
            uow.commit()

    def relay(**kw):
        return OutboxRelay(store, ConfirmingPublisher(rabbit["AMQP_URI"], "pinger.events"),
                           service="pinger", district="demo", **kw)

    commit.store = store
    commit.relay = relay
    yield commit
    store.dispose()


@pytest.fixture
def sink(scratch_db, rabbit, container_factory):
    url = scratch_db(sink_metadata)
    container = container_factory(SinkService, {"AMQP_URI": rabbit["AMQP_URI"], "DATABASE_URL": url,
                                                "DISTRICT": "demo"})
    container.start()
    container.url = url
    return container


def test_relay_crash_between_publish_and_mark_republishes_and_inbox_absorbs(pinger, sink):
    pinger(1, 2, 3)

    def die(rows):
        raise Crash()

    with pytest.raises(Crash):
        pinger.relay(after_publish=die).run_once()
    assert pinger.relay().backlog() == 3, "nothing may be marked sent before the mark"
    assert eventually(lambda: _sink_count(sink.url) == 3)

    duplicates_before = INBOX_DUPLICATES.labels("sink", "demo", "on_ping")._value.get()
    assert pinger.relay().drain() == 3  # the restarted relay publishes all three again
    assert eventually(lambda: INBOX_DUPLICATES.labels("sink", "demo", "on_ping")._value.get()
                     == duplicates_before + 3)
    assert _sink_count(sink.url) == 3
    assert pinger.relay().backlog() == 0


def test_same_message_delivered_twice_has_one_effect(sink, rabbit):
    envelope = build_envelope("ping.sent", {"n": 7}, district="demo", producer="pinger")
    with Connection(rabbit["AMQP_URI"]) as conn:
        producer = conn.Producer()
        for _ in range(2):
            producer.publish(encode(envelope), exchange="pinger.events", routing_key="ping.sent",
                             content_type="application/json", delivery_mode=2)
    assert eventually(lambda: _sink_count(sink.url) == 1)
    eventlet.sleep(0.5)
    assert _sink_count(sink.url) == 1


def test_failing_handler_dead_letters_after_bounded_retries(pinger, sink, rabbit):
    pinger(-1, 5)
    assert pinger.relay().drain() == 2
    dlq = "evt-pinger-ping.sent--sink.on_ping.dlq"
    assert eventually(lambda: _queue_depth(rabbit["AMQP_URI"], dlq) == 1)
    assert eventually(lambda: _sink_count(sink.url) == 1)  # the good event still has its effect (in its own time)
    with Connection(rabbit["AMQP_URI"]) as conn:
        message = conn.SimpleQueue(dlq).get(timeout=5)
        dead = json.loads(message.body)
        message.ack()
    assert dead["event_type"] == "ping.sent" and dead["data"]["n"] == -1


def test_invalid_event_goes_straight_to_dead_letter_queue(sink, rabbit):
    with Connection(rabbit["AMQP_URI"]) as conn:
        conn.Producer().publish(json.dumps({"event_type": "ping.sent", "data": {}}),
                                exchange="pinger.events", routing_key="ping.sent",
                                content_type="application/json", delivery_mode=2)
    dlq = "evt-pinger-ping.sent--sink.on_ping.dlq"
    assert eventually(lambda: _queue_depth(rabbit["AMQP_URI"], dlq) == 1)
    assert _sink_count(sink.url) == 0


def test_event_without_subscriber_is_parked_not_lost(pinger, rabbit):
    pinger(42)
    assert pinger.relay().drain() == 1
    assert _queue_depth(rabbit["AMQP_URI"], "pinger.events.unrouted") == 1
    with Connection(rabbit["AMQP_URI"]) as conn:
        message = conn.SimpleQueue("pinger.events.unrouted").get(timeout=5)
        assert message.headers["x-original-routing-key"] == "ping.sent"
        assert json.loads(message.body)["data"] == {"n": 42, "note": ""}
        message.ack()


def test_purge_keeps_pending_unrouted_and_recent_rows(pinger, rabbit):
    from datetime import timedelta

    from sqlalchemy import update

    from services.common.events.contracts import utc_now

    pinger(1, 2, 3)
    relay = pinger.relay()
    assert relay.drain() == 3  # no subscriber: all three parked as unrouted
    outbox = pinger.store.tables.outbox
    with pinger.store.engine.begin() as conn:
        conn.execute(update(outbox).where(outbox.c.id <= 2).values(unrouted=0,
                                                                  sent_at=utc_now() - timedelta(days=30)))
    pinger(4)  # pending
    assert relay.purge_sent(utc_now() - timedelta(days=7)) == 2
    with pinger.store.engine.connect() as conn:
        remaining = conn.execute(select(outbox.c.id).order_by(outbox.c.id)).scalars().all()
    assert remaining == [3, 4]


def test_relay_hands_back_leadership_after_a_drain(pinger, rabbit):
    """After a drain another relay (another replica: another engine) must be able to lead.
    The lock is per session, and a pooled connection outlives close()."""
    pinger(1)
    assert pinger.relay().drain() == 1
    if pinger.store.is_sqlite:
        return  # one process, no leader lock
    from sqlalchemy import create_engine, text

    from services.common.events.relay import _LEADER_KEY

    other = create_engine(pinger.store.engine.url)
    try:
        with other.connect() as conn:
            assert conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _LEADER_KEY}).scalar()
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LEADER_KEY})
    finally:
        other.dispose()
