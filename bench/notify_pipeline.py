"""notify's pipeline on PostgreSQL: events → rendered deliveries → sink, with the time split
between the inbox, rendering (routing + templates + the delivery rows) and sending, next to the
raw consume+ack rate of the same broker; then the latency from `application.approved` being
committed (applications' outbox, relayed with confirms) to the SMS-sink entry, at a steady
50 approvals/s through the real notify service.

    .venv/bin/python bench/notify_pipeline.py [--events 2000] [--rate 50] [--seconds 10]

Stand-ins, said plainly: the stage split sends through the file sinks with a constant contact
(no RPC); the latency run answers `get_contact` from a tiny RPC service named "applications"
(the RPC round trip over the broker is real, applications' own lookup is not). Everything runs
in a vhost of its own, made and removed here. Target (issue 16): p99 < 500 ms.
"""

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

warnings.filterwarnings("ignore")

import psycopg2  # noqa: E402
from kombu import Connection, Exchange, Queue  # noqa: E402
from nameko.containers import ServiceContainer  # noqa: E402
from nameko.rpc import rpc  # noqa: E402
from nameko.testing.rabbit import Client  # noqa: E402
from sqlalchemy import text  # noqa: E402

from services.common.config import load_config  # noqa: E402
from services.common.db import Store, UnitOfWork  # noqa: E402
from services.common.events.contracts import build_envelope, encode, parse_received  # noqa: E402
from services.common.events.relay import OutboxRelay  # noqa: E402
from services.common.migrations import upgrade  # noqa: E402
from services.common.tables import platform_tables  # noqa: E402
from services.notify import deliveries, models, sender  # noqa: E402
from services.notify.channels import EmailFileSink, SmsFileSink  # noqa: E402
from services.notify.service import NotifyService  # noqa: E402
from services.notify.settings import delivery_settings  # noqa: E402

BROKER = os.environ.get("BENCH_AMQP_HOST", "127.0.0.1:5672")
ADMIN = os.environ.get("BENCH_RABBIT_ADMIN", "http://guest:guest@127.0.0.1:15672")
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
CONTACT = {"person_ref": "", "phone": "13800000000", "email": "bench@example.cn", "name_masked": "测*"}


def approved(i: int) -> dict:
    return {"application_id": f"{uuid.uuid4()}", "person_ref": f"ref-{i:06d}", "district": "demo",
            "programme": "public_rental", "household_size": 3, "points": "87.5", "points_tenths": 875,
            "breakdown": {"policy_version": 1, "total": "87.5", "lines": []}, "preferences": [],
            "priority_groups": [], "needs_accessible": False, "enterprise": "E1", "name_masked": "测*",
            "id_number_masked": "350102********1234", "approved_at": "2026-11-23T08:00:00Z"}


def fresh_db(name: str) -> str:
    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


class Clock:
    def now(self):
        from datetime import UTC, datetime

        return datetime.now(UTC)


class DbAccess:
    """`self.db` as the sender sees it, on a store."""

    def __init__(self, store):
        self.store = store

    def unit_of_work(self):
        return UnitOfWork(self.store, district="demo", producer="notify")

    def read(self):
        import contextlib

        from sqlalchemy.orm import Session

        @contextlib.contextmanager
        def session():
            s = Session(self.store.engine)
            try:
                yield s
            finally:
                s.close()

        return session()


