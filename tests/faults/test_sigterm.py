"""Fault 6: SIGTERM during a burst (what Kubernetes sends on a rollout); a handler that blocks
longer than twice the AMQP heartbeat; an event published before any subscriber's queue exists."""

from __future__ import annotations

import re
import time

import eventlet
import pytest
import requests
from checker import classify
from consumers import BY_NAME
from harness import burst_size, publish, queue_depth, wait_for
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, text
from test_poison import _anju
from test_producer_kill import _events_of, _receipts

from services.common.db import Database, Store
from services.common.events.inbox import inbox_handler
from services.common.metrics import INBOX_DUPLICATES
from services.common.tables import platform_tables

FUND = BY_NAME["notify.fund_flow"]
N = burst_size(300, 2000)
GRACE_SECONDS = 20.0  # STOP_GRACE_SECONDS of `anju run`; Kubernetes' default is 30


def _duplicates(base: str) -> float:
    """anju_inbox_duplicates_total of notify's fund-flow handler in this process's life."""
    text_ = requests.get(f"{base}/metrics", timeout=10).text
    found = re.search(r'anju_inbox_duplicates_total\{[^}]*handler="on_fund_received"[^}]*\} ([0-9.e+]+)', text_)
    return float(found.group(1)) if found else 0.0


def test_sigterm_mid_burst_finishes_in_flight_work_and_redoes_nothing(fresh_db, services):
    url = fresh_db("notify")
    engine = fresh_db.engine("notify")
    notify = services("notify", url)
    envelopes = [FUND.envelope() for _ in range(N)]
    publish(services.amqp_uri, envelopes)
    wait_for(lambda: sum(FUND.effects(engine).values()) >= N // 10, 60, "the first effects")
    took = notify.terminate(grace=GRACE_SECONDS)
    done = sum(FUND.effects(engine).values())
    assert done < N, "the burst finished before SIGTERM: nothing was tested (raise N)"
    assert notify.proc.returncode is not None

    notify.start()
    wait_for(lambda: sum(FUND.effects(engine).values()) >= N, 120, f"all {N} effects after the restart")
    time.sleep(0.5)
    verdict = classify({e["event_id"]: e["event_id"] for e in envelopes}, FUND.effects(engine))
    redone = _duplicates(notify.base)
    print(f"\nSIGTERM after {done}/{N}: stopped in {took:.1f}s; {redone:.0f} redeliveries of finished work; "
          f"{verdict.summary()}")
    verdict.assert_exactly_once()
    # Every worker that had started finished and was acknowledged before the process left:
    # the restarted process never met an event whose effect was already committed.
    assert redone == 0, f"{redone} events were delivered again after their effect was committed"


def test_event_before_any_subscriber_is_parked_then_delivered(fresh_db, services):
    finance_url, notify_url = fresh_db("finance"), fresh_db("notify")
    finance_db, notify_db = fresh_db.engine("finance"), fresh_db.engine("notify")
    finance = services("finance", finance_url)  # nobody subscribes to fund.received yet
    _receipts(finance.base, 12)
    parked = "finance.events.unrouted"
    wait_for(lambda: queue_depth(services.amqp_uri, parked) >= 12, 30, "the events to be parked")

    services("notify", notify_url)  # the subscriber's queue exists from now on
    assert sum(FUND.effects(notify_db).values()) == 0
    assert _unrouted_rows(finance_db) == 12
    out = _anju(services.amqp_uri, "events", "replay", "--from", "unrouted", "--queue", parked,
                "--database-url", f"finance={finance_url}")
    assert "12 message(s) moved" in out, out
    # delivered now: the outbox rows lose their unrouted mark, so the relay's purge can let them go
    assert "12 outbox row(s) of finance no longer marked unrouted" in out, out
    assert _unrouted_rows(finance_db) == 0
    events = _events_of(finance_db)
    wait_for(lambda: sum(FUND.effects(notify_db).values()) >= len(events), 30, "the parked events' effects")
    time.sleep(0.5)
    verdict = classify({e: e for e in events}, FUND.effects(notify_db))
    print(f"\nparked then replayed: {verdict.summary()}")
    verdict.assert_exactly_once()
    assert queue_depth(services.amqp_uri, parked) == 0


def _unrouted_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM outbox WHERE unrouted <> 0")).scalar_one()


# -- a handler that blocks the process longer than twice the heartbeat ---------------------------

HEARTBEAT = 1
sink_metadata = MetaData()
effects = Table("slow_effects", sink_metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                Column("event_id", String(36), nullable=False))  # no unique key: only the inbox may help
platform_tables(sink_metadata)
BLOCK_SECONDS = 5 * HEARTBEAT  # RabbitMQ gives up on a peer after about two missed heartbeats
_blocking_sleep = eventlet.patcher.original("time").sleep


class SlowSink:
    name = "slowsink"
    db = Database(sink_metadata, relay=False)

    @inbox_handler("finance", "fund.received")
    def on_fund_received(self, event):
        with self.db.unit_of_work() as uow:
            uow.session.execute(insert(effects).values(event_id=event.event_id))
            uow.commit()
        # Blocks the whole process (no green thread runs, no heartbeat is sent) for longer than
        # twice the heartbeat: the broker drops the connection before the ack can be sent.
        _blocking_sleep(BLOCK_SECONDS)


@pytest.mark.parametrize("scratch_db", ["postgresql"], indirect=True)  # the broker's fault, not the database's
def test_handler_longer_than_twice_the_heartbeat_doubles_nothing(scratch_db, rabbit, container_factory):
    url = scratch_db(sink_metadata)
    container = container_factory(SlowSink, {"AMQP_URI": rabbit["AMQP_URI"], "DATABASE_URL": url,
                                             "DISTRICT": "demo", "HEARTBEAT": HEARTBEAT, "max_workers": 2})
    absorbed_before = INBOX_DUPLICATES.labels("slowsink", "demo", "on_fund_received")._value.get()
    container.start()
    envelopes = [FUND.envelope()]
    publish(rabbit["AMQP_URI"], envelopes)
    store = Store(url, sink_metadata)

    def count():
        with store.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(effects)).scalar_one()

    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (count() >= 1 and queue_depth(rabbit["AMQP_URI"], FUND_QUEUE) == 0):
            eventlet.sleep(0.5)
        eventlet.sleep(3 * HEARTBEAT)  # time for any redelivery to arrive and be absorbed
        with store.engine.connect() as conn:
            rows = conn.execute(select(effects.c.event_id)).scalars().all()
    finally:
        store.dispose()
    from collections import Counter

    verdict = classify({e["event_id"]: e["event_id"] for e in envelopes}, Counter(rows))
    absorbed = INBOX_DUPLICATES.labels("slowsink", "demo", "on_fund_received")._value.get() - absorbed_before
    print(f"\nhandler blocking {BLOCK_SECONDS:.0f}s with heartbeat {HEARTBEAT}s: {absorbed:.0f} redeliveries "
          f"absorbed; {verdict.summary()}")
    verdict.assert_exactly_once()
    assert absorbed >= 1, "the broker never redelivered: the fault did not happen (lengthen the block)"


FUND_QUEUE = "evt-finance-fund.received--slowsink.on_fund_received"
