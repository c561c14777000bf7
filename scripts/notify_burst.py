"""A burst of finance events through the real notify service (the demo year's case): how fast
notify consumes them, with its senders running beside the consumer as in production.

    .venv/bin/python scripts/notify_burst.py [--events 2000] [--db sqlite|pg] [--profile out.prof]

The events (rent.invoiced, rent.paid, loan.instalment_paid, rent.overdue, fund.received, in the
demo year's proportions, roughly) are published persistent to ``finance.events`` in a vhost of
the script's own, only after notify's queues exist, so the whole burst waits on the queue when the
clock starts: the figure is notify's draining rate. It stops when the inbox holds every event
(consumed: recorded, routed, rendered, committed) and again when nothing due is left unsent.
Stand-ins: contacts come from a tiny RPC service named "applications" (the round trip over the
broker is real); the webhook subscriber (as the demo's, for rent.overdue) answers 204 locally;
SMS and e-mail go to file sinks at the demo's sink rate. PostgreSQL: a database named
``<ANJU_TEST_DB_TAG>notify_burst`` on BENCH_PG_ADMIN's server, dropped and made afresh.
"""

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import cProfile  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
import warnings  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

warnings.filterwarnings("ignore")

from eventlet import wsgi  # noqa: E402
from kombu import Connection, Exchange  # noqa: E402
from nameko.containers import ServiceContainer  # noqa: E402
from nameko.rpc import rpc  # noqa: E402
from nameko.testing.rabbit import Client  # noqa: E402
from sqlalchemy import text  # noqa: E402

from services.common.config import load_config  # noqa: E402
from services.common.db import Store, UnitOfWork  # noqa: E402
from services.common.events.contracts import build_envelope, encode  # noqa: E402
from services.common.migrations import upgrade  # noqa: E402
from services.notify import models, sealing, subscriptions  # noqa: E402
from services.notify.service import NotifyService  # noqa: E402

BROKER = os.environ.get("BENCH_AMQP_HOST", "127.0.0.1:5672")
ADMIN = os.environ.get("BENCH_RABBIT_ADMIN", "http://guest:guest@127.0.0.1:15672")
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
MIX = (("rent.invoiced", 8), ("rent.paid", 8), ("loan.instalment_paid", 2), ("rent.overdue", 1),
       ("fund.received", 1))

CONSUMED = "SELECT count(*) FROM inbox WHERE handler = 'notify.route_finance_events'"


def payload(event_type: str, i: int) -> dict:
    ref, ids = f"ref-{i % 700:06d}", str(uuid.uuid4())
    if event_type == "rent.invoiced":
        return {"invoice_id": ids, "tenancy_id": ids, "person_ref": ref, "month": "2026-03", "amount_fen": 123400,
                "reduction_fen": 0, "due_on": "2026-03-15", "entry_id": ids}
    if event_type == "rent.paid":
        return {"payment_id": ids, "tenancy_id": ids, "person_ref": ref, "amount_fen": 123400,
                "paid_on": "2026-03-10", "entry_id": ids, "owed_fen": 0, "credit_fen": 0,
                "recorded_at": "2026-03-10T08:00:00Z"}
    if event_type == "loan.instalment_paid":
        return {"loan_id": ids, "person_ref": ref, "transaction_id": ids, "kind": "repayment", "amount_fen": 50000,
                "paid_on": "2026-03-10", "entry_id": ids, "principal_left_fen": 900000, "arrears_fen": 0,
                "credit_fen": 0}
    if event_type == "rent.overdue":
        return {"tenancy_id": ids, "person_ref": ref, "period": "2026-02", "days_overdue": 31, "threshold_days": 31,
                "bucket": "31-60", "overdue_fen": 123400, "owed_fen": 123400}
    return {"receipt_id": ids, "source": "finance_bureau", "amount_fen": 5000000, "received_on": "2026-03-01",
            "earmark": "general", "entry_id": ids, "posted_on": "2026-03-01"}


def bodies(n: int) -> list[tuple[str, str]]:
    """(event type, encoded envelope) × n, the types cycling through MIX."""
    cycle = [t for t, weight in MIX for _ in range(weight)]
    types = [cycle[i % len(cycle)] for i in range(n)]
    return [(t, encode(build_envelope(t, payload(t, i), district="demo", producer="finance")))
            for i, t in enumerate(types)]


class ContactsStandIn:
    name = "applications"

    @rpc
    def get_contact(self, person_ref):
        return {"person_ref": person_ref, "phone": "13800000000", "email": "burst@example.cn", "name_masked": "测*"}


