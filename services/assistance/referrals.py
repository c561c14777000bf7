"""Referrals (转介): finance's ``rent.overdue`` for a hardship household opens a referral — a
candidate rent reduction or a visit — so arrears do not run into a violation unnoticed. The
household is found by the event's person_ref (when finance sends it) or through the relocation
case opened for the tenancy. One referral per tenancy and period: a redelivered or later
reminder for the same month only raises days_overdue."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select

from services.common.errors import Conflict, NotFound

from . import hardship, models, relocation

R = models.Referral


def on_rent_overdue(uow, now: datetime, tenancy_id: str, period: str, days_overdue: int,
                    person_ref: str | None) -> models.Referral | None:
    existing = uow.session.scalar(select(R).where(R.tenancy_id == tenancy_id, R.period == period))
    if existing is not None:
        existing.days_overdue = max(existing.days_overdue, days_overdue)
        return existing
    household = _household_of(uow.session, tenancy_id, person_ref)
    if household is None:
        return None
    referral = R(id=str(uuid.uuid4()), household_id=household.id, person_ref=household.person_ref,
                 tenancy_id=tenancy_id, period=period, days_overdue=days_overdue, status="open", opened_at=now)
    uow.session.add(referral)
    uow.session.flush()
    return referral


def _household_of(session, tenancy_id: str, person_ref: str | None):
    if person_ref:
        found = hardship.active_household_of(session, person_ref)
        if found is not None:
            return found
    case = session.scalar(select(models.ReliefCase)
                          .where(models.ReliefCase.source_ref == relocation.source_ref(tenancy_id)))
    if case is None:
        return None
    household = session.get(models.HardshipHousehold, case.household_id)
    return household if household.status == "active" else None


def close_referral(uow, now: datetime, referral_id: str, outcome: str, note: str, officer: str) -> models.Referral:
    referral = uow.session.get(R, referral_id, with_for_update=True)
    if referral is None:
        raise NotFound(f"referral {referral_id} does not exist")
    if referral.status != "open":
        raise Conflict(f"referral {referral_id} is already closed ({referral.outcome})",
                       errors={"referral_id": ["already closed"]})
    referral.status, referral.outcome, referral.note = "closed", outcome, note or None
    referral.closed_by, referral.closed_at = officer, now
    uow.session.flush()
    return referral


def find_referrals(session, *, status=None, household_id=None, page=1, page_size=50):
    stmt = select(R)
    for column, value in ((R.status, status), (R.household_id, household_id)):
        if value is not None:
            stmt = stmt.where(column == value)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(R.opened_at.desc(), R.id).offset((page - 1) * page_size)
                           .limit(page_size)).all()
    return total, rows
