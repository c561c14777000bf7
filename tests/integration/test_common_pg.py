"""services.common.pg on both databases: array literals survive every delimiter, rows inserted
by COPY (or its fallback) read back equal, work overlaps a statement and its error surfaces
after it, and the wait callback is back in place after each trick."""

from datetime import date

import pytest
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, select, text

from services.common import pg
from services.common.db import Store, UnitOfWork

AWKWARD = ["tab\there", "new\nline", "back\\slash", "cr\rhere", "\\N", 'quo"te', "com,ma", "{brace}", " sp ",
           "张三", "plain", "NULL", ""]

metadata = MetaData()
ROWS = Table("pg_rows", metadata, Column("id", String(40), primary_key=True), Column("n", Integer),
             Column("day", Date), Column("label", String(40)))


@pytest.fixture
def store(scratch_db):
    s = Store(scratch_db(metadata), metadata)
    yield s
    s.dispose()


def uow(store):
    return UnitOfWork(store, district="demo", producer="test")


def test_text_array_is_empty_braces_for_no_values():
    assert pg.text_array([]) == "{}"
    assert pg.array_literal([]) == "{}"


def test_array_literal_spells_nulls_booleans_and_numbers():
    assert pg.array_literal([None, True, False, 7, "a b"]) == '{NULL,t,f,7,"a b"}'


@pytest.mark.parametrize("kind", ["text", "mixed"])
def test_array_literals_round_trip_through_postgresql(pg_databases, kind):
    """Array literals are parsed by PostgreSQL only (SQLite never receives one)."""
    pg_store = Store(pg_databases("scratch_platform_only"), MetaData())
    literal = pg.text_array(AWKWARD) if kind == "text" else pg.array_literal(AWKWARD)
    try:
        with uow(pg_store) as u:
            got = u.session.execute(text("SELECT CAST(:a AS varchar[])"), {"a": literal}).scalar()
    finally:
        pg_store.dispose()
    assert got == AWKWARD


def test_insert_rows_and_the_streaming_form_read_back_equal(store):
    typed = [(f"id-{i}", i, date(2026, 1, 1 + i), v) for i, v in enumerate(AWKWARD[:10])]
    with uow(store) as u:
        pg.insert_rows(u.session, ROWS, ("id", "n", "day", "label"), typed)
        busy = pg.insert_rows_streaming(u.session, ROWS, ("id", "n", "day", "label"),
                                        iter([(f"s-{i}", str(i), f"2026-02-{1 + i:02d}", v)
                                              for i, v in enumerate(AWKWARD[:10])]))
        assert busy >= 0
        u.commit()
    with store.engine.connect() as conn:
        got = conn.execute(select(ROWS).order_by(ROWS.c.id)).all()
    streamed = [(f"s-{i}", i, date(2026, 2, 1 + i), v) for i, v in enumerate(AWKWARD[:10])]
    assert sorted(map(tuple, got)) == sorted(typed + streamed)


def test_insert_rows_with_nothing_writes_nothing(store):
    with uow(store) as u:
        pg.insert_rows(u.session, ROWS, ("id", "n", "day", "label"), [])
        u.commit()
    with store.engine.connect() as conn:
        assert conn.execute(select(ROWS)).all() == []


def test_execute_while_runs_the_work_and_raises_its_error_after_the_statement(store):
    ran = []
    with uow(store) as u:
        assert pg.execute_while(u.session, text("SELECT 42"), {}, lambda: ran.append(1)).scalar() == 42
        assert ran == [1]

        def fails():
            raise ZeroDivisionError("in the work")

        with pytest.raises(ZeroDivisionError, match="in the work"):
            pg.execute_while(u.session, text("SELECT 1"), {}, fails)
        assert u.session.execute(text("SELECT 7")).scalar() == 7  # the connection is still fine


def test_the_wait_callback_is_restored_after_copy_and_overlap(store):
    from psycopg2 import extensions

    before = extensions.get_wait_callback()
    with uow(store) as u:
        pg.insert_rows(u.session, ROWS, ("id", "n", "day", "label"), [("a", 1, date(2026, 1, 1), "x")])
        pg.execute_while(u.session, text("SELECT 1"), {}, lambda: None)
        u.commit()
    assert extensions.get_wait_callback() is before


def test_a_deadlock_is_a_409_to_retry_and_writes_nothing(pg_databases):
    """Two units of work each holding a row the other wants: PostgreSQL undoes one, which the
    caller sees as a Conflict saying to retry (not a 500); the other commits."""
    import eventlet

    from services.common.errors import Conflict

    pg_store = Store(pg_databases("scratch_platform_only"), metadata)
    metadata.drop_all(pg_store.engine)
    metadata.create_all(pg_store.engine)
    try:
        with uow(pg_store) as u:
            pg.insert_rows(u.session, ROWS, ("id", "n", "day", "label"),
                           [("a", 0, date(2026, 1, 1), "a"), ("b", 0, date(2026, 1, 1), "b")])
            u.commit()
        outcomes = []

        def worker(first: str, second: str):
            try:
                with uow(pg_store) as u:
                    u.session.execute(text("UPDATE pg_rows SET n = n + 1 WHERE id = :i"), {"i": first})
                    eventlet.sleep(0.3)
                    u.session.execute(text("UPDATE pg_rows SET n = n + 1 WHERE id = :i"), {"i": second})
                    u.commit()
                outcomes.append("committed")
            except Conflict as exc:
                outcomes.append(str(exc))

        pool = eventlet.GreenPool()
        pool.spawn(worker, "a", "b")
        pool.spawn(worker, "b", "a")
        pool.waitall()
        assert sorted(outcomes)[0] == "committed" and "retry" in sorted(outcomes)[1], outcomes
        with pg_store.engine.connect() as conn:
            assert sorted(conn.execute(select(ROWS.c.n)).scalars()) == [1, 1]  # only the winner's updates
    finally:
        metadata.drop_all(pg_store.engine)
        pg_store.dispose()
