"""Intake use cases on an in-memory database with fixed instants: create and submit (direct,
and draft then submit), the pre-check refusing with nothing written, the one-active-application
dedup, the version guard, editing and withdrawal."""

from datetime import timedelta

import pytest
from app_usecase_helpers import (
    CALENDAR,
    DO,
    EO,
    KEY,
    NOTICE_DAYS,
    T0,
    body,
    count,
    create,
    new,
    outbox,
    resident_id,
    row,
    run,
    submitted,
)

from services.applications import intake, models
from services.common.errors import Conflict, Forbidden, Unprocessable


def test_a_draft_then_its_submission(store):
    draft = create(store)
    assert draft["state"] == "draft" and draft["version"] == 1 and draft["household_size"] == 3
    assert draft["eligibility"] is None and draft["allowed_actions"] == ["edit", "submit", "withdraw"]
    assert outbox(store) == []  # a draft announces nothing

    later = T0 + timedelta(hours=3)
    view, events = run(store, intake.submit_application, later, CALENDAR.date_of(later), draft["application_id"], 1,
                       EO, NOTICE_DAYS)
    assert view["state"] == "submitted" and view["version"] == 2 and view["eligibility"]["eligible"] is True
    assert [r["rule"] for r in view["eligibility"]["rules"]] == [
        "income_per_capita", "housing_area_per_capita", "years_of_service", "union_membership", "age"]
    assert view["eligibility"]["checked_on"] == "2026-03-02"
    assert events == [("application.submitted", {
        "application_id": draft["application_id"], "person_ref": draft["person_ref"],
        "programme": "shared_ownership", "enterprise": "E-steel", "policy_version": 1, "resubmission": False,
        "submitted_at": "2026-03-02T05:00:00Z"})]
    stored = row(store, draft["application_id"])
    assert stored.state == "submitted" and stored.first_submitted_at == later == stored.updated_at
    assert stored.needs_city_review is True and stored.notice_period_days == NOTICE_DAYS


def test_a_direct_submission_is_written_once_with_its_event(store):
    view, events = run(store, intake.create_application, T0, CALENDAR.date_of(T0), new(submit=True), EO, NOTICE_DAYS)
    assert view["state"] == "submitted" and view["version"] == 1
    assert [e[0] for e in events] == ["application.submitted"]
    assert events[0][1]["submitted_at"] == "2026-03-02T02:00:00Z" and events[0][1]["resubmission"] is False
    assert row(store, view["application_id"]).first_submitted_at == T0
    assert outbox(store) == ["application.submitted"]


def test_a_failing_pre_check_writes_nothing(store):
    rich = dict(monthly_household_income_fen=9_000_000)
    with pytest.raises(Unprocessable) as refused:
        run(store, intake.create_application, T0, CALENDAR.date_of(T0), new(submit=True, **rich), EO, NOTICE_DAYS)
    assert refused.value.detail == ("not eligible under the policy in force: household income per person (each "
                                    "rule's reason is in errors.eligibility); nothing was changed")
    rules = refused.value.errors["eligibility"]["rules"]
    assert len(rules) == 5 and [r["rule"] for r in rules if not r["passed"]] == ["income_per_capita"]
    for model in (models.Applicant, models.Application, models.HouseholdMember, models.Preference):
        assert count(store, model) == 0, model  # not even the applicant row
    assert outbox(store) == []

    # A draft may hold anything; submitting it is refused the same way and it stays a draft.
    draft = create(store, **rich)
    with pytest.raises(Unprocessable):
        run(store, intake.submit_application, T0, CALENDAR.date_of(T0), draft["application_id"], None, EO, NOTICE_DAYS)
    stored = row(store, draft["application_id"])
    assert (stored.state, stored.version, stored.eligibility) == ("draft", 1, None)
    assert outbox(store) == []


def test_an_incomplete_draft_names_every_missing_field(store):
    draft = create(store, housing=None, monthly_household_income_fen=None)
    with pytest.raises(Unprocessable) as refused:
        run(store, intake.submit_application, T0, CALENDAR.date_of(T0), draft["application_id"], None, EO, NOTICE_DAYS)
    assert refused.value.errors == {"monthly_household_income_fen": ["required before submit"],
                                    "housing": ["required before submit"]}


def test_a_second_active_application_is_refused_naming_the_first(store):
    first = create(store)["application_id"]
    with pytest.raises(Conflict) as refused:
        create(store)
    assert refused.value.errors == {"application_id": [first]}
    assert refused.value.detail == f"this person already has an active shared-ownership housing application: {first}"
    assert count(store, models.Application) == 1 and count(store, models.HouseholdMember) == 2
    assert create(store, programme="public_rental")["state"] == "draft"  # another programme is fine


def test_a_stale_version_is_refused_and_changes_nothing(store):
    draft = create(store)["application_id"]
    with pytest.raises(Conflict) as stale:
        run(store, intake.submit_application, T0, CALENDAR.date_of(T0), draft, 7, EO, NOTICE_DAYS)
    assert stale.value.errors == {"version": ["current is 1"]}
    assert str(stale.value) == (f"application {draft} is at version 1, not 7: it was last changed at "
                                "2026-03-02T02:00:00Z and is now a draft; reload it")
    assert row(store, draft).state == "draft"


