"""Offer (配租通知) use cases on the drawn scenario: accept → reserved; decline → counted and
the unit promoted to the next waitlisted applicant who fits; expiry; move-in → tenancy."""

from datetime import UTC, date, datetime, timedelta

import pytest
from allocation_usecase_helpers import CALENDAR, DECLINES, NOW, ON, row

from services.allocation import errors, models, offers, pool
from services.allocation.domain.offers import DeclinePolicy, OfferError
from services.allocation.domain.tenancies import TenancyDateError
from services.common.errors import Conflict, field_errors, status_for


def test_accept_reserves_the_unit(stocked, drawn, outbox):
    a1 = drawn[0]["A1"]
    with stocked.uow() as uow:
        offers.accept_offer(uow, date(2026, 12, 8), a1.id)  # respond_by is inclusive
        uow.commit()
    offer = row(stocked, models.Offer, a1.id)
    assert (offer.status, offer.answered_on) == ("accepted", date(2026, 12, 8))
    assert row(stocked, models.Unit, "P1-A-301").status == "reserved"
    assert outbox("allocation.accepted") == [{
        "offer_id": a1.id, "round_id": a1.round_id, "application_id": "A1", "person_ref": "pref-A1",
        "unit_id": "P1-A-301", "project_id": "P1", "accepted_on": "2026-12-08"}]
    with stocked.uow() as uow, pytest.raises(Conflict, match="is accepted"):
        offers.accept_offer(uow, ON, a1.id)


def test_an_acceptance_after_respond_by_is_refused_naming_the_date(stocked, drawn):
    a1 = drawn[0]["A1"]
    with stocked.uow() as uow, pytest.raises(OfferError) as late:
        offers.accept_offer(uow, date(2026, 12, 9), a1.id)
    assert status_for(late.value, errors.STATUS) == 422
    assert field_errors(late.value) == {"on": ["offer expired on 2026-12-08; cannot accept on 2026-12-09"]}
    assert row(stocked, models.Offer, a1.id).status == "open"


def test_a_decline_is_counted_and_the_unit_goes_to_the_next_who_fits(stocked, drawn, outbox):
    a2 = drawn[0]["A2"]
    with stocked.uow() as uow:
        offer, outcome, successor = offers.decline_offer(uow, NOW, ON, a2.id, DECLINES, CALENDAR)
        uow.commit()
    assert (outcome.declines, outcome.suspended_until) == (1, None)
    entry = row(stocked, models.PoolEntry, "A2")
    assert (entry.declines, entry.suspended_until, entry.updated_at) == (1, None, NOW)
    assert row(stocked, models.Offer, a2.id).status == "declined"
    # A5 is first on the waitlist but five persons do not fit a one-room unit: A4 gets it.
    assert (successor.application_id, successor.unit_id, successor.source, successor.seat) == (
        "A4", "P1-A-302", "waitlist", "general")
    assert (successor.offered_on, successor.respond_by, successor.announced_at) == (ON, date(2026, 12, 8), NOW)
    assert row(stocked, models.Unit, "P1-A-302").status == "offered"
    assert outbox("allocation.declined") == [{
        "offer_id": a2.id, "round_id": a2.round_id, "application_id": "A2", "person_ref": "pref-A2",
        "unit_id": "P1-A-302", "project_id": "P1", "declined_on": "2026-12-01", "declines": 1,
        "suspended_until": None}]
    assert [(e["application_id"], e["unit_id"], e["source"]) for e in outbox("allocation.offered")] == [
        ("A4", "P1-A-302", "waitlist")]


def test_the_refusal_that_reaches_the_limit_suspends(stocked, drawn, outbox):
    strict = DeclinePolicy(max_declines=1, suspension_days=30)
    with stocked.uow() as uow:
        _, outcome, _ = offers.decline_offer(uow, NOW, ON, drawn[0]["A2"].id, strict, CALENDAR)
        uow.commit()
    assert (outcome.declines, outcome.suspended_until) == (0, date(2026, 12, 31))
    assert row(stocked, models.PoolEntry, "A2").suspended_until == date(2026, 12, 31)
    assert outbox("allocation.declined")[0]["suspended_until"] == "2026-12-31"


