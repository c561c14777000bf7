"""Fault 4: the database goes away under load (its connections terminated and refused:
`ALTER DATABASE … ALLOW_CONNECTIONS false` on this suite's own databases only) and comes back.

Requests fail fast with 503 and a problem body, /ready says the database is unreachable,
nothing is half-written (every 201 has its receipt and its event, every 503 has neither),
the consumer stops acknowledging (its messages stay on the queue, none dead-lettered), and
everything recovers without restarting a service."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

import requests
from checker import classify
from consumers import BY_NAME
from harness import burst_size, publish, queue_depth, set_connections, wait_for
from sqlalchemy import text
from test_producer_kill import _officer

FUND = BY_NAME["notify.fund_flow"]
OUTAGE_SECONDS = burst_size(4, 20)


class Load:
    """POST /fund-receipts in a loop (bounded by count and time), recording every answer."""

    def __init__(self, base: str, limit: int = 2000, seconds: float = 60):
        self.base, self.limit, self.seconds = base, limit, seconds
        self.results: list[tuple[float, int, float, dict, str]] = []  # (t, status, latency, body, reference)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def _run(self):
        headers, started = _officer(), time.monotonic()
        on = datetime.now(UTC).date().isoformat()
        while not self._stop.is_set() and len(self.results) < self.limit and time.monotonic() - started < self.seconds:
            ref = f"BANK-{uuid.uuid4().hex[:12]}"
            t0 = time.monotonic()
            try:
                resp = requests.post(f"{self.base}/fund-receipts", headers=headers, timeout=15,
                                     json={"source": "donation", "amount_fen": 100, "reference": ref,
                                           "received_on": on})
                status, body = resp.status_code, resp.json()
            except requests.RequestException as exc:
                status, body = 0, {"error": repr(exc)}
            self.results.append((t0, status, time.monotonic() - t0, body, ref))
            time.sleep(0.02)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=30)


def test_database_outage_fails_fast_writes_nothing_half_and_recovers(fresh_db, services):
    finance_url, notify_url = fresh_db("finance"), fresh_db("notify")
    finance_db, notify_db = fresh_db.engine("finance"), fresh_db.engine("notify")
    finance = services("finance", finance_url)
    notify = services("notify", notify_url)
    amqp = services.amqp_uri

    load = Load(finance.base).start()
    wait_for(lambda: sum(1 for r in load.results if r[1] == 201) >= 10, 30, "requests succeeding before the outage")

    down_at = time.monotonic()
    set_connections(finance_url, allowed=False)
    set_connections(notify_url, allowed=False)
    try:
        direct = [FUND.envelope() for _ in range(30)]  # events arriving while notify's database is away
        publish(amqp, direct)
        wait_for(lambda: any(r[1] == 503 and r[0] > down_at for r in load.results), 15, "a 503")
        status, body = finance.ready()
        assert status == 503 and "database" in str(body) and "unreachable" in str(body), body
        time.sleep(OUTAGE_SECONDS)
        during = [r for r in load.results if r[0] > down_at + 1]
        assert during and all(r[1] == 503 for r in during), {r[1] for r in during}
        for _, _, latency, body, _ in during:
            assert latency < 2.0, f"a request took {latency:.1f}s: not failing fast"
            assert body["status"] == 503 and "database" in body["title"] + body.get("detail", ""), body
        # notify holds what it took and takes nothing more: nothing acknowledged, nothing dead-lettered
        assert queue_depth(amqp, FUND.queue) >= len(direct) - 10, "messages must stay queued (prefetch 10 held)"
        assert queue_depth(amqp, FUND.queue + ".dlq") == 0
    finally:
        set_connections(finance_url, allowed=True)
        set_connections(notify_url, allowed=True)
    up_at = time.monotonic()

    wait_for(lambda: any(r[1] == 201 and r[0] > up_at for r in load.results), 30, "a 201 after the outage")
    recovered = min(r[0] for r in load.results if r[1] == 201 and r[0] > up_at) - up_at
    wait_for(lambda: finance.ready()[0] == 200 and notify.ready()[0] == 200, 30, "/ready true again")
    load.stop()

    ok = {r[4] for r in load.results if r[1] == 201}
    failed = {r[4] for r in load.results if r[1] != 201}
    assert {r[1] for r in load.results} <= {201, 503}, {r[1] for r in load.results}
    with finance_db.connect() as conn:
        stored = set(conn.execute(text("SELECT reference FROM fund_receipts")).scalars())
        events = set(conn.execute(text("SELECT event_id FROM outbox WHERE event_type='fund.received'")).scalars())
    assert stored == ok, f"half-written: {len(stored - ok)} receipts without a 201, {len(ok - stored)} 201s lost"
    assert not stored & failed
    assert len(events) == len(ok), "every receipt has exactly its one event"

    # notify: the events published during the outage and every receipt's event, each once
    published = {e["event_id"]: e["event_id"] for e in direct} | {e: e for e in events}
    wait_for(lambda: sum(FUND.effects(notify_db).values()) >= len(published), 60, "every notice")
    time.sleep(0.5)
    verdict = classify(published, FUND.effects(notify_db))
    print(f"\ndatabase outage {OUTAGE_SECONDS}s: {len(ok)} requests 201, {len(failed)} 503 (fast), "
          f"first 201 {recovered:.1f}s after the database came back; {verdict.summary()}")
    verdict.assert_exactly_once()
    assert finance.proc.poll() is None and notify.proc.poll() is None and finance.starts == notify.starts == 1
