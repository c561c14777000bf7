"""Offers (配租通知): accept → reserved; decline / expiry → decline count and suspension
(domain.offers), unit to the next fitting waitlisted applicant; move-in → tenancy."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.common.clock import Calendar
from services.common.errors import Conflict, NotFound

from . import models, repository, waitlist
from .domain import offers as offer_rules
from .domain import tenancies as tenancy_rules
from .payloads import offer_event
from .repository import domain_offer, project_of, set_offer_status, set_unit_status

EXPIRY_BATCH = 5000


def get_offer(session: Session, offer_id: str) -> models.Offer:
    offer = session.get(models.Offer, offer_id)
    if offer is None:
        raise NotFound(f"offer {offer_id} does not exist")
    return offer


def accept_offer(uow, on: date, offer_id: str) -> models.Offer:
    """The applicant accepts (on ``on``): the unit is reserved, ``allocation.accepted``."""
    s = uow.session
    offer = get_offer(s, offer_id)
    if offer.status != "open":
        raise Conflict(f"offer {offer_id} is {offer.status}")
    offer_rules.accept(domain_offer(offer), on)
    set_offer_status(s, offer_id, "open", "accepted", answered_on=on)
    set_unit_status(s, offer.unit_id, ["offered"], "reserved")
    uow.publish("allocation.accepted", {**offer_event(offer, project_of(s, offer.unit_id)),
                                        "accepted_on": on.isoformat()})
    return offer


def decline_offer(uow, now: datetime, on: date, offer_id: str, policy: offer_rules.DeclinePolicy,
                  calendar: Calendar):
    """The applicant declines: see `_refuse`. Returns (offer, refusal outcome, successor offer)."""
    return _refuse(uow, now, on, offer_id, False, policy, calendar)


def expire_offer(uow, now: datetime, on: date, offer_id: str, policy: offer_rules.DeclinePolicy,
                 calendar: Calendar):
    """An offer past its respond-by day lapses: see `_refuse`."""
    return _refuse(uow, now, on, offer_id, True, policy, calendar)


def offers_page(session: Session, q: dict) -> tuple[int, list[models.Offer]]:
    """Offers by respond-by day then id, filtered by status, round, application, unit, source
    and a respond-by range."""
    o = models.Offer
    stmt = select(o)
    for name in ("status", "round_id", "application_id", "unit_id", "source"):
        if q.get(name):
            stmt = stmt.where(getattr(o, name) == q[name])
    if q.get("respond_by_from"):
        stmt = stmt.where(o.respond_by >= q["respond_by_from"])
    if q.get("respond_by_to"):
        stmt = stmt.where(o.respond_by <= q["respond_by_to"])
    return repository.page(session, stmt, (o.respond_by, o.id), q["page"], q["page_size"])


def due_for_expiry(session: Session, on: date) -> list[str]:
    """Open offers whose respond-by day is before ``on``, oldest first, at most EXPIRY_BATCH."""
    return list(session.scalars(select(models.Offer.id).where(models.Offer.status == "open",
                                                              models.Offer.respond_by < on)
                                .order_by(models.Offer.respond_by, models.Offer.id).limit(EXPIRY_BATCH)))


def withdraw_live_offers(uow, now: datetime, on: date, application_id: str) -> None:
    """The applicant left the pool: open/accepted offers lapse and their units move on."""
    s = uow.session
    for offer in s.scalars(select(models.Offer).where(models.Offer.application_id == application_id,
                                                      models.Offer.status.in_(("open", "accepted")))).all():
        previous = offer.status
        set_offer_status(s, offer.id, previous, "withdrawn", answered_on=on)
        set_unit_status(s, offer.unit_id, ["offered" if previous == "open" else "reserved"], "vacant",
                        vacant_since=now)
        s.flush()
        waitlist.promote(uow, now, on, s.get(models.Round, offer.round_id), offer.unit_id)


def check_expiry_date(on: date, today: date) -> None:
    """An expiry run (POST /admin/offers/expire) is for today or a past day."""
    offer_rules.check_expiry_date(on, today)


def move_in(uow, now: datetime, today: date, offer_id: str, start: date, end: date) -> models.Tenancy:
    """Move-in on an accepted offer: the unit is occupied, the applicant housed, the tenancy
    starts (``tenancy.started``). Its dates follow domain.tenancies.check_terms (from the
    acceptance, at most a year ahead, at most ten years long)."""
    s = uow.session
    offer = get_offer(s, offer_id)
    if offer.status != "accepted":
        raise Conflict(f"offer {offer_id} is {offer.status}; a move-in needs an accepted offer")
    tenancy_rules.check_terms(start, end, accepted_on=offer.answered_on or offer.offered_on, today=today)
    set_offer_status(s, offer_id, "accepted", "moved_in")
    set_unit_status(s, offer.unit_id, ["reserved"], "occupied")
    unit = s.get(models.Unit, offer.unit_id)
    s.execute(update(models.PoolEntry).where(models.PoolEntry.application_id == offer.application_id)
              .values(status="housed", updated_at=now).execution_options(synchronize_session=False))
    tenancy = models.Tenancy(id=str(uuid.uuid4()), unit_id=unit.id, project_id=unit.project_id,
                             offer_id=offer.id, application_id=offer.application_id,
                             person_ref=offer.person_ref, start=start, end=end, rent_fen=unit.rent_fen,
                             status="active", violation_points_tenths=0, termination_open=False,
                             created_at=now)
    s.add(tenancy)
    uow.publish("tenancy.started", {
        "tenancy_id": tenancy.id, "application_id": tenancy.application_id, "person_ref": tenancy.person_ref,
        "unit_id": unit.id, "project_id": unit.project_id, "start": start.isoformat(),
        "end": end.isoformat(), "rent_fen": unit.rent_fen})
    return tenancy


def _refuse(uow, now: datetime, on: date, offer_id: str, expired: bool, policy: offer_rules.DeclinePolicy,
            calendar: Calendar):
    """Decline (or expire) an open offer, count the refusal, free the unit (vacant since the
    local midnight of ``on``), promote the next on the waitlist."""
    s = uow.session
    offer = get_offer(s, offer_id)
    if offer.status != "open":
        raise Conflict(f"offer {offer_id} is {offer.status}")
    answered = (offer_rules.expire if expired else offer_rules.decline)(domain_offer(offer), on)
    set_offer_status(s, offer_id, "open", answered.status.value, answered_on=on)
    entry = s.get(models.PoolEntry, offer.application_id)
    outcome = offer_rules.register_refusal(entry.declines, answered, policy)
    entry.declines = outcome.declines
    if outcome.suspended_until is not None:
        entry.suspended_until = outcome.suspended_until
    entry.updated_at = now
    set_unit_status(s, offer.unit_id, ["offered"], "vacant", vacant_since=calendar.midnight_utc(on))
    project_id = project_of(s, offer.unit_id)
    kind = "expired" if expired else "declined"
    uow.publish(f"allocation.{kind}", {
        **offer_event(offer, project_id), f"{kind}_on": on.isoformat(), "declines": outcome.declines,
        "suspended_until": entry.suspended_until.isoformat() if outcome.suspended_until else None})
    s.flush()
    successor = waitlist.promote(uow, now, on, s.get(models.Round, offer.round_id), offer.unit_id)
    return offer, outcome, successor
