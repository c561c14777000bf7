"""Outbox relay throughput with publisher confirms, next to its yardsticks, in one run on the
same broker: raw kombu persistent publishing (no confirms, and one confirm per message),
nameko's plain EventDispatcher, and the relay draining a SQLite and a PostgreSQL outbox.

    .venv/bin/python bench/outbox_relay.py [--messages 20000]

Target (foundation issue): relay ≥ 50% of raw persistent publishing measured in the same run.
"""

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)

from kombu import Connection, Exchange, Queue  # noqa: E402
from marshmallow import Schema, fields  # noqa: E402
from sqlalchemy import MetaData, delete, insert  # noqa: E402

from services.common.db import Store  # noqa: E402
from services.common.events.contracts import build_envelope, contract, encode, utc_now  # noqa: E402
from services.common.events.relay import ConfirmingPublisher, OutboxRelay  # noqa: E402
from services.common.tables import platform_tables  # noqa: E402

AMQP_URI = os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/")
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/anju_bench")
EXCHANGE = "bench.events"
SINK = "bench-sink"


@contract("bench.measured", producer="bench", description="benchmark payload")
class BenchMeasured(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    points = fields.Integer(required=True)


def sample_body(i: int) -> str:
    return encode(build_envelope("bench.measured", {"application_id": f"A-{i:08d}",
                                                    "person_ref": "p_" + "ab" * 16, "points": 875},
                                 district="demo", producer="bench"))


def reset_sink(conn):
    ex = Exchange(EXCHANGE, type="topic", durable=True)
    q = Queue(SINK, exchange=ex, routing_key="#", durable=True)
    q(conn.default_channel).declare()
    q(conn.default_channel).purge()


def rate(n, seconds):
    return n / seconds if seconds else float("inf")


def bench_raw(n, confirms):
    with Connection(AMQP_URI, transport_options={"confirm_publish": confirms}) as conn:
        reset_sink(conn)
        producer = conn.Producer()
        body = sample_body(0)
        started = time.perf_counter()
        for _ in range(n):
            producer.publish(body, exchange=EXCHANGE, routing_key="bench.measured",
                             content_type="application/json", content_encoding="utf-8", delivery_mode=2)
        if not confirms:  # make sure everything reached the broker before stopping the clock
            conn.default_channel.queue_declare(SINK, passive=True)
        return rate(n, time.perf_counter() - started)


def bench_nameko_dispatcher(n):
    from nameko.standalone.events import event_dispatcher

    with Connection(AMQP_URI) as conn:
        reset_sink(conn)
    # nameko publishes to "<service>.events"; our sink is bound to bench.events
    dispatch = event_dispatcher({"AMQP_URI": AMQP_URI})
    body = {"application_id": "A-1", "person_ref": "p_" + "ab" * 16, "points": 875}
    started = time.perf_counter()
    for _ in range(n):
        dispatch("bench", "bench.measured", body)
    return rate(n, time.perf_counter() - started)


def bench_relay(url, n, batch):
    metadata = MetaData()
    outbox = platform_tables(metadata).outbox
    store = Store(url, metadata)
    metadata.create_all(store.engine)
    with store.engine.begin() as conn:
        conn.execute(delete(outbox))
    with Connection(AMQP_URI) as conn:
        reset_sink(conn)
    rows = []
    for i in range(n):
        body = sample_body(i)
        rows.append({"event_id": f"{i:08d}-0000-0000-0000-000000000000"[:36], "event_type": "bench.measured",
                     "body": body, "created_at": utc_now()})
    with store.engine.begin() as conn:
        for start in range(0, n, 5000):
            conn.execute(insert(outbox), rows[start:start + 5000])
    relay = OutboxRelay(store, ConfirmingPublisher(AMQP_URI, EXCHANGE), service="bench",
                        district="demo", batch_size=batch)
    started = time.perf_counter()
    published = relay.drain()
    seconds = time.perf_counter() - started
    assert published == n and relay.backlog() == 0, (published, relay.backlog())
    with Connection(AMQP_URI) as conn:
        depth = conn.default_channel.queue_declare(SINK, passive=True).message_count
    assert depth == n, f"sink holds {depth}, expected {n}"
    relay.publisher.close()
    store.dispose()
    return rate(n, seconds)


def ensure_pg_db():
    import psycopg2

    admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = 'anju_bench'")
        if not cur.fetchone():
            cur.execute("CREATE DATABASE anju_bench")
    conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    n = args.messages
    broker = AMQP_URI.split("@")[-1]
    print(f"Outbox relay benchmark — {n} messages of {len(sample_body(0))} bytes, persistent, broker {broker}")
    results = []
    results.append(("raw kombu, persistent, no confirms", bench_raw(n, confirms=False)))
    results.append(("raw kombu, persistent, confirm each", bench_raw(max(n // 5, 500), confirms=True)))
    results.append(("nameko EventDispatcher (standalone)", bench_nameko_dispatcher(max(n // 5, 500))))
    with tempfile.TemporaryDirectory() as tmp:
        results.append((f"outbox relay, SQLite, confirms, batch {args.batch}",
                        bench_relay(f"sqlite:///{tmp}/bench.db", n, args.batch)))
    ensure_pg_db()
    results.append((f"outbox relay, PostgreSQL, confirms, batch {args.batch}", bench_relay(PG_URL, n, args.batch)))
    raw = results[0][1]
    print(f"\n{'path':<48} {'msg/s':>9} {'vs raw':>7}")
    for name, value in results:
        print(f"{name:<48} {value:>9,.0f} {value / raw:>7.0%}")
    worst_relay = min(v for name, v in results if name.startswith("outbox relay"))
    verdict = "MET" if worst_relay >= 0.5 * raw else "NOT MET"
    print(f"\ntarget relay ≥ 50% of raw persistent publishing: {verdict} ({worst_relay / raw:.0%})")
    from report import record  # the one report (bench/report.py)

    for name, value in results[1:]:
        record("outbox_relay", name, value, "msg/s", yardstick=results[0][0], yardstick_value=raw,
               target=(">=", 0.5 * raw) if name.startswith("outbox relay") else None)
    with Connection(AMQP_URI) as conn:
        conn.default_channel.queue_delete(SINK)
        conn.default_channel.queue_delete(f"{EXCHANGE}.unrouted")
    return 0  # an unmet target is in the report; a non-zero exit from `make bench` means a bench broke


if __name__ == "__main__":
    sys.exit(main())
