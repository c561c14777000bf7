"""The operator's tools: `anju events status` (and its Prometheus form) and the expiry, listing
and clearing of Idempotency-Key claims left "in progress" by a process that died."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests
from harness import wait_for
from kombu import Connection, Producer
from test_poison import _anju

from services.common import idempotency
from services.common.db import Store, UnitOfWork
from services.common.errors import Conflict
from services.common.events.contracts import utc_now


def _store(service: str, url: str) -> Store:
    import importlib

    return Store(url, importlib.import_module(f"services.{service}.models").metadata)


def test_events_status_counts_backlog_unrouted_and_dead_letters(fresh_db, rabbit):
    url = fresh_db("finance")
    finance = _store("finance", url)
    try:
        with UnitOfWork(finance, district="demo", producer="finance") as uow:
            for n in range(3):
                uow.publish("fund.received", {"receipt_id": f"F-{n}", "source": "donation", "amount_fen": 100,
                                              "received_on": "2026-01-05"})
            uow.commit()
    finally:
        finance.dispose()
    amqp = rabbit["AMQP_URI"]
    dlq = "evt-finance-fund.received--notify.on_fund_received.dlq"
    with Connection(amqp) as conn:
        channel = conn.default_channel
        channel.queue_declare("finance.events.unrouted", durable=True, auto_delete=False)
        channel.queue_declare(dlq, durable=True, auto_delete=False)
        for queue, n in (("finance.events.unrouted", 1), (dlq, 2)):
            for _ in range(n):
                Producer(channel).publish(json.dumps({"x": 1}), exchange="", routing_key=queue)

    out = _anju(amqp, "events", "status", "finance", "notify", "--database-url", f"finance={url}",
                "--database-url", f"notify={fresh_db('notify')}")
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:] if not line.startswith(" ")}
    assert rows["finance"][1] == "3" and rows["finance"][2].endswith("s"), out  # backlog, oldest age
    assert rows["finance"][3] == "1", out  # unrouted
    assert rows["notify"][1] == "0" and rows["notify"][2] == "-" and rows["notify"][4] == "2", out
    assert f"{dlq}: 2" in out

    prom = _anju(amqp, "events", "status", "finance", "notify", "--prometheus", "--database-url", f"finance={url}",
                 "--database-url", f"notify={fresh_db('notify')}")
    assert 'anju_outbox_backlog{service="finance",district="demo"} 3' in prom
    assert 'anju_unrouted_parked{service="finance",district="demo"} 1' in prom
    assert f'anju_dead_letters{{service="notify",district="demo",queue="{dlq}"}} 2' in prom
    assert "# TYPE anju_outbox_oldest_pending_seconds gauge" in prom


def test_a_claim_left_in_progress_expires_and_is_listed_and_cleared(store_for, tmp_path):
    s = store_for("finance")
    store = s.store
    digest = idempotency.request_hash("POST", "/fund-receipts", b"{}")
    now = utc_now()
    assert idempotency.claim(store, "officer:wang", "K1", "POST /fund-receipts", digest, now=now) is None
    # the process died here: the claim has no response, and a retry meets 409 ...
    with pytest.raises(Conflict):
        idempotency.claim(store, "officer:wang", "K1", "POST /fund-receipts", digest, ttl_seconds=300,
                          now=now + timedelta(seconds=299))
    assert idempotency.stale_claims(store, now + timedelta(seconds=299), 300) == []
    later = now + timedelta(seconds=301)
    assert [c.key for c in idempotency.stale_claims(store, later, 300)] == ["K1"]
    # ... until the claim is older than its time to live: the retry takes it over, once
    assert idempotency.claim(store, "officer:wang", "K1", "POST /fund-receipts", digest, ttl_seconds=300,
                             now=later) is None
    with pytest.raises(Conflict):  # a second retry racing it finds the renewed claim
        idempotency.claim(store, "officer:wang", "K1", "POST /fund-receipts", digest, ttl_seconds=300, now=later)
    idempotency.complete(store, "officer:wang", "K1", 201, "{}")
    assert idempotency.stale_claims(store, later + timedelta(days=1), 300) == []  # answered: never stale
    # an operator clears stale claims
    idempotency.claim(store, "officer:li", "K2", "POST /fund-receipts", digest, now=now)
    assert idempotency.clear_stale_claims(store, later, 300) == 1
    assert idempotency.claim(store, "officer:li", "K2", "POST /fund-receipts", digest, now=later) is None


def test_idempotency_cli_lists_and_clears(tmp_path):
    from services.common.migrations import upgrade

    url = f"sqlite:///{tmp_path}/finance.db"
    upgrade("finance", url)
    s = _store("finance", url)
    try:
        digest = idempotency.request_hash("POST", "/fund-receipts", b"{}")
        idempotency.claim(s, "officer:wang", "dead-1", "POST /fund-receipts", digest,
                          now=utc_now() - timedelta(hours=1))
        idempotency.claim(s, "officer:wang", "alive-1", "POST /fund-receipts", digest)
    finally:
        s.dispose()
    out = _anju("", "idempotency", "list", "--service", "finance", "--database-url", url)
    assert "dead-1" in out and "alive-1" not in out and "1 claim(s)" in out, out
    out = _anju("", "idempotency", "clear", "--service", "finance", "--database-url", url)
    assert "cleared 1 claim(s)" in out, out
    assert "0 claim(s)" in _anju("", "idempotency", "list", "--service", "finance", "--database-url", url)


def test_each_service_exposes_its_dead_letter_and_unrouted_depths_in_its_own_metrics(fresh_db, services):
    """The same gauges as `anju events status --prometheus`, from the services' own /metrics:
    the relay reads its unrouted queue and its consumers' dead-letter queues (passive declares)."""
    finance = services("finance", fresh_db("finance"))
    notify = services("notify", fresh_db("notify"))
    amqp = services.amqp_uri
    dlq = "evt-finance-fund.received--notify.on_fund_received.dlq"
    with Connection(amqp) as conn:
        channel = conn.default_channel
        channel.queue_declare("finance.events.unrouted", durable=True, auto_delete=False)
        channel.queue_declare(dlq, durable=True, auto_delete=False)
        for queue, n in (("finance.events.unrouted", 1), (dlq, 2)):
            for _ in range(n):
                Producer(channel).publish(json.dumps({"x": 1}), exchange="", routing_key=queue)

    def metric(svc, line):
        return line in requests.get(f"{svc.base}/metrics", timeout=5).text or None

    wait_for(lambda: metric(finance, 'anju_unrouted_parked{district="demo",service="finance"} 1.0'), 40,
             "finance's unrouted gauge")
    wait_for(lambda: metric(notify, f'anju_dead_letters{{district="demo",queue="{dlq}",service="notify"}} 2.0'), 40,
             "notify's dead-letter gauge")
    assert 'anju_unrouted_parked{district="demo",service="notify"} 0.0' in requests.get(
        f"{notify.base}/metrics", timeout=5).text