def test_expiry_after_respond_by_counts_and_frees_the_unit_from_local_midnight(stocked, drawn, outbox):
    drawn_offers = drawn[0]
    with stocked.uow() as uow:  # A4, the only one on the waitlist who fits, takes P1-A-302
        _, _, a4 = offers.decline_offer(uow, NOW, ON, drawn_offers["A2"].id, DECLINES, CALENDAR)
        uow.commit()
    with stocked.worker_db().read() as s:
        assert offers.due_for_expiry(s, date(2026, 12, 8)) == []  # answerable through the 8th
        due = offers.due_for_expiry(s, date(2026, 12, 9))
    assert sorted(due) == sorted([drawn_offers["A1"].id, drawn_offers["A3"].id, a4.id])
    with stocked.uow() as uow, pytest.raises(OfferError) as early:
        offers.expire_offer(uow, NOW, date(2026, 12, 8), drawn_offers["A3"].id, DECLINES, CALENDAR)
    assert list(field_errors(early.value)) == ["on"]

    later = NOW + timedelta(days=8)
    with stocked.uow() as uow:
        _, outcome, successor = offers.expire_offer(uow, later, date(2026, 12, 9), drawn_offers["A3"].id, DECLINES,
                                                    CALENDAR)
        uow.commit()
    assert (outcome.declines, successor) == (1, None)  # nobody left who fits and has no offer
    assert row(stocked, models.Offer, drawn_offers["A3"].id).status == "expired"
    unit = row(stocked, models.Unit, "P1-A-303")
    assert (unit.status, unit.vacant_since) == ("vacant", datetime(2026, 12, 8, 16, 0, tzinfo=UTC))
    [expired] = outbox("allocation.expired")
    assert (expired["application_id"], expired["expired_on"], expired["declines"]) == ("A3", "2026-12-09", 1)


def test_move_in_on_an_accepted_offer_starts_the_tenancy(stocked, drawn, outbox):
    a1 = drawn[0]["A1"]
    with stocked.uow() as uow, pytest.raises(Conflict, match="needs an accepted offer"):
        offers.move_in(uow, NOW, ON, a1.id, date(2026, 12, 15), date(2029, 12, 14))
    with stocked.uow() as uow:
        offers.accept_offer(uow, ON, a1.id)
        uow.commit()
    with stocked.uow() as uow, pytest.raises(TenancyDateError) as backwards:
        offers.move_in(uow, NOW, ON, a1.id, date(2026, 12, 15), date(2026, 12, 1))
    assert field_errors(backwards.value) == {"end": ["must be after start"]}  # the schema says so first (400)
    with stocked.uow() as uow:
        tenancy = offers.move_in(uow, NOW, ON, a1.id, date(2026, 12, 15), date(2029, 12, 14))
        uow.commit()
    assert outbox("tenancy.started") == [{
        "tenancy_id": tenancy.id, "application_id": "A1", "person_ref": "pref-A1", "unit_id": "P1-A-301",
        "project_id": "P1", "start": "2026-12-15", "end": "2029-12-14", "rent_fen": 120000}]
    assert (tenancy.status, tenancy.created_at, tenancy.violation_points_tenths) == ("active", NOW, 0)
    assert row(stocked, models.Unit, "P1-A-301").status == "occupied"
    assert row(stocked, models.Offer, a1.id).status == "moved_in"
    assert row(stocked, models.PoolEntry, "A1").status == "housed"


def test_a_withdrawn_applicants_offer_lapses_and_the_unit_moves_on(stocked, drawn, outbox):
    a2 = drawn[0]["A2"]
    with stocked.uow() as uow:
        pool.withdraw(uow, NOW, ON, "A2")
        uow.commit()
    assert row(stocked, models.PoolEntry, "A2").status == "withdrawn"
    assert (row(stocked, models.Offer, a2.id).status, row(stocked, models.Offer, a2.id).answered_on) == (
        "withdrawn", ON)
    assert [(e["application_id"], e["unit_id"]) for e in outbox("allocation.offered")] == [("A4", "P1-A-302")]
