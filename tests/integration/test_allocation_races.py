"""Races on real PostgreSQL: two draws of one round, two accepts of one offer — exactly one
winner — and the database constraints that make a unit un-offerable / un-occupiable twice."""

import json
import time
import uuid
from datetime import UTC, date, datetime

import eventlet
import pytest
import requests
from allocation_helpers import today
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from services.allocation import models, offers, rounds, settings
from services.allocation.service import AllocationService
from services.common.config import load_config
from services.common.errors import Conflict

pg_only = pytest.mark.parametrize("database", ["postgresql"], indirect=True)
NOW = datetime(2026, 11, 24, tzinfo=UTC)
PUBLIC = ["福彩3D 2026-11-24: 5 0 2"]


def seed_round(store, n_units=3, n_apps=5) -> str:
    with store.uow() as u:
        u.session.add(models.Project(id="P1", name="p", programme="public_rental", supply_mode="new_build",
                                     address="a", created_at=NOW))
        u.session.flush()
        for i in range(n_units):
            u.session.add(models.Unit(id=f"U{i}", project_id="P1", building="A", number=str(i), floor=1,
                                      rooms=2, area_tenths=600, beds=0, rent_fen=100000,
                                      category="public_rental", accessible=False, status="vacant",
                                      vacant_since=NOW))
        for i in range(n_apps):
            u.session.add(models.PoolEntry(
                application_id=f"A{i}", person_ref=f"r{i}", programme="public_rental", district="demo",
                points_tenths=100 * i, points_policy_version=1, breakdown="{}", household_size=2,
                preferences='["P1"]', priority_groups="[]", needs_accessible=False, status="active",
                declines=0, approved_at=NOW, updated_at=NOW))
        u.session.flush()
        r = rounds.open_round(u, NOW, today(), {"programme": "public_rental", "project_ids": ["P1"], "quotas": {},
                                                "public_value_source": "福彩3D of today", "draw_date": today(),
                                                "respond_days": 7},
                              settings.fit_policy(load_config("allocation")))
        u.commit()
        return r.id


def _race(*fns):
    """Run the callables concurrently (green threads; psycopg2 waits yield), each result or
    exception with its elapsed time."""
    pool = eventlet.GreenPool()

    def timed(fn):
        t0 = time.perf_counter()
        try:
            return fn(), time.perf_counter() - t0
        except Exception as exc:  # noqa: BLE001 - the losers' exceptions are the point
            return exc, time.perf_counter() - t0

    return list(pool.imap(timed, fns))


