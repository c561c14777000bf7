"""Points and after-approval use cases: a hardship registered (and closed) recomputes the
person's points; a new points policy recomputes every approved application and announces the
totals that changed; the annual re-check, confirmed, revokes."""

from datetime import date, timedelta

import pytest
from app_usecase_helpers import CALENDAR, CO, DO, NOTICE_DAYS, T0, approved, resident_id, row, run

from services.applications import intake, models, points, policy_admin, rechecks
from services.applications.domain.policy import PolicyError
from services.common.errors import Conflict, Unprocessable

LATER = T0 + timedelta(days=10)  # 2026-03-12: 14 service years, no completed waiting month


def _stored_points(store, application_id):
    with store.worker_db().read() as session:
        return session.get(models.ApplicationPoints, application_id)


def test_a_hardship_registered_then_closed_recomputes_the_persons_points(store):
    app_id = approved(store)
    ref = row(store, app_id).person_ref
    assert _stored_points(store, app_id).total_tenths == 310  # 14.0 + 6.0 + 6.0 (city honour) + 5.0

    outcome, events = run(store, points.hardship_changed, LATER, CALENDAR, ref, "sanwu", "H1", "hardship_registered")
    assert outcome == {"recomputed": 1, "changed": 1, "events": 1}
    (event_type, data), = events
    assert event_type == "application.points_changed" and data["reason"] == "hardship_registered"
    assert data["changes"] == [{"application_id": app_id, "person_ref": ref, "points": "51.0", "points_tenths": 510,
                                "priority_groups": ["frontline", "model_worker", "hardship"]}]
    stored = _stored_points(store, app_id)
    assert (stored.total_tenths, stored.hardship_category, stored.computed_at) == (510, "sanwu", LATER)
    with store.worker_db().read() as session:
        assert session.get(models.HardshipStatus, ref).updated_at == LATER  # the use case's time, not the wall's

    _, events = run(store, points.hardship_changed, LATER, CALENDAR, ref, None, None, "hardship_closed")
    change = events[0][1]["changes"][0]
    assert change["points_tenths"] == 310 and change["priority_groups"] == ["frontline", "model_worker"]


def test_an_unknown_hardship_category_counts_as_none(store):
    app_id = approved(store)
    _, events = run(store, points.hardship_changed, LATER, CALENDAR, row(store, app_id).person_ref, "castle", "H2",
                    "hardship_registered")
    assert events[0][1]["changes"][0]["points_tenths"] == 310  # still published: the person's status changed


def test_a_points_policy_change_recomputes_and_announces_the_changed_totals(store):
    frontline = approved(store, seq="401")
    desk_job = {"name": "王五", "id_number": resident_id(seq="402"), "phone": "13812341234", "enterprise": "E-steel",
                "hire_date": "2012-03-01", "union_member": True, "honour": "city", "frontline": False}
    office = approved(store, seq="402", applicant=desk_job)
    with store.worker_db().read() as session:
        document = policy_admin.read_policy(session, "points", NOTICE_DAYS)["document"]
    document["frontline_tenths"] += 100

    reply, events = run(store, policy_admin.set_policy, LATER, CALENDAR, "points", document, CO.ref, NOTICE_DAYS)
    assert (reply["version"], reply["recomputed"], reply["changed"]) == (2, 2, 1)
    (event_type, data), = events
    assert (data["reason"], data["policy_version"]) == ("policy_change", 2)
    assert [(c["application_id"], c["points_tenths"]) for c in data["changes"]] == [(frontline, 410)]
    assert _stored_points(store, office).policy_version == 2
    with store.worker_db().read() as session:
        history = policy_admin.policy_history(session, "points", NOTICE_DAYS)["versions"]
        view = points.read_points(session, LATER, CALENDAR, frontline, DO)
    assert [(v["version"], v["created_by"]) for v in history] == [(1, "built-in"), (2, "city_officer:co1")]
    assert view["preview"] is False and view["points_tenths"] == 410 and view["breakdown"]["policy_version"] == 2


def test_a_policy_that_does_not_hold_together_is_refused_naming_its_field(store):
    with store.worker_db().read() as session:
        document = policy_admin.read_policy(session, "points", NOTICE_DAYS)["document"]
    with pytest.raises(PolicyError) as refused:
        run(store, policy_admin.set_policy, LATER, CALENDAR, "points", dict(document, frontline_tenths=-5), CO.ref,
            NOTICE_DAYS)
    assert refused.value.field == "frontline_tenths"
    with store.worker_db().read() as session:
        assert policy_admin.read_policy(session, "points", NOTICE_DAYS)["version"] == 1


def test_a_recheck_confirmed_revokes(store):
    keep, fail = approved(store, seq="401"), approved(store, seq="402")
    updates = [{"application_id": keep, "monthly_household_income_fen": 600000, "housing": None,
                "household_size": None, "union_member": None},
               {"application_id": fail, "monthly_household_income_fen": 3_000_000, "housing": None,
                "household_size": None, "union_member": None}]
    recheck, events = run(store, rechecks.run_recheck, LATER, date(2027, 1, 1), updates, DO, NOTICE_DAYS)
    assert {i["application_id"]: i["outcome"] for i in recheck["items"]} == {keep: "keep", fail: "pending"}
    assert recheck["pending"] == 1 and events == []  # nothing happens before a district officer confirms
    assert row(store, fail).state == "approved"

    with pytest.raises(Conflict):
        run(store, rechecks.confirm_recheck, LATER, recheck["recheck_id"], keep, DO)
    at = LATER + timedelta(days=1)
    reply, events = run(store, rechecks.confirm_recheck, at, recheck["recheck_id"], fail, DO)
    assert reply["state"] == "revoked" and reply["reasons"][0].startswith("income_per_capita")
    (event_type, data), = events
    assert event_type == "eligibility.revoked" and data["application_id"] == fail
    revoked = row(store, fail)
    assert (revoked.state, revoked.active_key, revoked.updated_at) == ("revoked", None, at)


def test_a_recheck_names_the_update_it_refuses(store):
    app_id = approved(store)
    update = {"application_id": app_id, "monthly_household_income_fen": None, "housing": None,
              "household_size": None, "union_member": None}
    with pytest.raises(Unprocessable) as listed_twice:
        run(store, rechecks.run_recheck, LATER, date(2027, 1, 1), [update, update], DO, NOTICE_DAYS)
    assert listed_twice.value.errors == {"updates.1.application_id": ["duplicate"]}
    with pytest.raises(Unprocessable) as before_hire:  # the domain's FactsError, numbered by the use case
        run(store, rechecks.run_recheck, LATER, date(2011, 1, 1), [update], DO, NOTICE_DAYS)
    assert str(before_hire.value) == "updates.0.hire_date: is after the check date"
    assert before_hire.value.errors == {"updates.0.hire_date": ["is after the check date"]}



def test_a_recheck_that_keeps_an_application_leaves_the_version_its_client_holds(store):
    # issue 11 item 16: nothing a client edits changed, so its next action must not 409
    app_id = approved(store, seq="611")
    version = row(store, app_id).version
    update = {"application_id": app_id, "monthly_household_income_fen": 300000, "housing": None,
              "household_size": None, "union_member": None}
    recheck, _ = run(store, rechecks.run_recheck, LATER, date(2027, 1, 1), [update], DO, NOTICE_DAYS)
    assert recheck["items"][0]["outcome"] == "keep" and row(store, app_id).version == version
    withdrawn, _ = run(store, intake.withdraw_application, LATER, app_id, version, ["搬离本区"], DO)
    assert withdrawn.state == "withdrawn"