def stage_split(n: int, tmp: Path) -> dict:
    """Per-event cost of the inbox alone, then inbox + rendering (record_event), then sending
    every channel's deliveries through the sinks; all on PostgreSQL."""
    url = fresh_db("anju_bench_notify")
    upgrade("notify", url)
    store = Store(url, models.metadata)
    settings = delivery_settings({"QUIET_HOURS": "00:00-00:00", "RATE_LIMIT_SMS": "100000/s,100000"})
    bodies = [encode(build_envelope("application.approved", approved(i), district="demo", producer="applications"))
              for i in range(n)]
    clock = Clock()

    def inbox_only(body):
        event = parse_received(body)
        with UnitOfWork(store, district="demo", producer="notify",
                        inbox_claim=(event.event_id, "bench.inbox_only", event.event_type)) as uow:
            uow.commit()

    def inbox_and_render(body):
        event = parse_received(body)
        with UnitOfWork(store, district="demo", producer="notify",
                        inbox_claim=(event.event_id, "notify.route_applications_events", event.event_type)) as uow:
            deliveries.record_event(uow, clock.now(), event, settings)
            uow.commit()

    started = time.perf_counter()
    for b in bodies:
        inbox_only(b)
    t_inbox = time.perf_counter() - started
    started = time.perf_counter()
    for b in bodies:
        inbox_and_render(b)
    t_record = time.perf_counter() - started
    senders = {"sms": SmsFileSink(tmp / "sms.jsonl"), "email": EmailFileSink(tmp / "mail.txt", "a@b.cn")}
    db = DbAccess(store)
    t_send, sent = {}, {}
    for ch in ("sms", "email", "inapp"):
        started, sent[ch] = time.perf_counter(), 0
        while True:
            got = sender.run_channel(db, clock, ch, senders, lambda ref: CONTACT, settings, {})
            if not got:
                break
            sent[ch] += got.get("sent", 0)
        t_send[ch] = time.perf_counter() - started
    with store.engine.connect() as c:
        pending = c.execute(text("SELECT count(*) FROM deliveries WHERE status <> 'sent'")).scalar()
    store.dispose()
    assert pending == 0 and all(sent[ch] == n for ch in sent), (pending, sent)
    t_render = t_record - t_inbox
    total = t_record + sum(t_send.values())
    return {"n": n, "inbox": t_inbox, "render": t_render, "send": t_send, "total": total}


def raw_consume_ack(uri: str, n: int) -> float:
    """The broker's yardstick: persistent messages of the same size consumed and acked one by one."""
    body = encode(build_envelope("application.approved", approved(0), district="demo", producer="applications"))
    return consume_ack(uri, [body] * n)


def inbox_consume_ack(uri: str, n: int) -> float:
    """The event pipeline's consuming side on PostgreSQL, on the same broker and path as the
    yardstick: each message parsed as a received event, claimed in the inbox (the row that
    makes a redelivery a no-op) and committed, then acked."""
    url = fresh_db("anju_bench_notify_inbox")
    upgrade("notify", url)
    store = Store(url, models.metadata)
    bodies = [encode(build_envelope("application.approved", approved(i), district="demo", producer="applications"))
              for i in range(n)]

    def claim(body: bytes) -> None:
        event = parse_received(body)
        with UnitOfWork(store, district="demo", producer="notify",
                        inbox_claim=(event.event_id, "bench.inbox_consume", event.event_type)) as uow:
            uow.commit()

    try:
        rate = consume_ack(uri, bodies, claim)
        with store.engine.connect() as c:
            claimed = c.execute(text("SELECT count(*) FROM inbox WHERE handler = 'bench.inbox_consume'")).scalar()
        assert claimed == n, (claimed, n)
        return rate
    finally:
        store.dispose()
        drop_db("anju_bench_notify_inbox")


def drop_db(name: str) -> None:
    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def consume_ack(uri: str, bodies: list, handle=None) -> float:
    """Publish ``bodies`` persistent, then consume them with prefetch 10 (notify's max_workers),
    ``handle(raw body)`` before each ack → messages/s of the consuming alone."""
    n = len(bodies)
    with Connection(uri) as conn:
        ex = Exchange("bench.raw", type="topic", durable=True)
        q = Queue("bench.raw.consume", exchange=ex, routing_key="#", durable=True)
        q(conn.default_channel).declare()
        producer = conn.Producer()
        for body in bodies:
            producer.publish(body, exchange=ex, routing_key="x", delivery_mode=2, content_type="application/json")
        got = [0]

        def on(body_, message):
            if handle is not None:
                handle(message.body)
            message.ack()
            got[0] += 1

        with conn.Consumer(q, callbacks=[on], prefetch_count=10):
            started = time.perf_counter()
            while got[0] < n:
                conn.drain_events(timeout=10)
            elapsed = time.perf_counter() - started
        q(conn.default_channel).delete()
    return n / elapsed


