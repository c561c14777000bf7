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


UNIT = ("INSERT INTO units (id, project_id, building, number, floor, rooms, area_tenths, beds, rent_fen, category, "
        "accessible, status, vacant_since) VALUES (:id, 'P1', :b, :n, 1, 1, 400, 0, 1, 'public_rental', false, "
        ":status, NULL)")


def test_old_unit_ids_are_rewritten_only_when_safe_and_let_units_are_occupied_again(url):
    """Migration 0004 (issue 11 item 3, issue 12 item 1)."""
    upgrade("allocation", url, "0003")
    engine = engine_for(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO projects (id, name, programme, supply_mode, address, created_at) VALUES "
                          "('P1', 'p', 'public_rental', 'new_build', 'a', '2026-11-24 00:00:00+00:00')"))
        for uid, b, n, status in (("P1/A/101", "A", "101", "vacant"),       # nothing refers to it: rewritten
                                  ("P1/A/102", "A", "102", "offered"),      # an offer names it: kept
                                  ("P1/A/103", "A", "103", "vacant"),       # frozen in a round: kept
                                  ("P1/A-1/05", "A-1", "05", "vacant"),     # P1-A-1-05 is taken: kept
                                  ("P1-A-1-05", "A", "1-05", "vacant"),
                                  ("P1/A/1#6", "A", "1#6", "vacant"),       # '#' unsafe in a URL: kept
                                  ("P1-A-107", "A", "107", "maintenance")):  # let, then 'repaired' by hand
            conn.execute(text(UNIT), {"id": uid, "b": b, "n": n, "status": status})
        conn.execute(text(ROUND), {"id": "R1"})
        conn.execute(text("UPDATE rounds SET units_snapshot = :s WHERE id = 'R1'"),
                     {"s": json.dumps({"unit_id": ["P1/A/103"]})})
        for oid, unit, status in (("O2", "P1/A/102", "open"), ("O7", "P1-A-107", "moved_in")):
            conn.execute(text("INSERT INTO offers (id, round_id, application_id, person_ref, unit_id, "
                              "preference_index, seat, source, status, offered_on, respond_by) VALUES "
                              "(:id, 'R1', :a, 'r', :u, 0, 'general', 'draw', :s, '2026-11-24', '2026-12-01')"),
                         {"id": oid, "a": "A-" + oid, "u": unit, "s": status})
        conn.execute(text("INSERT INTO tenancies (id, unit_id, project_id, offer_id, application_id, person_ref, "
                          "start, \"end\", rent_fen, status, violation_points_tenths, termination_open, created_at) "
                          "VALUES ('T7', 'P1-A-107', 'P1', 'O7', 'A-O7', 'r', '2026-12-01', '2027-12-01', 1, "
                          "'active', 0, false, '2026-11-24 00:00:00+00:00')"))
    engine.dispose()

    upgrade("allocation", url)
    engine = engine_for(url)
    with engine.connect() as conn:
        assert dict(conn.execute(text("SELECT id, status FROM units")).all()) == {
            "P1-A-101": "vacant", "P1/A/102": "offered", "P1/A/103": "vacant", "P1/A-1/05": "vacant",
            "P1-A-1-05": "vacant", "P1/A/1#6": "vacant", "P1-A-107": "occupied"}
    engine.dispose()
    downgrade("allocation", url, "0003")  # changes nothing back
    engine = engine_for(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM units WHERE id = 'P1-A-101'")).scalar() == 1
    engine.dispose()


def test_pool_departures_copy_the_withdrawn_and_revoked_entries(url):
    """Migration 0005 (issue 18): departed entries already in the pool get their departure row,
    so a redelivered approval finds it; downgrade drops the table."""
    upgrade("allocation", url, "0004")
    engine = engine_for(url)
    with engine.begin() as conn:
        for app_id, status in (("A1", "withdrawn"), ("A2", "revoked"), ("A3", "active"), ("A4", "housed")):
            conn.execute(text(
                "INSERT INTO pool_entries (application_id, person_ref, programme, district, points_tenths, "
                "points_policy_version, breakdown, household_size, preferences, priority_groups, needs_accessible, "
                "status, declines, approved_at, updated_at) VALUES (:a, 'p', 'pr', 'demo', 1, 1, '{}', 1, '[]', "
                "'[]', false, :s, 0, '2026-11-20 00:00:00+00:00', '2026-11-24 23:30:00+00:00')"),
                {"a": app_id, "s": status})
    engine.dispose()
    upgrade("allocation", url)
    engine = engine_for(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT application_id, status, departed_on FROM pool_departures "
                                 "ORDER BY application_id")).all()
    engine.dispose()
    assert [(a, s, str(d)) for a, s, d in rows] == [("A1", "withdrawn", "2026-11-24"), ("A2", "revoked", "2026-11-24")]
    downgrade("allocation", url, "0004")
    engine = engine_for(url)
    assert "pool_departures" not in inspect(engine).get_table_names()
    engine.dispose()
