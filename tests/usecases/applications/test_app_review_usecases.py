"""Review, notice and objection use cases with time moved by hand: enterprise → district → city
→ notice, closed by the use case once the period is over (approved, with its points); return
for correction and resubmission; an upheld objection rejecting the application."""

from datetime import timedelta

import pytest
from app_usecase_helpers import (
    CALENDAR,
    CO,
    DO,
    EO,
    KEY,
    NOTICE_DAYS,
    T0,
    body,
    outbox,
    pass_reviews,
    row,
    run,
    submitted,
)

from services.applications import intake, notice, review
from services.applications.domain.lifecycle import LifecycleError, WrongReviewLevel
from services.common.auth import Principal
from services.common.errors import Forbidden, Unprocessable


def test_three_levels_then_the_notice_closes_into_approval(store):
    app_id = submitted(store)
    day1 = T0 + timedelta(days=1)
    pass_reviews(store, app_id, day1, levels=("enterprise", "district"))
    assert row(store, app_id).state == "city_review"  # shared ownership: the city signs off

    day2 = T0 + timedelta(days=2)
    version = row(store, app_id).version
    in_notice, events = run(store, review.review_application, day2, CALENDAR, app_id, "city", "pass", version, [], CO)
    assert in_notice.state == "in_notice"
    assert in_notice.notice_started_at == day2 and in_notice.notice_ends_at == day2 + timedelta(days=NOTICE_DAYS)
    assert [e[0] for e in events] == ["application.reviewed", "application.notice_started"]
    started = events[1][1]
    # 14 service years 14.0 + household of 3 6.0 + city honour 6.0 + frontline 5.0, no waiting yet
    assert started["points"] == "31.0" and started["name_masked"] == "张*三"
    assert started["id_number_masked"] == row_id_masked(store, app_id)  # 350102********1234-style, on the board

    # Not due a second before the period ends; due at its end.
    ends = in_notice.notice_ends_at
    db = store.worker_db()
    assert notice.close_due_notices(db, ends - timedelta(seconds=1), CALENDAR) == []
    assert notice.close_due_notices(db, ends, CALENDAR) == [app_id]
    approved = row(store, app_id)
    assert approved.state == "approved" and approved.approved_at == ends and approved.active_key is not None
    assert outbox(store)[-2:] == ["application.notice_started", "application.approved"]
    assert notice.close_due_notices(db, ends + timedelta(days=30), CALENDAR) == []  # closed once


def test_approval_publishes_the_points_and_what_allocation_needs(store):
    app_id = submitted(store, programme="public_rental")  # two levels only
    pass_reviews(store, app_id, T0 + timedelta(hours=1), levels=("enterprise", "district"))
    ends = row(store, app_id).notice_ends_at
    with store.uow() as uow:
        assert notice.close_notice(uow, ends + timedelta(days=40), CALENDAR, app_id) is True
        uow.commit()
    (event_type, data), = [(e["event_type"], e["data"]) for e in uow.published]
    assert event_type == "application.approved"
    # waiting from 2 March to 16 April: one completed month, 0.5 more
    assert data["points"] == "31.5" and data["points_tenths"] == 315
    assert data["priority_groups"] == ["frontline", "model_worker"] and data["preferences"] == ["P1", "P2"]
    assert data["household_size"] == 3 and data["district"] == "demo"


def test_return_for_correction_then_resubmission_starts_again_at_the_enterprise(store):
    app_id = submitted(store, programme="public_rental")
    pass_reviews(store, app_id, T0, levels=("enterprise",))
    version = row(store, app_id).version
    returned, events = run(store, review.review_application, T0 + timedelta(hours=2), CALENDAR, app_id, "district",
                           "return", version, ["收入证明缺失"], DO)
    assert returned.state == "returned"
    assert events[0][1]["decision"] == "return" and events[0][1]["reasons"] == ["收入证明缺失"]
    with pytest.raises(LifecycleError, match="the application is returned for correction, so it cannot be reviewed"):
        run(store, review.review_application, T0 + timedelta(hours=3), CALENDAR, app_id, "district", "pass",
            returned.version, [], DO)

    at = T0 + timedelta(days=1)
    run(store, intake.edit_application, at, app_id, body(programme="public_rental",
                                                         monthly_household_income_fen=450000), EO, KEY)
    view, events = run(store, intake.submit_application, at, CALENDAR.date_of(at), app_id, None, EO, NOTICE_DAYS)
    assert view["state"] == "submitted" and [r["decision"] for r in view["reviews"]] == ["pass", "return"]
    assert events[0][1]["resubmission"] is True
    assert row(store, app_id).first_submitted_at == T0  # waiting time counts from the first submission


