"""Who may correct an applicant's name and contact data (issue 12 item 5): a district officer
always; an enterprise officer only for a person with no active application of another
enterprise. An enterprise officer cannot overwrite another enterprise's applicant by drafting
in another programme with that person's ID number; nothing is written then."""

from datetime import timedelta

import pytest
from app_usecase_helpers import CALENDAR, DO, EO, KEY, NOTICE_DAYS, T0, body, count, create, resident_id, row, run

from services.applications import intake, models
from services.common.auth import Principal
from services.common.errors import Forbidden

TEXTILE = Principal("eo9", "enterprise_officer", "demo", "E-textile")
PERSON = resident_id(seq="321")


def _applicant(store):
    with store.worker_db().read() as session:
        a = session.query(models.Applicant).one()
        return a.name, a.phone, a.email


def _as(principal, **applicant):
    raw = {"name": "张小三", "id_number": PERSON, "phone": "13812341234", "email": "zxs@example.cn",
           "enterprise": principal.enterprise, "hire_date": "2012-03-01", "union_member": True}
    raw.update(applicant)
    return body(seq="321", programme="public_rental", applicant=raw)


def _create(store, principal, raw, at=T0):
    return run(store, intake.create_application, at, CALENDAR.date_of(at), intake.new_application(raw, principal, KEY),
               principal, NOTICE_DAYS)


def test_an_enterprise_officer_cannot_overwrite_another_enterprises_applicant(store):
    create(store, seq="321")  # E-steel's application (shared ownership)
    before = _applicant(store), count(store, models.Application)
    forged = _as(TEXTILE, name="王冒名", phone="13900009999", email="x@example.cn")
    with pytest.raises(Forbidden) as refused:
        _create(store, TEXTILE, forged)
    assert "district office" in refused.value.detail
    assert refused.value.errors == {"applicant.id_number": ["has an active application with another enterprise"]}
    assert (_applicant(store), count(store, models.Application)) == before  # nothing written
    with pytest.raises(Forbidden):  # the same details do not open the door either (nothing to learn)
        _create(store, TEXTILE, _as(TEXTILE, phone=None, email=None))


def test_the_applicants_own_enterprise_and_the_district_may_correct_the_details(store):
    create(store, seq="321")
    _create(store, EO, _as(EO, name="张晓三", phone="13700007777"))
    assert _applicant(store)[:2] == ("张晓三", "13700007777")
    raw = _as(DO, name="张小三", phone="13600006666", enterprise="E-textile")
    _create(store, DO, dict(raw, programme="staff_apartment"))
    assert _applicant(store)[:2] == ("张小三", "13600006666")


def test_a_person_without_an_active_application_elsewhere_may_be_filed_by_any_enterprise(store):
    first = create(store, seq="321")["application_id"]
    run(store, intake.withdraw_application, T0, first, None, [], EO)
    view, _ = _create(store, TEXTILE, _as(TEXTILE, name="张小三", phone="13900009999"), at=T0 + timedelta(hours=1))
    assert view["applicant"]["enterprise"] == "E-textile" and _applicant(store)[1] == "13900009999"


def test_an_edit_cannot_change_the_details_of_a_person_active_with_another_enterprise(store):
    draft, _ = _create(store, TEXTILE, _as(TEXTILE))  # E-textile's draft, first
    raw = _as(DO, enterprise="E-steel")
    _create(store, DO, dict(raw, programme="staff_apartment"))  # the district files for E-steel too
    at = T0 + timedelta(hours=1)
    with pytest.raises(Forbidden):
        run(store, intake.edit_application, at, draft["application_id"],
            dict(_as(TEXTILE, phone="13900009999"), version=1), TEXTILE, KEY)
    assert _applicant(store)[1] == "13812341234" and row(store, draft["application_id"]).version == 1
    edited = dict(_as(TEXTILE), monthly_household_income_fen=400000, version=1)  # the facts, not the person
    run(store, intake.edit_application, at, draft["application_id"], edited, TEXTILE, KEY)
    assert row(store, draft["application_id"]).monthly_household_income_fen == 400000
