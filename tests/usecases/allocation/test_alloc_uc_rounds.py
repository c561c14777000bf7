"""Round (配租轮次) use cases: open (pool frozen, secret committed), draw with known public
values (the scenario's offers, hand-checked), the draw's refusals, announcing the offers."""

import hashlib
import json
from datetime import date, timedelta

import pytest
from allocation_usecase_helpers import FIT, NOW, ON, PUBLIC, open_round, row
from sqlalchemy import select

from services.allocation import errors, models, rounds, snapshots, waitlist
from services.allocation.domain.lottery import PublicValuesError, RevealMismatch, final_seed
from services.allocation.domain.verify import verify
from services.common.errors import Conflict, NotFound, Unprocessable, field_errors, status_for


def test_open_freezes_the_pool_and_commits_to_a_secret(stocked, outbox):
    round_ = open_round(stocked)
    assert (round_.status, round_.pool_size, round_.unit_count, round_.opened_at) == ("opened", 5, 3, NOW)
    assert round_.commitment == hashlib.sha256(bytes.fromhex(round_.secret_hex)).hexdigest()
    [opened] = outbox("round.opened")
    assert opened["commitment"] == round_.commitment and opened["draw_date"] == "2026-12-01"
    assert (opened["pool_size"], opened["unit_count"]) == (5, 3)
    assert round_.secret_hex not in json.dumps(opened)


def test_draw_with_known_public_values_offers_the_units_in_rank_order(stocked, drawn, outbox):
    offers, out = drawn
    round_id = out["round_id"]
    round_ = row(stocked, models.Round, round_id)
    assert out["seed_hex"] == final_seed(bytes.fromhex(round_.secret_hex), PUBLIC).hex()
    assert (out["matched"], out["waitlisted"], out["offers"]) == (3, 2, 3)
    # Offer ids carry the rank position: A5 is rank 0 (and gets nothing), A1 1, A2 2, A3 3.
    assert {a: (o.id, o.unit_id, o.preference_index, o.seat, o.source, o.status) for a, o in offers.items()} == {
        "A1": (f"{round_id[:16]}-d0000001", "P1-A-301", 0, "general", "draw", "open"),
        "A2": (f"{round_id[:16]}-d0000002", "P1-A-302", 0, "general", "draw", "open"),
        "A3": (f"{round_id[:16]}-d0000003", "P1-A-303", 0, "general", "draw", "open")}
    assert {(o.offered_on, o.respond_by, o.announced_at) for o in offers.values()} == {
        (ON, date(2026, 12, 8), None)}
    for unit_id in ("P1-A-301", "P1-A-302", "P1-A-303"):
        unit = row(stocked, models.Unit, unit_id)
        assert (unit.status, unit.vacant_since) == ("offered", None)
    assert (round_.status, round_.drawn_at, round_.results_digest) == ("drawn", NOW, out["results_digest"])
    with stocked.worker_db().read() as s:
        assert waitlist.waitlist_of(s, round_id) == ["A5", "A4"]
    assert outbox("round.drawn") == [{k: v for k, v in out.items() if k != "offers"}]
    assert outbox("allocation.offered") == []  # announced after the draw commits


def test_drawn_offers_are_announced_in_batches(stocked, drawn, outbox):
    offers, _ = drawn
    later = NOW + timedelta(seconds=1)
    announced = []
    for _ in range(3):
        with stocked.uow() as uow:
            announced.append(rounds.announce_pending(uow, later, limit=2))
            uow.commit()
    assert announced == [2, 1, 0]
    assert sorted(e["application_id"] for e in outbox("allocation.offered")) == ["A1", "A2", "A3"]
    assert outbox("allocation.offered")[0] == {
        "offer_id": offers["A1"].id, "round_id": offers["A1"].round_id, "application_id": "A1",
        "person_ref": "pref-A1", "unit_id": "P1-A-301", "project_id": "P1", "respond_by": "2026-12-08",
        "source": "draw", "preference_index": 0, "seat": "general"}
    assert row(stocked, models.Offer, offers["A1"].id).announced_at == later


def test_a_secret_that_is_not_the_committed_one_is_refused_naming_it(stocked):
    round_ = open_round(stocked)
    with stocked.uow() as uow, pytest.raises(RevealMismatch) as wrong:
        rounds.draw_round(uow, NOW, ON, round_.id, PUBLIC, "00" * 32)
    assert status_for(wrong.value, errors.STATUS) == 422
    assert str(wrong.value).startswith("refused: revealed secret hashes to ")
    assert field_errors(wrong.value) == {"secret_hex": ["does not match the commitment"]}
    assert row(stocked, models.Round, round_.id).status == "opened"  # nothing was kept


