"""Entrypoints through nameko's worker_factory: the test's database and a fixed clock injected,
methods called with a hand-built ApiRequest or event. They parse, read the clock, call one
use case and reply; the time they pass down is the clock's."""

import uuid
from datetime import UTC, date, datetime

from allocation_usecase_helpers import NOW, PROJECT, UNITS, row
from nameko.testing.services import worker_factory
from sqlalchemy import select

from services.allocation import models
from services.allocation.service import AllocationService
from services.common.clock import FixedClock
from services.common.events.contracts import ReceivedEvent
from services.common.http import ApiRequest

CONFIG = {"DISTRICT": "demo", "POLICY": {"DECLINES": {"max_declines": 2, "suspension_days": 365}}}


def service(store, at: datetime = NOW):
    return worker_factory(AllocationService, db=store.worker_db(), clock=FixedClock(at), config=CONFIG)


def request(body=None, path=None, query=None) -> ApiRequest:
    return ApiRequest(body={} if body is None else body, query=query or {}, path=path or {}, principal=None,
                      request_id="test")


def test_stock_endpoints_stamp_the_clocks_instant(store):
    svc = service(store)
    assert svc.create_project(request(PROJECT)) == {"project_id": "P1"}
    assert svc.add_units(request({"units": UNITS}, {"project_id": "P1"})) == {"project_id": "P1", "added": 3}
    listed = svc.list_units(request(path={"project_id": "P1"}, query={"status": "vacant"}))["units"]
    assert [(u["unit_id"], u["status"], u["vacant_since"]) for u in listed] == [
        ("P1-A-301", "vacant", NOW), ("P1-A-302", "vacant", NOW), ("P1-A-303", "vacant", NOW)]
    assert svc.set_unit_status(request({"status": "maintenance"}, {"unit_id": "P1-A-303"})) == {
        "unit_id": "P1-A-303", "status": "maintenance"}


def test_an_answer_without_a_date_is_dated_by_the_clock_in_the_district(stocked, drawn, outbox):
    a1 = drawn[0]["A1"]
    svc = service(stocked, at=datetime(2026, 12, 3, 17, 0, tzinfo=UTC))  # 01:00 on 4 December in the district
    assert svc.accept_offer(request({}, {"offer_id": a1.id})) == {
        "offer_id": a1.id, "status": "accepted", "unit_id": "P1-A-301"}
    assert outbox("allocation.accepted")[0]["accepted_on"] == "2026-12-04"
    assert svc.get_offer(request(path={"offer_id": a1.id}))["answered_on"] == "2026-12-04"


def test_expiry_runs_on_the_clocks_date(stocked, drawn):
    svc = service(stocked)
    assert svc.expire_offers(request({})) == {"expired": 0}
    svc.clock.advance(days=8)  # 9 December: past every respond_by of the draw
    # A1's unit goes to A4 (a new offer, answerable until 16 December); A2's and A3's stay vacant.
    assert svc.expire_offers(request({})) == {"expired": 3}
    assert {row(stocked, models.Offer, o.id).status for o in drawn[0].values()} == {"expired"}
    with stocked.worker_db().read() as s:
        still_open = s.scalars(select(models.Offer).where(models.Offer.status == "open")).all()
        assert [(o.application_id, o.unit_id, o.offered_on, o.respond_by) for o in still_open] == [
            ("A4", "P1-A-301", date(2026, 12, 9), date(2026, 12, 16))]


def test_rent_overdue_is_dated_in_the_district_when_finance_sent_it(stocked, drawn):
    a1 = drawn[0]["A1"]
    svc = service(stocked)
    svc.accept_offer(request({}, {"offer_id": a1.id}))
    tenancy_id = svc.move_in(request({"start": date(2026, 12, 15), "end": date(2029, 12, 14)},
                                     {"offer_id": a1.id}))["tenancy_id"]
    event = ReceivedEvent(event_id=str(uuid.uuid4()), event_type="rent.overdue", schema_version=1,
                          occurred_at=datetime(2027, 4, 30, 17, 0, tzinfo=UTC),  # 1 May, 01:00 local
                          district="demo", producer="finance",
                          data={"tenancy_id": tenancy_id, "period": "2027-01", "days_overdue": 95})
    svc.on_rent_overdue(event)
    with stocked.worker_db().read() as s:
        [violation] = s.query(models.Violation).all()
    assert (violation.kind, violation.occurred_on, violation.created_at) == ("rent_arrears", date(2027, 5, 1), NOW)
    assert svc.get_tenancy(request(path={"tenancy_id": tenancy_id}))["violation_points"] == "4.0"


def test_a_revocation_counts_its_notice_from_the_local_date(stocked, drawn):
    a1 = drawn[0]["A1"]
    svc = service(stocked)
    svc.accept_offer(request({}, {"offer_id": a1.id}))
    tenancy_id = svc.move_in(request({"start": date(2026, 12, 15), "end": date(2029, 12, 14)},
                                     {"offer_id": a1.id}))["tenancy_id"]
    event = ReceivedEvent(event_id=str(uuid.uuid4()), event_type="eligibility.revoked", schema_version=1,
                          occurred_at=NOW, district="demo", producer="applications",
                          data={"application_id": "A1", "person_ref": "pref-A1",
                                "revoked_at": datetime(2027, 2, 28, 17, 0, tzinfo=UTC)})  # 1 March local
    svc.on_eligibility_revoked(event)
    # no REVOCATION_NOTICE_DAYS in CONFIG: the default 90 days from 1 March
    assert svc.get_tenancy(request(path={"tenancy_id": tenancy_id}))["notice_end_on"] == date(2027, 5, 30)
