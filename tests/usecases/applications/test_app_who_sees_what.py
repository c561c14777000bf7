"""Who sees what (issue 11 item 13), decided once in roles.py: district and city officers and the
application's own enterprise officer see its personal data; an auditor and other enterprises'
officers get the masked view — masked names and ID numbers, no contact data, no birth or hire
date, no exact incomes or areas (an income band instead), eligibility as pass/fail per rule
without its inputs, points without their inputs. The endpoint summaries say so."""

from datetime import date, timedelta

import pytest
from app_usecase_helpers import CALENDAR, CO, DO, EO, NOTICE_DAYS, T0, approved, resident_id, run, submitted

from services.applications import intake, points, rechecks, roles
from services.applications.service import ApplicationsService
from services.common.auth import Principal
from services.common.identity import mask_id_number
from services.common.openapi import openapi_spec

AUDITOR = Principal("au1", "auditor", "city")
TEXTILE = Principal("eo9", "enterprise_officer", "demo", "E-textile")
LATER = T0 + timedelta(days=30)


def _view(store, app_id, who):
    with store.worker_db().read() as session:
        return intake.read_application(session, LATER, app_id, who)


@pytest.mark.parametrize("who, full", [(DO, True), (CO, True), (EO, True), (AUDITOR, False), (TEXTILE, False)],
                         ids=["district", "city", "own enterprise", "auditor", "other enterprise"])
def test_who_sees_an_applications_personal_data(store, who, full):
    app_id = submitted(store)
    view = _view(store, app_id, who)
    assert view["masked"] is (not full)
    assert view["income_band"] == "1500_3000"  # 5,000.00 元 for 3 people, per person: shown to all
    if full:
        assert view["applicant"]["birth_date"] == "1985-03-12" and view["monthly_household_income_fen"] == 500000
        assert view["eligibility"]["rules"][0]["actual"] == 166667
        return
    applicant = view["applicant"]
    assert applicant["name"] == "张*三" and applicant["id_number"] == mask_id_number(resident_id())
    assert applicant["phone"] == "138****1234" and applicant["email"] is None
    assert applicant["birth_date"] is None and applicant["hire_date"] is None
    assert view["monthly_household_income_fen"] is None and view["housing"] == {"kind": "rented", "area_m2": None}
    assert all(m["monthly_income_fen"] is None and "*" in m["name"] for m in view["members"])
    eligibility = view["eligibility"]
    assert eligibility["eligible"] is True and eligibility["checked_on"] == "2026-03-02"
    assert eligibility["rules"] == [{"rule": r, "passed": True} for r in
                                    ("income_per_capita", "housing_area_per_capita", "years_of_service",
                                     "union_membership", "age")]
    text = str(view)
    for secret in ("1985-03-12", "2012-03-01", "500000", "200000", "18.50", "zxs@example.cn", "13812341234"):
        assert secret not in text, secret


def test_masked_readers_get_points_and_rechecks_without_their_inputs(store):
    app_id = approved(store)
    with store.worker_db().read() as session:
        full = points.read_points(session, LATER, CALENDAR, app_id, DO)
        masked = points.read_points(session, LATER, CALENDAR, app_id, AUDITOR)
    assert full["points"] == masked["points"] and full["breakdown"]["total"] == masked["breakdown"]["total"]
    assert [line["input"] for line in full["breakdown"]["lines"]][:2] == [14, 3]
    assert all(line["input"] is None for line in masked["breakdown"]["lines"])
    assert [line["points"] for line in masked["breakdown"]["lines"]] == \
        [line["points"] for line in full["breakdown"]["lines"]]

    update = {"application_id": app_id, "monthly_household_income_fen": 9_000_000, "housing": None,
              "household_size": None, "union_member": None}
    run_, _ = run(store, rechecks.run_recheck, LATER, date(2026, 6, 1), [update], DO, NOTICE_DAYS)
    with store.worker_db().read() as session:
        full = rechecks.read_recheck(session, run_["recheck_id"], DO)["items"][0]
        masked = rechecks.read_recheck(session, run_["recheck_id"], AUDITOR)["items"][0]
    assert "9,000,000" not in str(masked) and "3,000,000.00" not in str(masked)
    assert masked["reasons"] == ["household income per person"] and masked["outcome"] == "pending"
    assert masked["result"]["rules"][0] == {"rule": "income_per_capita", "passed": False}
    assert full["result"]["rules"][0]["actual"] == 3_000_000


def test_the_rule_is_stated_once_and_the_summaries_say_it():
    spec = openapi_spec(ApplicationsService)["paths"]
    for path, verb in (("/applications/{application_id}", "get"), ("/applications/{application_id}/points", "get"),
                       ("/applications/{application_id}/objections", "get")):
        assert roles.WHO_SEES_PERSONAL_DATA in spec[path][verb]["summary"], (path, verb)
    recheck = spec["/rechecks/{recheck_id}"]["get"]["summary"]
    assert "shown to district and city officers; masked for auditors" in recheck
    assert roles.sees_personal_data(CO, "E-steel") and roles.sees_personal_data(DO, None)
    assert not roles.sees_personal_data(AUDITOR, "E-steel") and not roles.sees_personal_data(TEXTILE, "E-steel")
    assert roles.sees_personal_data(EO, "E-steel") and not roles.sees_personal_data(EO, None)
    assert not roles.sees_personal_data(None, "E-steel")