@pg_only
def test_two_draws_racing_exactly_one_wins(store_for):
    store = store_for("allocation")
    round_id = seed_round(store)

    def draw(hold):
        def run():
            with store.uow() as u:
                out = rounds.draw_round(u, NOW, today(), round_id, PUBLIC, None)
                eventlet.sleep(hold)  # keep the row lock while the other draw arrives
                u.commit()
                return out
        return run

    results = _race(draw(0.5), draw(0.5))
    winners = [o for o, _ in results if isinstance(o, dict)]
    losers = [(o, t) for o, t in results if isinstance(o, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "already drawn" in str(losers[0][0])
    assert losers[0][1] >= 0.4, "the loser did not wait on the winner's row lock: no real race"
    with store.engine.connect() as conn:
        offers = conn.execute(models.Offer.__table__.select()).all()
        assert len(offers) == 3 and len({o.unit_id for o in offers}) == 3
        (waitlist,) = conn.execute(models.Round.__table__.select().with_only_columns(models.Round.waitlist)).one()
        assert len(json.loads(waitlist)) == 2


@pg_only
def test_draw_burst_over_http_one_winner(store_for, service_config, running_service, dev_token):
    store = store_for("allocation")
    round_id = seed_round(store)
    alloc = running_service(AllocationService, service_config("allocation", store.url))
    officer = dev_token("district_officer")
    pool = eventlet.GreenPool()
    statuses = list(pool.imap(lambda _: requests.post(f"{alloc.base}/rounds/{round_id}/draw", headers=officer,
                                                      json={"public_values": PUBLIC}).status_code, range(6)))
    assert sorted(statuses) == [200, 409, 409, 409, 409, 409]


@pg_only
def test_two_accepts_racing_exactly_one_wins(store_for):
    store = store_for("allocation")
    round_id = seed_round(store)
    with store.uow() as u:
        rounds.draw_round(u, NOW, today(), round_id, PUBLIC, None)
        u.commit()
    with store.engine.connect() as conn:
        offer_id = conn.execute(models.Offer.__table__.select().limit(1)).first().id

    def accept(hold):
        def run():
            with store.uow() as u:
                offers.accept_offer(u, today(), offer_id)
                eventlet.sleep(hold)
                u.commit()
                return "accepted"
        return run

    results = _race(accept(0.5), accept(0.5))
    assert sorted(type(o).__name__ for o, _ in results) == ["Conflict", "str"], results
    loser_time = next(t for o, t in results if isinstance(o, Conflict))
    assert loser_time >= 0.4, "the loser did not wait for the winner's row lock: no real race"
    with store.engine.connect() as conn:
        unit = conn.execute(models.Unit.__table__.select().where(
            models.Unit.id == conn.execute(models.Offer.__table__.select().where(
                models.Offer.id == offer_id)).first().unit_id)).first()
        assert unit.status == "reserved"


def _offer_row(**kw):
    row = {"id": str(uuid.uuid4()), "application_id": "A0", "person_ref": "r0", "unit_id": "U0",
           "preference_index": 0, "seat": "general", "source": "draw", "status": "open",
           "offered_on": date(2026, 11, 24), "respond_by": date(2026, 12, 1)}
    row.update(kw)
    return row


@pg_only
def test_database_refuses_two_live_offers_or_two_active_tenancies_per_unit(store_for):
    store = store_for("allocation")
    round_id = seed_round(store)
    offers = models.Offer.__table__
    with store.engine.begin() as conn:
        conn.execute(insert(offers).values(**_offer_row(round_id=round_id)))
    for status in ("open", "accepted"):
        with pytest.raises(IntegrityError, match="uq_offers_unit_live"), store.engine.begin() as conn:
            conn.execute(insert(offers).values(**_offer_row(round_id=round_id, application_id="A1",
                                                            person_ref="r1", status=status)))
    with pytest.raises(IntegrityError, match="uq_offers_application_live"), store.engine.begin() as conn:
        conn.execute(insert(offers).values(**_offer_row(round_id=round_id, unit_id="U1")))
    with store.engine.begin() as conn:  # a declined offer does not block the unit
        conn.execute(insert(offers).values(**_offer_row(round_id=round_id, application_id="A2",
                                                        person_ref="r2", status="declined")))
    tenancies = models.Tenancy.__table__
    first = _offer_row(round_id=round_id, unit_id="U2", application_id="A3", person_ref="r3", status="moved_in")
    second = _offer_row(round_id=round_id, unit_id="U2", application_id="A4", person_ref="r4", status="moved_in")

    def tenancy(offer):
        return {"id": str(uuid.uuid4()), "unit_id": "U2", "project_id": "P1", "offer_id": offer["id"],
                "application_id": offer["application_id"], "person_ref": offer["person_ref"],
                "start": date(2026, 12, 1), "end": date(2027, 12, 1), "rent_fen": 1, "status": "active",
                "violation_points_tenths": 0, "termination_open": False, "created_at": NOW}

    with store.engine.begin() as conn:
        conn.execute(insert(offers).values(**first))
        conn.execute(insert(offers).values(**second))
        conn.execute(insert(tenancies).values(**tenancy(first)))
    with pytest.raises(IntegrityError, match="uq_tenancies_unit_active"), store.engine.begin() as conn:
        conn.execute(insert(tenancies).values(**tenancy(second)))