def test_a_clock_behind_the_last_change_does_not_move_history_back(store):
    draft = create(store, at=T0)["application_id"]
    earlier = T0 - timedelta(minutes=5)  # e.g. another worker's clock
    _, events = run(store, intake.submit_application, earlier, CALENDAR.date_of(earlier), draft, 1, EO, NOTICE_DAYS)
    assert events[0][1]["submitted_at"] == "2026-03-02T02:00:00Z"
    assert row(store, draft).updated_at == T0


def test_edit_replaces_the_facts_and_keeps_the_identity(store):
    draft = create(store)["application_id"]
    at = T0 + timedelta(days=1)
    edited = body(monthly_household_income_fen=450000, members=[], preferences=["P3"], version=1)
    run(store, intake.edit_application, at, draft, edited, EO, KEY)
    stored = row(store, draft)
    assert (stored.monthly_household_income_fen, stored.household_size, stored.version) == (450000, 1, 2)
    assert stored.updated_at == at
    assert count(store, models.HouseholdMember) == 0
    with pytest.raises(Unprocessable) as refused:
        run(store, intake.edit_application, at, draft, body(seq="124"), EO, KEY)
    assert refused.value.errors == {"applicant.id_number": ["cannot change"]}


def test_enterprise_officers_act_only_for_their_enterprise(store):
    with pytest.raises(Forbidden) as refused:  # checked before a unit of work opens
        new(applicant={"name": "张小三", "id_number": resident_id(), "enterprise": "E-textile"})
    assert refused.value.errors == {"applicant.enterprise": ["not your enterprise"]}


def test_a_create_request_is_checked_before_a_unit_of_work_opens():
    with pytest.raises(Unprocessable) as hired_as_a_child:
        new(applicant={"name": "张小三", "id_number": resident_id(), "hire_date": "1980-01-01"})
    assert hired_as_a_child.value.errors == {"applicant.hire_date": ["before birth date"]}
    twice = {"relation": "spouse", "name": "李四", "id_number": resident_id("19870101", "224")}
    with pytest.raises(Unprocessable) as listed_twice:
        new(members=[twice, twice])
    assert listed_twice.value.errors == {"members": ["duplicate person"]}
    checked = new(programme="public_rental")
    assert checked.active_key == f"{checked.person_ref}:public_rental" and checked.columns["household_size"] == 3


def test_withdraw_ends_the_application_and_frees_the_person(store):
    app_id = submitted(store)
    at = T0 + timedelta(days=2)
    withdrawn, events = run(store, intake.withdraw_application, at, app_id, None, ["搬迁"], DO)
    assert withdrawn.state == "withdrawn" and withdrawn.active_key is None
    assert events == [("application.withdrawn", {"application_id": app_id, "person_ref": withdrawn.person_ref,
                                                 "programme": "shared_ownership",
                                                 "withdrawn_at": "2026-03-04T02:00:00Z"})]
    assert create(store)["state"] == "draft"  # may apply again



FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_a_fullwidth_id_number_is_the_same_person(store):
    # issue 12 item 4: the platform's ResidentIdNumber loads the normalised number, so the
    # same person written in fullwidth digits meets the one-active-application dedup.
    first = create(store)["application_id"]
    fullwidth = resident_id().translate(FULLWIDTH)
    again = body(applicant={"name": "张小三", "id_number": fullwidth, "enterprise": "E-steel"})
    assert again["applicant"]["id_number"] == resident_id()
    with pytest.raises(Conflict) as refused:
        run(store, intake.create_application, T0, CALENDAR.date_of(T0), intake.new_application(again, EO, KEY), EO,
            NOTICE_DAYS)
    assert refused.value.errors == {"application_id": [first]}
    assert count(store, models.Applicant) == 1


def test_an_enterprise_officer_cannot_act_on_an_application_without_an_enterprise(store):
    # issue 12 item 13: a draft a district officer saved without an enterprise is not any
    # enterprise officer's to edit, submit or withdraw.
    loose = body(applicant={"name": "张小三", "id_number": resident_id(seq="777")})
    draft, _ = run(store, intake.create_application, T0, CALENDAR.date_of(T0), intake.new_application(loose, DO, KEY),
                   DO, NOTICE_DAYS)
    app_id = draft["application_id"]
    assert draft["applicant"]["enterprise"] is None
    for attempt in (lambda: run(store, intake.withdraw_application, T0, app_id, None, [], EO),
                    lambda: run(store, intake.submit_application, T0, CALENDAR.date_of(T0), app_id, None, EO,
                                NOTICE_DAYS),
                    lambda: run(store, intake.edit_application, T0, app_id, dict(loose, version=1), EO, KEY)):
        with pytest.raises(Forbidden) as refused:
            attempt()
        assert refused.value.errors == {"applicant.enterprise": ["not your enterprise"]}
    assert row(store, app_id).state == "draft" and row(store, app_id).version == 1