class ContactsStandIn:
    """Answers notify's get_contact at send time (see the module's doc)."""

    name = "applications"

    @rpc
    def get_contact(self, person_ref):
        return {**CONTACT, "person_ref": person_ref}


def latency(uri: str, rate: float, seconds: float, tmp: Path, poll: float) -> list[float]:
    """Commit application.approved into an applications-like outbox at `rate`/s; the relay
    publishes with confirms; notify consumes, records, sends to the SMS sink. Returns seconds
    from each commit to its sink line."""
    apps_url = fresh_db("anju_bench_apps_outbox")
    from sqlalchemy import MetaData

    meta = MetaData()
    platform_tables(meta)
    apps = Store(apps_url, meta)
    meta.create_all(apps.engine)
    notify_url = fresh_db("anju_bench_notify_latency")
    upgrade("notify", notify_url)
    config = load_config("notify")
    config.pop("LOGGING", None)
    sink = tmp / "latency-sms.jsonl"
    config.update(AMQP_URI=uri, DATABASE_URL=notify_url, DISTRICT="demo", WEB_SERVER_ADDRESS="127.0.0.1:0",
                  DELIVERY_POLL_SECONDS=poll, SMS_SINK_PATH=str(sink), EMAIL_SINK_PATH=str(tmp / "l-mail.txt"),
                  QUIET_HOURS="00:00-00:00", OUTBOX_POLL_SECONDS=0.1)
    notify = ServiceContainer(NotifyService, config)
    contacts = ServiceContainer(ContactsStandIn, {"AMQP_URI": uri})
    notify.start()
    contacts.start()
    relay = OutboxRelay.from_config(apps, "applications", {**config, "OUTBOX_POLL_SECONDS": 0.05,
                                                           "OUTBOX_LINGER_SECONDS": 0.0})
    relay_gt = eventlet.spawn(relay.run_forever)
    committed: dict[str, float] = {}
    try:
        count = int(rate * seconds)
        start = time.perf_counter()
        for i in range(count):
            due = start + i / rate
            eventlet.sleep(max(0.0, due - time.perf_counter()))
            with UnitOfWork(apps, district="demo", producer="applications", on_commit=relay.wake) as uow:
                env = uow.publish("application.approved", approved(i))
                uow.commit()
            committed[env["event_id"]] = time.time()
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline:
            lines = sink.read_text().splitlines() if sink.exists() else []
            if len(lines) >= count:
                break
            eventlet.sleep(0.2)
        got = {json.loads(line)["event_id"]: json.loads(line)["at"] for line in lines}
        missing = set(committed) - set(got)
        assert not missing, f"{len(missing)} approvals never reached the SMS sink"
        store = Store(notify_url, models.metadata)
        with store.engine.connect() as c:
            recorded = {e: at.timestamp() for e, at in c.execute(
                text("SELECT event_id, created_at FROM deliveries WHERE channel = 'sms'"))}
        store.dispose()
        to_record = [recorded[e] - committed[e] for e in committed]
        return [got[e] - committed[e] for e in committed], to_record
    finally:
        relay.stop()
        relay_gt.kill()
        notify.stop()
        contacts.stop()
        apps.dispose()


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--poll", type=float, default=None, help="DELIVERY_POLL_SECONDS (default: notify's config)")
    args = parser.parse_args()
    poll = args.poll if args.poll is not None else float(load_config("notify")["DELIVERY_POLL_SECONDS"])
    admin = Client(ADMIN)
    vhost = f"anju-bench-notify-{uuid.uuid4().hex[:8]}"
    admin.create_vhost(vhost)
    admin.set_vhost_permissions(vhost, "guest", ".*", ".*", ".*")
    uri = f"pyamqp://guest:guest@{BROKER}/{vhost}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            split = stage_split(args.events, Path(tmp))
            raw = raw_consume_ack(uri, args.events)
            inbox = inbox_consume_ack(uri, args.events)
            waits, to_record = latency(uri, args.rate, args.seconds, Path(tmp), poll)
    finally:
        admin.delete_vhost(vhost)
    n = split["n"]
    send_total = sum(split["send"].values())
    print(f"notify pipeline on PostgreSQL, {n} application.approved events (3 deliveries each: sms, e-mail, in-app)")
    print(f"  inbox (parse + claim + commit)      {split['inbox'] / n * 1e3:7.2f} ms/event")
    print(f"  render (routing, templates, rows)   {split['render'] / n * 1e3:7.2f} ms/event")
    for ch, t in split["send"].items():
        print(f"  send {ch:<6} (claim, sink, record)   {t / n * 1e3:7.2f} ms/event")
    pipeline = n / split["total"]
    print(f"  events → rendered → sink deliveries: {pipeline:8.0f} events/s "
          f"({3 * pipeline:.0f} deliveries/s); split inbox {split['inbox'] / split['total']:.0%}, "
          f"render {split['render'] / split['total']:.0%}, send {send_total / split['total']:.0%}")
    print(f"  yardstick: raw consume+ack on the same broker {raw:8.0f} msg/s  → notify at {pipeline / raw:.1%} of it")
    print(f"inbox-guarded consume on PostgreSQL (parse, inbox claim, commit, ack): {inbox:8.0f} msg/s "
          f"= {inbox / raw:.1%} of the raw consume+ack")
    print(f"latency, committed approval → SMS-sink entry, {args.rate:g}/s for {args.seconds:g}s "
          f"({len(waits)} approvals, sender poll {poll:g}s):")
    print(f"  median {statistics.median(waits) * 1e3:6.0f} ms   p99 {pct(waits, 0.99) * 1e3:6.0f} ms   "
          f"max {max(waits) * 1e3:6.0f} ms   target p99 < 500 ms: {'met' if pct(waits, 0.99) < 0.5 else 'NOT met'}")
    print(f"  of which commit → delivery recorded by notify's handler: median "
          f"{statistics.median(to_record) * 1e3:.0f} ms, p99 {pct(to_record, 0.99) * 1e3:.0f} ms")
    sys.stdout.flush()
    from report import record  # the one report (bench/report.py)

    raw_label = "raw kombu consume + ack, same broker, msg/s"
    record("notify_pipeline", "inbox-guarded consume on PostgreSQL (parse, inbox claim, commit, ack)", inbox,
           "msg/s", yardstick=raw_label, yardstick_value=raw)
    record("notify_pipeline", f"events → rendered → sink deliveries (sms, e-mail, in-app), {n:,} events", pipeline,
           "events/s", yardstick=raw_label, yardstick_value=raw,
           note=f"{3 * pipeline:.0f} deliveries/s; split inbox {split['inbox'] / split['total']:.0%}, render "
                f"{split['render'] / split['total']:.0%}, send {send_total / split['total']:.0%}")
    e2e = f"end to end: approval committed → SMS sink at {args.rate:g}/s"
    record("notify_pipeline", f"{e2e}, median", statistics.median(waits) * 1e3, "ms")
    record("notify_pipeline", f"{e2e}, p99", pct(waits, 0.99) * 1e3, "ms", target=("<", 500),
           note=f"{len(waits)} approvals over {args.seconds:g} s, sender poll {poll:g} s")


if __name__ == "__main__":
    main()
