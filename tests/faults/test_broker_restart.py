"""Fault 3: RabbitMQ restarts (`rabbitmqctl stop_app` / `start_app`) and drops every connection
(`close_all_connections`) while services publish and consume. On a PRIVATE node this suite
starts (the machine's shared broker is never touched). The services reconnect by themselves,
the outbox drains to zero, /ready is false while the broker is away and true after, nothing
is lost or doubled, and no service is restarted."""

from __future__ import annotations

import time

from checker import classify
from consumers import BY_NAME
from harness import burst_size, wait_for
from sqlalchemy import text
from test_database_outage import Load

FUND = BY_NAME["notify.fund_flow"]
AWAY_SECONDS = burst_size(3, 15)


def _backlog(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM outbox WHERE sent_at IS NULL")).scalar_one()


def _gauge(base: str, name: str) -> float:
    import re

    import requests

    found = re.search(rf"^{name}{{[^}}]*}} ([0-9.e+]+)$", requests.get(f"{base}/metrics", timeout=10).text, re.M)
    return float(found.group(1)) if found else 0.0


def _events(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(text("SELECT event_id FROM outbox WHERE event_type='fund.received'")).scalars())


def test_broker_restart_while_publishing_and_consuming(private_broker, fresh_db, services):
    finance_url, notify_url = fresh_db("finance"), fresh_db("notify")
    finance_db, notify_db = fresh_db.engine("finance"), fresh_db.engine("notify")
    finance = services("finance", finance_url, amqp_uri=private_broker.amqp_uri)
    notify = services("notify", notify_url, amqp_uri=private_broker.amqp_uri)
    load = Load(finance.base, seconds=180).start()
    wait_for(lambda: sum(FUND.effects(notify_db).values()) >= 5, 30, "events flowing before the fault")

    # 1. the broker application stops and starts again
    private_broker.stop_app()
    away_at = time.monotonic()
    wait_for(lambda: finance.ready()[0] == 503 and notify.ready()[0] == 503, 15, "/ready false")
    status, body = finance.ready()
    assert "broker" in str(body) and "unreachable" in str(body), body
    time.sleep(AWAY_SECONDS)
    assert _backlog(finance_db) > 0, "requests kept committing while the broker was away (outbox)"
    wait_for(lambda: _gauge(finance.base, "anju_outbox_oldest_pending_seconds") > 1.0, 10,
             "/metrics to show the oldest pending event's age growing")
    private_broker.start_app()
    back_at = time.monotonic()
    wait_for(lambda: finance.ready()[0] == 200 and notify.ready()[0] == 200, 60, "/ready true again")
    wait_for(lambda: _backlog(finance_db) == 0, 90, "the outbox to drain to zero")
    drained = time.monotonic() - back_at
    print(f"\nbroker stop_app: away {back_at - away_at:.1f}s; outbox drained {drained:.1f}s after start_app")

    # 2. every connection cut, twice a moment apart, under the same load
    for _ in range(2):
        private_broker.close_all_connections()
        time.sleep(1.0)
    cut_at = time.monotonic()
    wait_for(lambda: finance.ready()[0] == 200 and notify.ready()[0] == 200, 60, "/ready true after the cuts")
    time.sleep(2.0)  # keep the load on after the reconnect
    load.stop()
    wait_for(lambda: _backlog(finance_db) == 0, 90, "the outbox to drain to zero again")
    drained = time.monotonic() - cut_at

    events = _events(finance_db)
    wait_for(lambda: sum(FUND.effects(notify_db).values()) >= len(events), 90, f"all {len(events)} notices")
    time.sleep(1.0)
    verdict = classify({e: e for e in events}, FUND.effects(notify_db))
    statuses = {r[1] for r in load.results}
    print(f"broker close_all_connections x2: outbox drained {drained:.1f}s after; HTTP statuses {sorted(statuses)}; "
          f"{verdict.summary()}")
    verdict.assert_exactly_once()
    assert statuses == {201}, "requests do not depend on the broker (the outbox takes the events)"
    assert finance.starts == notify.starts == 1 and finance.proc.poll() is None and notify.proc.poll() is None
