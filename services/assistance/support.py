"""Long-term support plans (长期帮扶): per hardship household a goal — job placement, training,
a micro-loan referral, a public-welfare post — with follow-up visits that have due dates and
outcomes; the overdue follow-ups per officer, so no household is forgotten."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import func, select

from services.common.errors import Conflict, NotFound

from . import models
from .domain.support import InvalidFollowUp, check_due

P = models.SupportPlan
F = models.FollowUp


def open_plan(uow, now: datetime, household_id: str, goal: str, note: str, officer: str) -> models.SupportPlan:
    household = uow.session.get(models.HardshipHousehold, household_id)
    if household is None or household.status != "active":
        raise InvalidFollowUp(f"{household_id} is not an active household in the hardship registry", "household_id")
    existing = uow.session.scalar(select(P.id).where(P.household_id == household_id, P.goal == goal,
                                                     P.status == "open"))
    if existing is not None:
        raise Conflict(f"this household already has an open {goal} plan: {existing}",
                       errors={"goal": [f"open in plan {existing}"]})
    plan = P(id=str(uuid.uuid4()), household_id=household_id, goal=goal, note=note, status="open",
             opened_by=officer, opened_at=now)
    uow.session.add(plan)
    uow.session.flush()
    return plan


def get_plan(session, plan_id: str) -> models.SupportPlan:
    plan = session.get(P, plan_id)
    if plan is None:
        raise NotFound(f"support plan {plan_id} does not exist")
    return plan


def schedule(uow, now: datetime, today: date, plan_id: str, due_on: date, officer: str,
             note: str) -> models.FollowUp:
    plan = get_plan(uow.session, plan_id)
    if plan.status != "open":
        raise Conflict(f"support plan {plan_id} is {plan.status}", errors={"plan_id": [f"the plan is {plan.status}"]})
    check_due(due_on, today)
    visit = F(id=str(uuid.uuid4()), plan_id=plan.id, household_id=plan.household_id, due_on=due_on,
              officer=officer, note=note, scheduled_at=now)
    uow.session.add(visit)
    uow.session.flush()
    return visit


def record_outcome(uow, now: datetime, follow_up_id: str, outcome: str, note: str, officer: str,
                   close_plan: bool) -> models.FollowUp:
    visit = uow.session.get(F, follow_up_id, with_for_update=True)
    if visit is None:
        raise NotFound(f"follow-up {follow_up_id} does not exist")
    if visit.done_at is not None:
        raise Conflict(f"follow-up {follow_up_id} was already recorded ({visit.outcome})",
                       errors={"follow_up_id": ["already recorded"]})
    visit.outcome, visit.outcome_note, visit.done_at, visit.done_by = outcome, note or None, now, officer
    if close_plan:
        plan = uow.session.get(P, visit.plan_id)
        plan.status, plan.closed_at, plan.outcome = "closed", now, outcome
    uow.session.flush()
    return visit


def find_plans(session, *, household_id=None, status=None, page=1, page_size=50):
    stmt = select(P)
    for column, value in ((P.household_id, household_id), (P.status, status)):
        if value is not None:
            stmt = stmt.where(column == value)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    return total, session.scalars(stmt.order_by(P.opened_at.desc(), P.id).offset((page - 1) * page_size)
                                  .limit(page_size)).all()


def follow_ups(session, plan_id: str) -> list[models.FollowUp]:
    return session.scalars(select(F).where(F.plan_id == plan_id).order_by(F.due_on, F.id)).all()


def overdue(session, today: date, officer: str | None, limit: int) -> list[models.FollowUp]:
    """Follow-ups past their due date without an outcome, oldest first (of one officer, or all)."""
    stmt = select(F).where(F.done_at.is_(None), F.due_on < today)
    if officer is not None:
        stmt = stmt.where(F.officer == officer)
    return session.scalars(stmt.order_by(F.due_on, F.id).limit(limit)).all()


def statistics(session) -> dict:
    """Aggregates only: plans by goal and status, follow-ups done and pending."""
    plans = session.execute(select(P.goal, P.status, func.count()).group_by(P.goal, P.status)).all()
    done = session.scalar(select(func.count()).select_from(F).where(F.done_at.is_not(None)))
    pending = session.scalar(select(func.count()).select_from(F).where(F.done_at.is_(None)))
    return {"plans": [{"goal": g, "status": s, "count": n} for g, s, n in sorted(plans)],
            "follow_ups_done": done, "follow_ups_pending": pending}
