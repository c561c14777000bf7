"""PostgreSQL under eventlet: a slow query in one worker must not stall the others
(psycopg2 with psycogreen's wait callback yields to the hub while libpq waits)."""

import time

import eventlet
from sqlalchemy import MetaData, text

from services.common.db import Store


def test_slow_query_does_not_block_other_green_threads(pg_databases):
    store = Store(pg_databases("scratch_platform_only"), MetaData())
    ticks = []

    def slow():
        with store.engine.connect() as conn:
            conn.execute(text("SELECT pg_sleep(1.0)"))

    def ticker():
        for _ in range(10):
            ticks.append(time.monotonic())
            eventlet.sleep(0.05)

    def quick():
        started = time.monotonic()
        with store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return time.monotonic() - started

    try:
        started = time.monotonic()
        slow_thread = eventlet.spawn(slow)
        eventlet.sleep(0.1)  # the slow query is now waiting inside libpq
        tick_thread = eventlet.spawn(ticker)
        quick_seconds = eventlet.spawn(quick).wait()
        tick_thread.wait()
        slow_thread.wait()
        total = time.monotonic() - started
    finally:
        store.dispose()
    assert total >= 1.0, "the slow query really ran"
    assert quick_seconds < 0.5, f"a quick query waited {quick_seconds:.2f}s behind the slow one"
    assert ticks[-1] - started < 0.9, "the ticker finished while the slow query was still running"
