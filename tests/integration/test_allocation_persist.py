"""The draw's persistence helpers on SQLite and PostgreSQL: offers streamed into COPY keep
awkward values intact, unit ids travel safely in the array literal, work can run while a
statement executes, and waitlist promotion reads the round's stored order chunk by chunk
with every filter it had as a table."""

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from services.allocation import (
    models,
    repository,
    schemas,  # noqa: F401 - registers the event contracts promote publishes
    waitlist,
)
from services.allocation.domain.fit import FitPolicy
from services.common import pg

NOW = datetime(2026, 11, 24, tzinfo=UTC)
ON = date(2026, 11, 24)
FIT = FitPolicy(2, 0, {"public_rental": frozenset({"public_rental"})})
# Delimiters and escapes of COPY's text and CSV formats, of array literals, and JSON's.
AWKWARD = ["tab\there", "new\nline", "back\\slash", "cr\rhere", "\\N", 'quo"te', "com,ma", "{brace}", " sp ",
           "张三", "plain"]


def add_round(session, round_id: str, waitlist: list[str] | None = None) -> models.Round:
    r = models.Round(id=round_id, programme="public_rental", status="drawn", quotas="[]", quota_seats="[]",
                     fit_policy=json.dumps(FIT.to_json()), respond_days=7, secret_hex="00" * 32,
                     commitment="0" * 64, public_value_source="test", draw_date=ON, pool_size=0, unit_count=0,
                     snapshot="{}", units_snapshot="{}", snapshot_digest="0" * 64, opened_at=NOW,
                     waitlist=None if waitlist is None else repository.dumps(waitlist))
    session.add(r)
    return r


def add_unit(session, unit_id: str, project: str = "P1", rooms: int = 1, status: str = "vacant") -> None:
    session.add(models.Unit(id=unit_id, project_id=project, building="A", number=unit_id, floor=1, rooms=rooms,
                            area_tenths=600, beds=0, rent_fen=1, category="public_rental", accessible=False,
                            status=status, vacant_since=NOW))


def add_entry(session, application_id: str, size: int = 2, prefs=("P1",), status: str = "active",
              suspended_until: date | None = None) -> None:
    session.add(models.PoolEntry(
        application_id=application_id, person_ref="ref-" + application_id, programme="public_rental",
        district="demo", points_tenths=0, points_policy_version=1, breakdown="{}", household_size=size,
        preferences=json.dumps(list(prefs)), priority_groups="[]", needs_accessible=False, status=status,
        declines=0, suspended_until=suspended_until, approved_at=NOW, updated_at=NOW))


def add_projects(session, *ids):
    for p in ids:
        session.add(models.Project(id=p, name=p, programme="public_rental", supply_mode="new_build", address="a",
                                   created_at=NOW))
    session.flush()


def test_streamed_offers_and_units_update_keep_awkward_values(store_for):
    store = store_for("allocation")
    with store.uow() as u:
        add_projects(u.session, "P1")
        for v in AWKWARD:
            add_unit(u.session, "U-" + v)
        add_round(u.session, "R1")
        u.commit()
    rows = [(f"O-{k}", "R1", "A-" + v, "ref-" + v, "U-" + v, str(k), "general", "draw", "open", ON.isoformat(),
             (ON + timedelta(days=7)).isoformat()) for k, v in enumerate(AWKWARD)]
    columns = ("id", "round_id", "application_id", "person_ref", "unit_id", "preference_index", "seat", "source",
               "status", "offered_on", "respond_by")
    with store.uow() as u:
        busy = pg.insert_rows_streaming(u.session, models.Offer.__table__, columns, iter(rows))
        assert busy >= 0
        assert repository.mark_units_offered(u.session, ["U-" + v for v in AWKWARD]) == len(AWKWARD)
        u.commit()
    with store.engine.connect() as conn:
        got = conn.execute(select(*(models.Offer.__table__.c[c] for c in columns)).order_by(models.Offer.id)).all()
        assert [(r.id, r.application_id, r.person_ref, r.unit_id, r.preference_index, r.offered_on) for r in got] \
            == [(r[0], r[2], r[3], r[4], int(r[5]), ON) for r in sorted(rows)]
        assert set(conn.execute(select(models.Unit.status)).scalars()) == {"offered"}


