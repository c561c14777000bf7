"""Entrypoints through nameko's worker_factory: the test's database and a fixed clock injected,
methods called with a hand-built ApiRequest or event. They parse, read the clock, call one
use case and reply; the time they pass down is the clock's."""

import uuid
from datetime import UTC, date, datetime

import pytest
from allocation_usecase_helpers import NOW, PROJECT, UNITS, row
from nameko.testing.services import worker_factory
from sqlalchemy import select

from services.allocation import errors, models
from services.allocation.domain.offers import OfferError
from services.allocation.domain.tenancies import TenancyDateError
from services.allocation.service import AllocationService
from services.common.clock import FixedClock
from services.common.errors import field_errors, status_for
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
    assert svc.add_units(request({"units": UNITS}, {"project_id": "P1"})) == {
        "project_id": "P1", "added": 3, "unit_ids": ["P1-A-301", "P1-A-302", "P1-A-303"]}
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
    assert svc.get_offer(request(path={"offer_id": a1.id}))["answered_on"] == date(2026, 12, 4)


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


def test_expiry_is_never_run_for_a_future_day(stocked, drawn):
    """Issue 11 item 8: {"on": "2026-12-31"} expired offers still answerable. An admin may run
    expiry for today (the district's date) or a past day; a later day is a 422 naming on."""
    svc = service(stocked)
    with pytest.raises(OfferError) as ahead:
        svc.expire_offers(request({"on": date(2026, 12, 31)}))
    assert status_for(ahead.value, errors.STATUS) == 422
    assert field_errors(ahead.value) == {"on": ["offers are expired for today or a past day, not 2026-12-31 (today "
                                                "is 2026-12-01): an offer can be answered until its respond-by day"]}
    assert {row(stocked, models.Offer, o.id).status for o in drawn[0].values()} == {"open"}
    assert svc.expire_offers(request({"on": date(2026, 12, 1)})) == {"expired": 0}


def test_the_business_date_is_the_district_date_everywhere(stocked, drawn):
    """Issue 11 item 4: at 01:00 on 9 December in Beijing (17:00 UTC on the 8th) every date an
    entrypoint reads is the 9th: expiry may run for the 9th (respond-by the 8th has passed), a
    violation may be dated the 9th, a tenancy starting the 9th counts as occupied."""
    a1 = drawn[0]["A1"]
    late = service(stocked, at=datetime(2026, 12, 8, 17, 0, tzinfo=UTC))
    late.accept_offer(request({"on": date(2026, 12, 8)}, {"offer_id": a1.id}))
    tenancy_id = late.move_in(request({"start": date(2026, 12, 9), "end": date(2029, 12, 8)},
                                      {"offer_id": a1.id}))["tenancy_id"]
    assert late.expire_offers(request({"on": date(2026, 12, 9)})) == {"expired": 2}
    assert late.add_violation(request({"kind": "idle", "note": "", "on": date(2026, 12, 9)},
                                      {"tenancy_id": tenancy_id}))["points"] == "6.0"
    [p1] = late.occupancy(request(query={"by": "project"}))["groups"]
    assert p1["occupied"] == 1
    with pytest.raises(TenancyDateError, match="2026-12-10 is after today"):
        late.move_out(request({"reason": "voluntary", "on": date(2026, 12, 10)}, {"tenancy_id": tenancy_id}))
    assert late.move_out(request({"reason": "voluntary", "on": date(2026, 12, 9)},
                                 {"tenancy_id": tenancy_id}))["status"] == "ended"


def test_every_created_resource_can_be_found_again(stocked, drawn):
    """Issue 11, missing for daily work: lists with filters and one paging shape."""
    svc = service(stocked)
    page = {"page": 1, "page_size": 2}
    projects = svc.list_projects(request(query={**page, "name": "鼓楼"}))
    assert projects == {"total": 1, "page": 1, "page_size": 2, "items": [
        {"project_id": "P1", "name": "鼓楼公租房", "programme": "public_rental",
         "supply_mode": "government_enterprise", "address": "鼓楼区某路2号", "created_at": NOW, "units": 3}]}
    units = svc.search_units(request(query={**page, "project_id": "P1", "status": "offered", "kind": "flat"}))
    assert (units["total"], [u["unit_id"] for u in units["items"]]) == (3, ["P1-A-301", "P1-A-302"])
    assert svc.search_units(request(query={**page, "page": 2, "project_id": "P1"}))["items"][0]["unit_id"] \
        == "P1-A-303"
    assert svc.search_units(request(query={**page, "kind": "bed"}))["total"] == 0
    assert svc.get_unit(request(path={"unit_id": "P1-A-302"}))["area_m2"] == "40.00"
    [round_] = svc.list_rounds(request(query={"page": 1, "page_size": 50, "status": "drawn",
                                              "programme": "public_rental"}))["items"]
    assert round_["public_export_path"] == f"/public/rounds/{round_['round_id']}/export"
    offers_ = svc.list_offers(request(query={"page": 1, "page_size": 50, "round_id": round_["round_id"],
                                             "status": "open", "respond_by_from": date(2026, 12, 8),
                                             "respond_by_to": date(2026, 12, 8)}))
    assert sorted(o["application_id"] for o in offers_["items"]) == ["A1", "A2", "A3"]
    assert svc.list_offers(request(query={"page": 1, "page_size": 50, "respond_by_to": date(2026, 12, 7)}))[
        "total"] == 0
    a1 = drawn[0]["A1"]
    svc.accept_offer(request({}, {"offer_id": a1.id}))
    tenancy_id = svc.move_in(request({"start": date(2026, 12, 1), "end": date(2029, 11, 30)},
                                     {"offer_id": a1.id}))["tenancy_id"]
    svc.add_violation(request({"kind": "damage", "note": "门窗", "on": date(2026, 12, 1)},
                              {"tenancy_id": tenancy_id}))
    [t] = svc.list_tenancies(request(query={"page": 1, "page_size": 50, "status": "active", "project_id": "P1",
                                            "unit_id": "P1-A-301"}))["items"]
    assert t["tenancy_id"] == tenancy_id
    [v] = svc.list_violations(request(query={"page": 1, "page_size": 50, "tenancy_id": tenancy_id,
                                             "kind": "damage"}))["items"]
    assert (v["on"], v["points"], v["total_points"], v["recorded_at"]) == (date(2026, 12, 1), "3.0", "3.0", NOW)
    complaint = svc.file_complaint(request({"project_id": "P1", "category": "repairs", "description": "门锁"}))
    [c] = svc.list_complaints(request(query={"page": 1, "page_size": 50, "status": "open", "project_id": "P1",
                                             "category": "repairs"}))["items"]
    assert c["complaint_id"] == complaint["complaint_id"] and c["opened_at"] == NOW and c["resolved_at"] is None
    assert svc.get_complaint(request(path={"complaint_id": c["complaint_id"]}))["description"] == "门锁"
    assert svc.list_complaints(request(query={"page": 1, "page_size": 50, "status": "resolved"}))["total"] == 0
    pool = svc.list_pool(request(query={"page": 1, "page_size": 2}))
    assert pool["items"] == pool["entries"] and len(pool["items"]) == 2 and pool["total"] == 5
