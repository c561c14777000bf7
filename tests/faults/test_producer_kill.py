"""Fault 2: SIGKILL a producer between its commit and the relay's publish, and between the
publish and the confirm being marked. After a restart every event reaches the bus and its
consumer; the duplicates the second case makes are absorbed by the consumer's inbox.

The producer is finance (POST /fund-receipts commits a receipt and its fund.received in one
transaction); the consumer is notify's fund-flow notice board (one notice per event)."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import requests
from checker import classify
from harness import ROOT, burst_size, wait_for
from sqlalchemy import text

N = burst_size(40, 400)


def _officer():
    from services.common.auth import JwtSettings, mint_token
    from services.common.config import load_config

    settings = JwtSettings.from_config(load_config("finance"))
    return {"Authorization": f"Bearer {mint_token(settings, subject='wang', role='finance_officer', district='demo')}"}


def _receipts(base: str, n: int) -> None:
    headers = _officer()
    on = datetime.now(UTC).date().isoformat()
    for _ in range(n):
        body = {"source": "donation", "amount_fen": 100, "reference": f"BANK-{uuid.uuid4().hex[:12]}",
                "received_on": on}
        resp = requests.post(f"{base}/fund-receipts", json=body, headers=headers, timeout=30)
        assert resp.status_code == 201, resp.text


def _outbox(engine) -> dict[str, bool]:
    """fund.received event id → sent?"""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT event_id, sent_at IS NOT NULL FROM outbox "
                                 "WHERE event_type = 'fund.received'")).all()
    return {r[0]: r[1] for r in rows}


def _events_of(engine) -> list[str]:
    return list(_outbox(engine))


def _notices(engine) -> Counter:
    with engine.connect() as conn:
        return Counter(conn.execute(text("SELECT source_event_id FROM public_notices")).scalars())


def test_sigkill_between_commit_and_publish(fresh_db, services):
    finance_url, notify_url = fresh_db("finance"), fresh_db("notify")
    finance_db, notify_db = fresh_db.engine("finance"), fresh_db.engine("notify")
    services("notify", notify_url)
    # A relay that waits a minute after being woken: the commits are in, nothing published yet.
    # It must not poll either: a polling drain (every 0.2 s by default) running when the first
    # commit lands publishes it (seen under load on the 2-core machine).
    finance = services("finance", finance_url, OUTBOX_LINGER_SECONDS=60, OUTBOX_POLL_SECONDS=60)
    time.sleep(1.5)  # its first drain (at start) is over; the next waits for a commit
    _receipts(finance.base, N)
    pending = _outbox(finance_db)
    assert len(pending) == N and not any(pending.values()), "the events must be committed, not yet published"
    finance.kill()
    assert sum(_notices(notify_db).values()) == 0

    started = time.monotonic()
    finance.env.update(OUTBOX_LINGER_SECONDS="0.02", OUTBOX_POLL_SECONDS="0.2")
    finance.start()
    wait_for(lambda: all(_outbox(finance_db).values()), 60, "the restarted relay to publish the backlog")
    wait_for(lambda: sum(_notices(notify_db).values()) >= N, 60, f"{N} notices")
    print(f"\ncommit→publish kill: {N} events published and consumed {time.monotonic() - started:.1f}s after restart")
    time.sleep(1.0)
    verdict = classify({e: e for e in pending}, _notices(notify_db))
    print(verdict.summary())
    verdict.assert_exactly_once()


def test_sigkill_between_publish_and_mark(fresh_db, services):
    finance_url, notify_url = fresh_db("finance"), fresh_db("notify")
    finance_db, notify_db = fresh_db.engine("finance"), fresh_db.engine("notify")
    services("notify", notify_url)
    finance = services("finance", finance_url, OUTBOX_LINGER_SECONDS=60, OUTBOX_POLL_SECONDS=60)
    time.sleep(1.5)
    _receipts(finance.base, N)
    finance.kill()  # the events are committed and pending

    # A relay process publishes the first batch, gets its confirms and dies before the mark.
    dying = subprocess.run([sys.executable, str(Path(__file__).with_name("relay_proc.py")), "finance", finance_url,
                            services.amqp_uri, "after-publish"], cwd=ROOT, env={"BATCH": str(N // 2),
                                                                                 "PYTHONPATH": str(ROOT),
                                                                                 "PATH": "/usr/bin:/bin"},
                           capture_output=True, text=True, timeout=60)
    assert dying.returncode == -9, dying.stderr[-2000:]
    assert not any(_outbox(finance_db).values()), "nothing may be marked sent before the mark"
    wait_for(lambda: sum(_notices(notify_db).values()) >= N // 2, 30, "the published batch to reach notify")
    time.sleep(0.5)
    twice = sum(_notices(notify_db).values())  # the relay pipelines: the next batch may be out too

    finance.env.update(OUTBOX_LINGER_SECONDS="0.02", OUTBOX_POLL_SECONDS="0.2")
    finance.start()
    wait_for(lambda: all(_outbox(finance_db).values()), 60, "the restarted relay to publish everything")
    wait_for(lambda: sum(_notices(notify_db).values()) >= N, 60, f"{N} notices")
    time.sleep(1.0)  # the republished first half arrives as duplicates: none may take effect
    verdict = classify({e: e for e in _outbox(finance_db)}, _notices(notify_db))
    print(f"\npublish→mark kill: {twice} of {N} events published twice; {verdict.summary()}")
    verdict.assert_exactly_once()
