"""The hardship registry (困难职工家庭建档): households registered by real name, known to other
services only by person_ref and a masked name. A person has at most one active household."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from services.common.errors import Conflict, NotFound
from services.common.identity import mask_name, parse_resident_id, person_ref

from . import audit, models
from .domain.hardship import RegistryRuleError, check_next_review, next_review

H = models.HardshipHousehold


def register_household(uow, now: datetime, id_number: str, name: str, category: str, registered_by: str,
                       person_ref_key: bytes, *, on: date | None = None) -> models.HardshipHousehold:
    """Register a hardship household and publish ``hardship.registered`` (masked); a person who
    already has an active household is refused (409 naming it), also when two requests race.
    Registered on business day `on`, it is due for re-verification a year later, in the
    registering officer's queue."""
    number = parse_resident_id(id_number).number
    ref = person_ref(number, person_ref_key)
    _refuse_second(uow.session, ref)
    household = H(id=str(uuid.uuid4()), person_ref=ref, active_person_ref=ref, name=name, id_number=number,
                  name_masked=mask_name(name), category=category, status="active", registered_by=registered_by,
                  registered_at=now, next_review_on=next_review(on) if on else None, review_officer=registered_by)
    uow.session.add(household)
    try:
        uow.session.flush()
    except IntegrityError:  # a registration of the same person committed meanwhile
        uow.rollback()
        _refuse_second(uow.session, ref)
        raise
    audit.record(uow.session, now, registered_by, audit.HOUSEHOLD, household.id, "registered", {}, household)
    uow.publish("hardship.registered", {"household_id": household.id, "person_ref": ref,
                                        "category": household.category, "name_masked": household.name_masked})
    return household


def _refuse_second(session, ref: str) -> None:
    existing = session.scalar(select(H.id).where(H.active_person_ref == ref))
    if existing is not None:
        raise Conflict(f"this person already has an active hardship household: {existing}",
                       errors={"id_number": [f"registered as household {existing}"]})


def get_household(session, household_id: str) -> models.HardshipHousehold:
    household = session.get(H, household_id)
    if household is None:
        raise NotFound(f"hardship household {household_id} does not exist")
    return household


def find_households(session, *, category: str | None, status: str | None, person_ref: str | None,
                    page: int, page_size: int) -> tuple[int, list[models.HardshipHousehold]]:
    """Households newest first, filtered; (total, the page)."""
    stmt = select(H)
    for column, value in ((H.category, category), (H.status, status), (H.person_ref, person_ref)):
        if value is not None:
            stmt = stmt.where(column == value)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(H.registered_at.desc(), H.id).offset((page - 1) * page_size)
                           .limit(page_size)).all()
    return total, rows


def close_household(uow, now: datetime, household_id: str, reason: str, note: str,
                    closed_by: str) -> models.HardshipHousehold:
    """Close an active household (销档) and publish ``hardship.closed`` (applications drops the
    hardship points); the person may be registered again later."""
    household = uow.session.get(H, household_id, with_for_update=True)
    if household is None:
        raise NotFound(f"hardship household {household_id} does not exist")
    if household.status != "active":
        raise Conflict(f"hardship household {household_id} is {household.status}; only an active one can be closed",
                       errors={"household_id": [f"the household is {household.status}"]})
    before = audit.snapshot(household, audit.HOUSEHOLD)
    household.status, household.active_person_ref = "closed", None
    household.closed_reason, household.closed_note, household.closed_by, household.closed_at = (
        reason, note or None, closed_by, now)
    audit.record(uow.session, now, closed_by, audit.HOUSEHOLD, household.id, "closed", before, household, reason)
    uow.publish("hardship.closed", {"household_id": household.id, "person_ref": household.person_ref,
                                    "category": household.category, "reason": reason,
                                    "closed_at": now.isoformat()})
    uow.session.flush()
    return household


def active_household_of(session, ref: str) -> models.HardshipHousehold | None:
    return session.scalar(select(H).where(H.active_person_ref == ref))


def verify(uow, now: datetime, on: date, household_id: str, officer: str, evidence: list[str],
           next_review_on: date | None = None) -> models.HardshipHousehold:
    """核实 / 年度复核: an officer verifies an active household on the evidence listed; its next
    review is a year later (or the day given: after today, within two years) and in that
    officer's queue."""
    household = uow.session.get(H, household_id, with_for_update=True)
    if household is None:
        raise NotFound(f"hardship household {household_id} does not exist")
    if household.status != "active":
        raise RegistryRuleError(f"hardship household {household_id} is {household.status}; only an active one "
                                "is verified", "household_id")
    due = next_review_on or next_review(on)
    check_next_review(on, due)
    before = audit.snapshot(household, audit.HOUSEHOLD)
    household.verified_by, household.verified_at, household.evidence = officer, now, list(evidence)
    household.next_review_on, household.review_officer = due, officer
    audit.record(uow.session, now, officer, audit.HOUSEHOLD, household.id, "verified", before, household)
    uow.session.flush()
    return household


def review_queue(session, due_by: date, officer: str | None, limit: int) -> list[models.HardshipHousehold]:
    """Active households due for re-verification by `due_by` (one officer's, or everyone's),
    the longest due first."""
    stmt = select(H).where(H.status == "active", H.next_review_on.is_not(None), H.next_review_on <= due_by)
    if officer is not None:
        stmt = stmt.where(H.review_officer == officer)
    return session.scalars(stmt.order_by(H.next_review_on, H.id).limit(limit)).all()