def test_reasons_roles_and_scope_are_checked_before_anything_changes(store):
    app_id = submitted(store)
    version = row(store, app_id).version
    with pytest.raises(WrongReviewLevel):
        run(store, review.review_application, T0, CALENDAR, app_id, "district", "pass", version, [], DO)
    with pytest.raises(Unprocessable) as no_reason:
        run(store, review.review_application, T0, CALENDAR, app_id, "enterprise", "reject", version, [], EO)
    assert no_reason.value.errors == {"reasons": ["required for return and reject"]}
    with pytest.raises(Forbidden) as wrong_role:
        run(store, review.review_application, T0, CALENDAR, app_id, "city", "pass", version, [], DO)
    assert str(wrong_role.value) == "the city's review is done by a city officer, not a district officer"
    other = Principal("eo2", "enterprise_officer", "demo", "E-textile")
    with pytest.raises(Forbidden) as wrong_enterprise:
        run(store, review.review_application, T0, CALENDAR, app_id, "enterprise", "pass", version, [], other)
    assert wrong_enterprise.value.errors == {"enterprise": ["E-steel"]}
    assert row(store, app_id).version == version and outbox(store) == ["application.submitted"]


def test_an_upheld_objection_rejects_the_application(store):
    app_id = submitted(store, programme="public_rental")
    pass_reviews(store, app_id, T0, levels=("enterprise", "district"))
    filed_at = T0 + timedelta(days=1)
    (objection, objected), events = run(store, notice.file_objection, filed_at, app_id, "申请人已有住房，请核实")
    assert objected.state == "objected" and [e[0] for e in events] == ["application.objection_filed"]
    with pytest.raises(Unprocessable):  # upholding needs a note
        run(store, notice.resolve_objection, filed_at, CALENDAR, objection.id, True, " ", DO)

    (resolved, rejected), events = run(store, notice.resolve_objection, filed_at + timedelta(hours=4), CALENDAR,
                                       objection.id, True, "经核实有房", DO)
    assert rejected.state == "rejected" and rejected.active_key is None
    assert resolved.upheld is True and resolved.resolved_by == "district_officer:do1"
    assert [e[0] for e in events] == ["application.objection_resolved", "application.rejected"]
    assert events[1][1]["stage"] == "objection" and events[1][1]["reasons"] == ["经核实有房"]


def test_no_objection_once_the_period_is_over(store):
    app_id = submitted(store, programme="public_rental")
    pass_reviews(store, app_id, T0, levels=("enterprise", "district"))
    ends = row(store, app_id).notice_ends_at
    with pytest.raises(LifecycleError, match="notice period ended"):
        run(store, notice.file_objection, ends, app_id, "太晚了的异议内容")
    assert row(store, app_id).state == "in_notice"


def row_id_masked(store, app_id: str) -> str:
    from services.applications import models
    from services.common.identity import mask_id_number
    with store.worker_db().read() as session:
        number = session.get(models.Applicant, row(store, app_id).applicant_id).id_number
    masked = mask_id_number(number)
    assert masked == number[:6] + "********" + number[-4:]
    return masked


def test_closing_due_notices_closes_them_all_in_batches_in_one_run(store):
    """A run closes every due notice, however many batches they take (the demo found one batch
    a call, ~1,200 left open); one that changed meanwhile is passed over, not retried forever."""
    ids = []
    for seq in ("301", "302", "303", "304", "305"):
        app_id = submitted(store, T0, seq=seq, programme="public_rental")
        pass_reviews(store, app_id, T0, levels=("enterprise", "district"))
        ids.append(app_id)
    ends = row(store, ids[0]).notice_ends_at
    db = store.worker_db()
    with db.read() as session:
        assert notice.count_due_notices(session, ends) == 5
        first = notice.due_notices(session, ends, 2)
        assert [i for _, i in first] == sorted(ids)[:2]  # same instant: by id
        assert [i for _, i in notice.due_notices(session, ends, 2, after=first[-1])] == sorted(ids)[2:4]
    assert sorted(notice.close_due_notices(db, ends, CALENDAR, batch=2)) == sorted(ids)
    assert {row(store, i).state for i in ids} == {"approved"}
    with db.read() as session:
        assert notice.count_due_notices(session, ends) == 0
    assert outbox(store).count("application.approved") == 5