def webhook_receiver() -> tuple[int, object]:
    sock = eventlet.listen(("127.0.0.1", 0))

    def app(environ, start_response):
        environ["wsgi.input"].read()
        start_response("204 No Content", [])
        return [b""]

    return sock.getsockname()[1], eventlet.spawn(wsgi.server, sock, app, log_output=False)


def database(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'notify.db'}"
    import psycopg2

    name = os.environ.get("ANJU_TEST_DB_TAG", "") + "notify_burst"
    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def count(store, sql: str) -> int:
    with store.engine.connect() as c:
        return c.execute(text(sql)).scalar()


def run(uri: str, n: int, kind: str, tmp: Path, profile: str | None) -> dict:
    url = database(kind, tmp)
    upgrade("notify", url)
    config = load_config("notify")
    config.pop("LOGGING", None)
    config.update(AMQP_URI=uri, DATABASE_URL=url, DISTRICT="demo", WEB_SERVER_ADDRESS=f"127.0.0.1:{free_port()}",
                  SMS_SINK_PATH=str(tmp / "sms.jsonl"), EMAIL_SINK_PATH=str(tmp / "mail.txt"),
                  QUIET_HOURS="00:00-00:00", RATE_LIMIT_SMS="2000/s,4000", RATE_LIMIT_EMAIL="2000/s,4000",
                  WEBHOOK_ALLOWED_HOSTS="127.0.0.1")
    port, receiver = webhook_receiver()
    store = Store(url, models.metadata)
    with UnitOfWork(store, district="demo", producer="notify") as uow:
        subscriptions.register(uow, datetime.now(UTC), name="burst", url=f"http://127.0.0.1:{port}/hook",
                               event_types=["rent.overdue"], author="burst", secret_bytes=os.urandom(24),
                               addresses=["127.0.0.1"], allowed_hosts=frozenset({"127.0.0.1"}),
                               vault=sealing.vault_from_config(config))
        uow.commit()
    messages = bodies(n)
    notify = ServiceContainer(NotifyService, config)
    contacts = ServiceContainer(ContactsStandIn, {"AMQP_URI": uri})
    contacts.start()
    prof = cProfile.Profile() if profile else None
    notify.start()  # declares and binds notify's queues: nothing published before is lost
    try:
        with Connection(uri) as conn:
            producer = conn.Producer()
            ex = Exchange("finance.events", type="topic", durable=True)
            for event_type, body in messages:
                producer.publish(body, exchange=ex, routing_key=event_type, delivery_mode=2,
                                 content_type="application/json")
        started = time.perf_counter()
        if prof:
            prof.enable()
        consumed_at = sent_at = None
        deadline = started + float(os.environ.get("BURST_DEADLINE_SECONDS", max(300.0, n / 5)))
        while time.perf_counter() < deadline:
            eventlet.sleep(0.25)
            if consumed_at is None and count(store, CONSUMED) >= n:
                consumed_at = time.perf_counter() - started
            if consumed_at is not None and count(
                    store, "SELECT count(*) FROM deliveries WHERE status = 'pending'") == 0:
                sent_at = time.perf_counter() - started
                break
        if prof:
            prof.disable()
            prof.dump_stats(profile)
        made, consumed = count(store, "SELECT count(*) FROM deliveries"), count(store, CONSUMED)
        by_status = dict(store.engine.connect().execute(
            text("SELECT status, count(*) FROM deliveries GROUP BY status")).all())
    finally:
        notify.stop()
        contacts.stop()
        receiver.kill()
        store.dispose()
    return {"consumed_s": consumed_at, "drained_s": sent_at, "deliveries": made, "by_status": by_status,
            "consumed": consumed}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--db", choices=("sqlite", "pg"), default="sqlite")
    parser.add_argument("--profile", default=None, help="write the process's cProfile stats here")
    args = parser.parse_args()
    admin = Client(ADMIN)
    vhost = f"anju-notify-burst-{uuid.uuid4().hex[:8]}"
    admin.create_vhost(vhost)
    admin.set_vhost_permissions(vhost, "guest", ".*", ".*", ".*")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = run(f"pyamqp://guest:guest@{BROKER}/{vhost}", args.events, args.db, Path(tmp), args.profile)
    finally:
        admin.delete_vhost(vhost)
    n, consumed, drained = args.events, out["consumed_s"], out["drained_s"]
    print(f"notify, {n} finance events on {args.db} ({out['deliveries']} deliveries {out['by_status']}):")
    print(f"  consumed (inbox holds all)  {consumed:7.1f} s  = {n / consumed:6.1f} events/s" if consumed
          else f"  NOT all consumed before the deadline: {out['consumed']} of {n}")
    print(f"  all due deliveries sent      {drained:7.1f} s" if drained else "  deliveries still pending")


if __name__ == "__main__":
    main()
