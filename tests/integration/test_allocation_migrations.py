"""Migration 0003 carries drawn rounds' waitlists from the old table into rounds.waitlist and
back on downgrade, on SQLite and PostgreSQL; on PostgreSQL it sets the units fillfactor."""

import json

import pytest
from databases import create_database, drop_database, pg_name
from sqlalchemy import create_engine, inspect, text

from services.common.migrations import downgrade, upgrade

ROUND = ("INSERT INTO rounds (id, programme, status, quotas, quota_seats, fit_policy, respond_days, secret_hex, "
         "commitment, public_value_source, draw_date, pool_size, unit_count, snapshot, units_snapshot, "
         "snapshot_digest, opened_at) VALUES (:id, 'pr', 'drawn', '[]', '[]', '{}', 7, 'ab', 'c', 's', "
         "'2026-11-24', 0, 0, '{}', '{}', 'd', '2026-11-24 00:00:00+00:00')")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/allocation.db"
        return
    name = pg_name("allocation_migrations")
    yield create_database(name)
    drop_database(name)


def engine_for(url):
    return create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))


def test_waitlists_move_into_rounds_and_back(url):
    upgrade("allocation", url, "0002")
    engine = engine_for(url)
    with engine.begin() as conn:
        for rid in ("R1", "R2", "R3"):
            conn.execute(text(ROUND), {"id": rid})
        conn.execute(text("INSERT INTO waitlist (round_id, rank, application_id) VALUES "
                          "('R1', 2, 'A-二'), ('R1', 1, 'A-\"1'), ('R1', 3, 'A-3'), ('R2', 1, 'B-1')"))
    engine.dispose()

    upgrade("allocation", url)
    engine = engine_for(url)
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT id, waitlist FROM rounds")).all())
        assert {k: v and json.loads(v) for k, v in stored.items()} == {
            "R1": ['A-"1', "A-二", "A-3"], "R2": ["B-1"], "R3": None}
        assert "waitlist" not in inspect(conn).get_table_names()
        if conn.dialect.name == "postgresql":
            options = conn.execute(text("SELECT reloptions FROM pg_class WHERE relname = 'units'")).scalar()
            assert "fillfactor=50" in options
    engine.dispose()

    downgrade("allocation", url, "0002")
    engine = engine_for(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT round_id, rank, application_id FROM waitlist ORDER BY round_id, rank")) \
            .all() == [("R1", 1, 'A-"1'), ("R1", 2, "A-二"), ("R1", 3, "A-3"), ("R2", 1, "B-1")]
        assert "waitlist" not in {c["name"] for c in inspect(conn).get_columns("rounds")}
    engine.dispose()
