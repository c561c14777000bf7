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


def test_a_connection_killed_while_idle_in_the_pool_is_replaced(pg_databases, monkeypatch):
    """The server (or a proxy) dropped a pooled connection while it sat idle: the next checkout
    pings it, finds it dead and hands out a fresh one. Under load (checked in moments ago) the
    ping is skipped: with the idle threshold out of reach the dead connection is handed out."""
    from sqlalchemy.exc import OperationalError

    from services.common import db

    store = Store(pg_databases("scratch_platform_only"), MetaData())

    def kill_pooled_connection() -> int:
        with store.engine.connect() as conn:
            victim = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with store.engine.connect() as conn, conn.connection.dbapi_connection.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", (victim,))  # another pooled connection does it
        return victim

    try:
        store.engine.dispose()
        with store.engine.connect() as a, store.engine.connect() as b:  # two connections in the pool
            a.execute(text("SELECT 1"))
            b.execute(text("SELECT 1"))
        monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
        victim = kill_pooled_connection()
        for _ in range(2):  # whichever of the two comes out first, each works and none is the victim
            with store.engine.connect() as conn:
                assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != victim

        monkeypatch.setattr(db, "IDLE_PING_SECONDS", 3600.0)
        kill_pooled_connection()
        failures = 0
        for _ in range(2):
            try:
                with store.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            except OperationalError:
                failures += 1
        assert failures >= 1  # the control: unpinged, the dead connection was used
    finally:
        store.dispose()
