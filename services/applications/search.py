"""Lists and search for staff (申请查询): applications by state, the review level they wait for,
programme, enterprise, the district date of their first submission, masked name or person_ref,
newest first, one page at a time; and the counts per state under the same filters. An
enterprise officer sees only their own enterprise's; names are masked for every reader."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from services.common import paging
from services.common.errors import Forbidden
from services.common.roles import ENTERPRISE_OFFICER

from . import models, repository, views
from .domain.lifecycle import AWAITING_LEVEL, ReviewLevel, State

STATE_FOR_LEVEL = {level.value: state.value for state, level in AWAITING_LEVEL.items()}


def _scoped(principal, enterprise: str | None) -> str | None:
    """The enterprise filter a reader may use: an enterprise officer's own, always."""
    if principal.role == ENTERPRISE_OFFICER:
        if enterprise not in (None, principal.enterprise):
            raise Forbidden("enterprise officers see only their own enterprise's applications",
                            errors={"enterprise": ["not your enterprise"]})
        return principal.enterprise
    return enterprise


def _filtered(stmt, calendar, principal, q: dict):
    a, who = models.Application, models.Applicant
    enterprise = _scoped(principal, q["enterprise"])
    if q.get("state"):
        stmt = stmt.where(a.state == q["state"])
    if q["level"]:
        stmt = stmt.where(a.state == STATE_FOR_LEVEL[ReviewLevel(q["level"]).value])
    if q["programme"]:
        stmt = stmt.where(a.programme == q["programme"])
    if enterprise:
        stmt = stmt.where(a.enterprise == enterprise)
    if q["submitted_from"]:
        stmt = stmt.where(a.first_submitted_at >= calendar.midnight_utc(q["submitted_from"]))
    if q["submitted_to"]:
        stmt = stmt.where(a.first_submitted_at < calendar.midnight_utc(q["submitted_to"] + timedelta(days=1)))
    if q["person_ref"]:
        stmt = stmt.where(a.person_ref == q["person_ref"])
    if q["name_masked"]:
        stmt = stmt.where(who.name_masked == q["name_masked"])
    return stmt


def list_applications(session, calendar, principal, q: dict) -> dict:
    """One page of the applications the filters in `q` select, newest first."""
    a, p = models.Application, models.ApplicationPoints
    stmt = (select(a.id, a.version, a.state, a.programme, a.enterprise, a.person_ref, a.household_size,
                   a.first_submitted_at, a.updated_at, a.created_at, models.Applicant.name_masked, p.total_tenths)
            .join(models.Applicant, models.Applicant.id == a.applicant_id)
            .outerjoin(p, p.application_id == a.id)
            .order_by(a.created_at.desc(), a.id.desc()))
    total, rows = repository.page(session, _filtered(stmt, calendar, principal, q), q["page"], q["page_size"])
    return paging.page_reply(q, total, [views.list_item(r) for r in rows])


def count_applications(session, calendar, principal, q: dict) -> dict:
    """How many applications the filters select, in total and per state (every state listed)."""
    a = models.Application
    stmt = select(a.state, func.count()).join(models.Applicant, models.Applicant.id == a.applicant_id)
    by_state = {s.value: 0 for s in State}
    for state, n in session.execute(_filtered(stmt, calendar, principal, q).group_by(a.state)):
        by_state[state] = n
    return {"total": sum(by_state.values()), "by_state": by_state}