def test_units_update_counts_only_vacant_units(store_for):
    store = store_for("allocation")
    with store.uow() as u:
        add_projects(u.session, "P1")
        add_unit(u.session, "U1")
        add_unit(u.session, "U2", status="maintenance")
        u.commit()
    with store.uow() as u:
        assert repository.mark_units_offered(u.session, ["U1", "U2", "U-none"]) == 1


def test_promotion_walks_the_stored_waitlist_past_the_first_chunk_with_every_filter(store_for):
    """Rank order of the waitlist, 1,200 long: the first 600 are too large for the freed
    unit; then one each that is no longer active, holds a live offer of another round, was
    already offered a unit in this round, is suspended, did not ask for the project; then
    the first who qualifies (past the first chunk of 500), then more who would."""
    store = store_for("allocation")
    first_chunk = waitlist.WAITLIST_CHUNK
    assert first_chunk < 605
    ids = [f"W{i:04d}" for i in range(1200)]
    with store.uow() as u:
        s = u.session
        add_projects(s, "P1", "P9")
        for uid in ("U-free", "U-other", "U-declined"):
            add_unit(s, uid, status="vacant" if uid == "U-free" else "offered")
        round_ = add_round(s, "R1", ids)
        add_round(s, "R0")
        for i, a in enumerate(ids):
            add_entry(s, a, size=5 if i < 600 else 2,
                      status="revoked" if i == 600 else "active",
                      suspended_until=ON + timedelta(days=10) if i == 603 else None,
                      prefs=("P9",) if i == 604 else ("P1",))
        s.flush()
        for oid, rid, app, unit, status in (("O-other", "R0", "W0601", "U-other", "open"),
                                            ("O-declined", "R1", "W0602", "U-declined", "declined")):
            s.add(models.Offer(id=oid, round_id=rid, application_id=app, person_ref="ref-" + app, unit_id=unit,
                               preference_index=0, seat="general", source="draw", status=status, offered_on=ON,
                               respond_by=ON + timedelta(days=7), announced_at=NOW))
        u.commit()
    with store.uow() as u:
        offer = waitlist.promote(u, NOW, ON, u.session.get(models.Round, round_.id), "U-free")
        assert (offer.application_id, offer.source, offer.unit_id) == ("W0605", "waitlist", "U-free")
        u.commit()
    with store.uow() as u:  # the stored order itself
        assert waitlist.waitlist_of(u.session, "R1") == ids
        assert waitlist.waitlist_of(u.session, "R0") == []


def test_promotion_uses_the_waitlist_given_by_the_draw(store_for):
    store = store_for("allocation")
    with store.uow() as u:
        s = u.session
        add_projects(s, "P1")
        add_unit(s, "U1")
        round_ = add_round(s, "R1")  # the draw writes the round's waitlist only at its end
        add_entry(s, "A1")
        add_entry(s, "A2")
        s.flush()
        offer = waitlist.promote(u, NOW, ON, round_, "U1", waitlist=("A2", "A1"))
        assert offer.application_id == "A2"


def test_reading_a_round_leaves_its_large_columns_in_the_database_until_asked(store_for):
    from sqlalchemy import inspect

    store = store_for("allocation")
    with store.uow() as u:
        add_round(u.session, "R-big", waitlist=["A-1"])
        u.commit()
    with store.uow() as u:
        r = u.session.get(models.Round, "R-big")
        loaded = inspect(r).dict
        assert r.fit_policy and not {"snapshot", "units_snapshot", "results", "waitlist"} & loaded.keys()
        assert r.snapshot == "{}" and json.loads(r.waitlist) == ["A-1"]  # loaded when read
