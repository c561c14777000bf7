"""Reading notify's whole delivery log through GET /deliveries, 200 a page: by page number (a
count of every match and an offset scan on each page: the demo's reader until the cursor came),
without and with the log's index (ix_deliveries_log, migration 0004), against a walk by cursor
(``after`` = the ``next`` of the page before). N deliveries are inserted straight into a
PostgreSQL notify database (three to an instant, as an event's channels are), then read back
over HTTP from a real notify service; each reading must see every delivery exactly once.

    .venv/bin/python bench/delivery_log.py [--rows 20000 80000] [--page-size 200]

notify runs in this process (a nameko container) on a private RabbitMQ node started and stopped
here (tests/faults/harness.py PrivateBroker: the machine's shared broker is not touched); the
database is ``anju_bench_<ANJU_TEST_DB_TAG>delivery_log``, made afresh for each N and dropped at
the end. Besides the whole read, the time of the first and of the last five pages says whether a
page costs the same at the end of the log as at its start. Not in `make bench` (it reads the log
three times at each N: minutes at 80,000).

Measured 2026-12-06 on the shared 2-core machine (load average 4.6–5.7, a mutation run beside it),
whole read / median of the first five pages / of the last five:

    N=20,000  by page, no log index (before)  10.5 s  59 ms  144 ms
              by page, log index               4.1 s  24 ms   62 ms
              by cursor                        3.5 s  44 ms   41 ms
    N=80,000  by page, no log index (before)  88.6 s 160 ms  288 ms
              by page, log index              26.7 s  36 ms   57 ms
              by cursor                       11.3 s  22 ms   28 ms

A page by cursor is the HTTP round trip and 200 rows' JSON (its query: under 2 ms on PostgreSQL
at either end of the log, EXPLAIN ANALYZE); by page the count and the offset grow with the log.
"""

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
import warnings  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

warnings.filterwarnings("ignore")

import requests  # noqa: E402
from nameko.containers import ServiceContainer  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "faults"))
from harness import PrivateBroker, free_port  # noqa: E402

# bench/harness.py (PostgreSQL set-up every bench shares) under its own name: the fault suite's
# harness above (the private broker) is already ``harness``
_spec = importlib.util.spec_from_file_location("bench_harness", Path(__file__).resolve().parent / "harness.py")
bench_harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_harness)

from services.common.auth import JwtSettings, mint_token  # noqa: E402
from services.common.config import load_config  # noqa: E402
from services.notify import models  # noqa: E402
from services.notify.service import NotifyService  # noqa: E402

DATABASE = f"anju_bench_{os.environ.get('ANJU_TEST_DB_TAG', '')}delivery_log"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def fresh_database() -> str:
    return bench_harness.pg_fresh(DATABASE, "notify")


def fill(url: str, rows: int) -> None:
    """``rows`` deliveries, three to an instant, a minute apart; every 50th instant's dead."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))
    table = models.Delivery.__table__
    try:
        for start in range(0, rows, 5000):
            batch = []
            for n in range(start, min(rows, start + 5000)):
                at = T0 + timedelta(minutes=n // 3)
                batch.append(dict(
                    id=str(uuid.uuid4()), event_id=str(uuid.uuid5(uuid.NAMESPACE_OID, str(n // 3))),
                    event_type="application.approved", channel=("sms", "email", "inapp")[n % 3],
                    target=f"ref-{n // 3}", person_ref=f"ref-{n // 3}", subscription_id=None, critical=False,
                    subject="安居工程：申请审核通过", body="【安居工程】您的住房保障申请已审核通过。",
                    status="dead" if (n // 3) % 50 == 0 else "sent", attempts=1, next_attempt_at=at,
                    claimed_until=None, recipient_masked="138****5678", provider_message_id=None,
                    last_error=None, created_at=at, updated_at=at))
            with engine.begin() as conn:
                conn.execute(table.insert(), batch)
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE deliveries"))
    finally:
        engine.dispose()


def set_log_index(url: str, present: bool) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE INDEX IF NOT EXISTS ix_deliveries_log ON deliveries (created_at, id)" if present
                              else "DROP INDEX IF EXISTS ix_deliveries_log"))
            conn.execute(text("ANALYZE deliveries"))
    finally:
        engine.dispose()


def read(base: str, headers: dict, rows: int, page_size: int, by_cursor: bool) -> tuple[float, list[float]]:
    """(seconds for the whole log, seconds per page), checking every delivery came once."""
    seen: set[str] = set()
    times: list[float] = []
    after, number = None, 1
    start = time.perf_counter()
    for _ in range(rows // page_size + 2):  # bounded: one more than the log has pages
        params = {"page_size": page_size, **({"after": after} if after else {} if by_cursor else {"page": number})}
        t = time.perf_counter()
        resp = requests.get(f"{base}/deliveries", params=params, headers=headers, timeout=120)
        resp.raise_for_status()
        page = resp.json()
        times.append(time.perf_counter() - t)
        seen.update(d["delivery_id"] for d in page["deliveries"])
        if by_cursor:
            after = page["next"]
            if after is None:
                break
        else:
            if number * page_size >= page["total"] or not page["deliveries"]:
                break
            number += 1
    elapsed = time.perf_counter() - start
    if len(seen) != rows:
        raise SystemExit(f"read {len(seen)} distinct deliveries of {rows}")
    return elapsed, times


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[20_000, 80_000])
    parser.add_argument("--page-size", type=int, default=200)
    args = parser.parse_args()
    token = mint_token(JwtSettings.from_config(load_config("notify")), subject="bench", role="operator",
                       district="demo")
    headers = {"Authorization": f"Bearer {token}"}
    with tempfile.TemporaryDirectory(prefix="anju-delivery-log-") as tmp:
        broker = PrivateBroker(Path(tmp) / "rabbit").start()
        try:
            for rows in args.rows:
                url = fresh_database()
                fill(url, rows)
                config = load_config("notify")
                config.pop("LOGGING", None)
                port = free_port()
                config.update(AMQP_URI=broker.amqp_uri, DATABASE_URL=url, DISTRICT="demo",
                              WEB_SERVER_ADDRESS=f"127.0.0.1:{port}", DELIVERY_POLL_SECONDS=1.0,
                              SMS_SINK_PATH=str(Path(tmp) / "sms.jsonl"), EMAIL_SINK_PATH=str(Path(tmp) / "mail.txt"))
                notify = ServiceContainer(NotifyService, config)
                notify.start()
                try:
                    base = f"http://127.0.0.1:{port}"
                    for label, index, by_cursor in (("by page, no log index (before)", False, False),
                                                    ("by page, log index", True, False),
                                                    ("by cursor, log index", True, True)):
                        set_log_index(url, index)
                        before = loadavg()
                        elapsed, times = read(base, headers, rows, args.page_size, by_cursor)
                        print(f"N={rows:>6} {label:<31} {elapsed:7.1f} s  {len(times)} pages, "
                              f"first 5 median {statistics.median(times[:5]) * 1000:6.1f} ms, "
                              f"last 5 median {statistics.median(times[-5:]) * 1000:6.1f} ms  "
                              f"(load {before} → {loadavg()})", flush=True)
                finally:
                    notify.stop()
        finally:
            broker.stop()
            bench_harness.pg_drop(DATABASE)


if __name__ == "__main__":
    main()