def test_malformed_public_values_are_the_callers_mistake(stocked):
    round_ = open_round(stocked)
    with stocked.uow() as uow, pytest.raises(PublicValuesError) as none:
        rounds.draw_round(uow, NOW, ON, round_.id, [], None)
    assert status_for(none.value, errors.STATUS) == 400
    assert field_errors(none.value) == {"public_values": ["at least one public value is required"]}
    with stocked.uow() as uow, pytest.raises(PublicValuesError):
        rounds.draw_round(uow, NOW, ON, round_.id, ["3 8 1", ""], None)


def test_a_round_is_drawn_once_and_not_before_its_day(stocked):
    early = open_round(stocked, {"draw_date": date(2026, 12, 2), "project_ids": None, "unit_ids": ["P1-A-301"]})
    with stocked.uow() as uow, pytest.raises(Unprocessable, match="announced for 2026-12-02"):
        rounds.draw_round(uow, NOW, ON, early.id, PUBLIC, None)
    with stocked.uow() as uow:
        rounds.draw_round(uow, NOW + timedelta(days=1), date(2026, 12, 2), early.id, PUBLIC, None)
        uow.commit()
    with stocked.uow() as uow, pytest.raises(Conflict, match="already drawn"):
        rounds.draw_round(uow, NOW, date(2026, 12, 2), early.id, PUBLIC, None)


def test_the_export_recomputes_to_the_published_digest(stocked, drawn):
    from services.allocation.domain.verify import verify

    _, out = drawn
    with stocked.worker_db().read() as s:
        export = rounds.export_round(s, out["round_id"])
    assert export["results_digest"] == out["results_digest"] and export["round_id"] == out["round_id"]
    assert verify(export).ok


def test_a_round_takes_only_truly_vacant_units(stocked, drawn):
    """Issue 12 item 1: a unit let to a tenant whose status was set back to vacant by hand (as the
    status endpoint allowed) was offered again. A round takes a unit only when it is vacant and
    no live offer and no active tenancy holds it."""
    from allocation_usecase_helpers import CALENDAR, DECLINES

    from services.allocation import offers

    a1, a3 = drawn[0]["A1"], drawn[0]["A3"]
    with stocked.uow() as uow:
        offers.accept_offer(uow, ON, a1.id)
        offers.move_in(uow, NOW, ON, a1.id, ON, date(2029, 11, 30))
        _, _, a4 = offers.decline_offer(uow, NOW, ON, a3.id, DECLINES, CALENDAR)
        offers.decline_offer(uow, NOW, ON, a4.id, DECLINES, CALENDAR)  # nobody left who fits: P1-A-303 is free
        for unit in uow.session.scalars(select(models.Unit)):
            unit.status = "vacant"  # the state the old status endpoint could leave behind
        uow.commit()
    round_ = open_round(stocked, {"draw_date": date(2026, 12, 2)})
    with stocked.worker_db().read() as s:
        assert snapshots.frozen_unit_ids(s.get(models.Round, round_.id).units_snapshot) == ["P1-A-303"]
    with stocked.uow() as uow, pytest.raises(Conflict, match="not vacant: P1-A-301, P1-A-302"):
        rounds.open_round(uow, NOW, ON, {"programme": "public_rental", "unit_ids": ["P1-A-301", "P1-A-302"],
                                         "quotas": {}, "public_value_source": "福彩3D", "draw_date": ON,
                                         "respond_days": 7}, FIT)


def test_the_opened_event_binds_the_inputs_and_the_drawn_event_links_the_public_export(stocked, drawn, outbox):
    """Issue 12 items 2 and 3 (additive event fields): round.opened carries inputs_digest,
    round.drawn the path of the public export."""
    _, out = drawn
    [opened], [published] = outbox("round.opened"), outbox("round.drawn")
    with stocked.worker_db().read() as s:
        export = rounds.export_round(s, out["round_id"])
        public = rounds.public_export(s, out["round_id"])
    assert opened["inputs_digest"] == export["inputs_digest"] and len(opened["inputs_digest"]) == 64
    assert opened["snapshot_digest"] == export["snapshot_digest"]
    assert published["public_export_path"] == f"/public/rounds/{out['round_id']}/export"
    assert public == export and verify(public).ok
    # people appear by application id and person_ref only
    assert {k for e in public["pool"] for k in e} == {"application_id", "person_ref", "points_tenths",
                                                      "household_size", "programme", "preferences",
                                                      "priority_groups", "needs_accessible"}


def test_no_public_export_before_the_draw(stocked):
    round_ = open_round(stocked)
    with stocked.worker_db().read() as s, pytest.raises(NotFound, match="published when it is drawn"):
        rounds.public_export(s, round_.id)
    with stocked.worker_db().read() as s, pytest.raises(NotFound):
        rounds.public_export(s, "no-such-round")
