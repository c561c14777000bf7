"""`allowed_actions` lists exactly what the endpoints accept (issue 11 item 9), for every state
and for the variants where the time or a count decides: each listed action's use case
succeeds, each unlisted one is refused. Each attempt runs in its own unit of work, rolled back,
so the application is the same for every attempt."""

from datetime import date, timedelta

import pytest
from app_usecase_helpers import (
    CALENDAR,
    DO,
    EO,
    KEY,
    NOTICE_DAYS,
    REVIEWERS,
    T0,
    approved,
    body,
    create,
    pass_reviews,
    row,
    run,
    submitted,
)
from sqlalchemy import select

from services.applications import intake, models, notice, rechecks, review
from services.applications.domain.lifecycle import AWAITING_LEVEL, Action, LifecycleError, State
from services.common.errors import AnjuError

SOON = timedelta(hours=1)


def _in_notice(store, seq):
    app_id = submitted(store, seq=seq, programme="public_rental")
    pass_reviews(store, app_id, T0, levels=("enterprise", "district"))
    return app_id


def _objected(store, seq, n):
    app_id = _in_notice(store, seq)
    for i in range(n):
        run(store, notice.file_objection, T0 + timedelta(minutes=i + 1), app_id, "申请人另有住房，请核实")
    return app_id


def _failed_recheck(store, app_id, at):
    update = {"application_id": app_id, "monthly_household_income_fen": 9_000_000, "housing": None,
              "household_size": None, "union_member": None}
    result, _ = run(store, rechecks.run_recheck, at, date(2026, 6, 1), [update], DO, NOTICE_DAYS)
    return result["recheck_id"]


def _returned(store, seq):
    app_id = submitted(store, seq=seq)
    run(store, review.review_application, T0, CALENDAR, app_id, "enterprise", "return", 1, ["缺材料"], EO)
    return app_id


def _rejected(store, seq):
    app_id = submitted(store, seq=seq)
    run(store, review.review_application, T0, CALENDAR, app_id, "enterprise", "reject", 1, ["非本企业职工"], EO)
    return app_id


def _revoked(store, seq):
    app_id = approved(store, seq=seq)
    at = row(store, app_id).updated_at + SOON
    run(store, rechecks.confirm_recheck, at, _failed_recheck(store, app_id, at), app_id, DO)
    return app_id


def _withdrawn(store, seq):
    app_id = submitted(store, seq=seq)
    run(store, intake.withdraw_application, T0, app_id, None, [], EO)
    return app_id


def _approved_with_a_failed_recheck(store, seq):
    app_id = approved(store, seq=seq)
    _failed_recheck(store, app_id, row(store, app_id).updated_at + SOON)
    return app_id


def _ends(store, app_id):
    return row(store, app_id).notice_ends_at


# label → (build(store, seq) → application id, when to look: (store, id) → instant)
VARIANTS = {
    "draft": (lambda s, q: create(s, seq=q)["application_id"], None),
    "submitted": (lambda s, q: submitted(s, seq=q), None),
    "district review": (lambda s, q: _passed(s, q, ("enterprise",)), None),
    "city review": (lambda s, q: _passed(s, q, ("enterprise", "district")), None),
    "returned": (_returned, None),
    "rejected": (_rejected, None),
    "in notice": (_in_notice, None),
    "in notice, period over": (_in_notice, lambda s, a: _ends(s, a)),
    "objected once": (lambda s, q: _objected(s, q, 1), None),
    "objected once, period over": (lambda s, q: _objected(s, q, 1), lambda s, a: _ends(s, a) + SOON),
    "objected twice": (lambda s, q: _objected(s, q, 2), None),
    "objected five times (the most open at once)": (lambda s, q: _objected(s, q, 5), None),
    "approved": (lambda s, q: approved(s, seq=q), None),
    "approved, a failed re-check waiting": (_approved_with_a_failed_recheck, None),
    "withdrawn": (_withdrawn, None),
    "revoked": (_revoked, None),
}


def _passed(store, seq, levels):
    app_id = submitted(store, seq=seq)
    pass_reviews(store, app_id, T0, levels=levels)
    return app_id


def _open_objections(store, app_id) -> list[str]:
    o = models.Objection
    with store.worker_db().read() as session:
        return list(session.scalars(select(o.id).where(o.application_id == app_id, o.resolved_at.is_(None))
                                    .order_by(o.filed_at)))


def _pending_recheck(store, app_id) -> str:
    i = models.RecheckItem
    with store.worker_db().read() as session:
        return session.scalar(select(i.recheck_id).where(i.application_id == app_id, i.outcome == "pending")) or "none"


def _attempts(store, app_id, seq, at):
    """Each action as its endpoint's use case would run it, by the role that may."""
    stored = row(store, app_id)
    level = AWAITING_LEVEL.get(State(stored.state), "enterprise")
    level = getattr(level, "value", level)
    objections = _open_objections(store, app_id) + ["none", "none-either"]
    programme = stored.programme
    return {
        Action.SUBMIT: lambda uow: intake.submit_application(uow, at, CALENDAR.date_of(at), app_id, None, EO,
                                                             NOTICE_DAYS),
        Action.EDIT: lambda uow: intake.edit_application(uow, at, app_id, body(seq=seq, programme=programme), EO,
                                                         KEY),
        Action.REVIEW: lambda uow: review.review_application(uow, at, CALENDAR, app_id, level, "pass",
                                                             stored.version, [], REVIEWERS[level]),
        Action.FILE_OBJECTION: lambda uow: notice.file_objection(uow, at, app_id, "申请人隐瞒收入，请核实"),
        Action.RESOLVE_OBJECTION: lambda uow: notice.resolve_objection(uow, at, CALENDAR, objections[0], False, "",
                                                                       DO),
        Action.MERGE_OBJECTIONS: lambda uow: notice.merge_objections(uow, at, app_id, objections[0],
                                                                     [objections[1]], DO),
        Action.CLOSE_NOTICE: lambda uow: notice.close_notice(uow, at, CALENDAR, app_id),
        Action.WITHDRAW: lambda uow: intake.withdraw_application(uow, at, app_id, None, [], EO),
        Action.REVOKE: lambda uow: rechecks.confirm_recheck(uow, at, _pending_recheck(store, app_id), app_id, DO),
    }


def _accepted(store, attempt) -> bool:
    with store.uow() as uow:
        try:
            result = attempt(uow)
        except (AnjuError, LifecycleError):
            return False
        finally:
            uow.rollback()
    return result is not False  # close_notice says False when there was nothing to close


@pytest.mark.parametrize("label", list(VARIANTS))
def test_allowed_actions_are_what_the_endpoints_accept(store, label):
    build, when = VARIANTS[label]
    seq = f"{list(VARIANTS).index(label) + 500}"
    app_id = build(store, seq)
    at = when(store, app_id) if when else row(store, app_id).updated_at + SOON
    version = row(store, app_id).version
    accepted = {a.value for a, attempt in _attempts(store, app_id, seq, at).items() if _accepted(store, attempt)}
    with store.worker_db().read() as session:
        listed = intake.read_application(session, at, app_id, DO)["allowed_actions"]
    assert listed == sorted(accepted), label
    assert row(store, app_id).version == version  # every attempt was rolled back


def test_after_the_notice_ended_an_objection_is_neither_listed_nor_accepted(store):
    app_id = _in_notice(store, "480")
    with store.worker_db().read() as session:
        listed = intake.read_application(session, _ends(store, app_id), app_id, DO)["allowed_actions"]
    assert "file_objection" not in listed and "close_notice" in listed
