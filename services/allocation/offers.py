"""Offers (配租通知): accept → reserved; decline / expiry → decline count and suspension
(domain.offers), unit to the next fitting waitlisted applicant; move-in → tenancy."""

from __future__ import annotations

import uuid
from datetime import date

from nameko.timer import timer
from sqlalchemy import select, update

from services.common.errors import BadRequest, Conflict, NotFound, Unprocessable
from services.common.events.contracts import utc_now
from services.common.http import api

from . import models, policy, schemas
from .domain import offers as rules
from .persist import domain_offer, offer_event, project_of, promote, set_offer_status, set_unit_status
from .rounds import offer_view

OFFICERS = ("district_officer", "city_officer")
READERS = (*OFFICERS, "auditor")


def _open_offer(session, offer_id: str) -> models.Offer:
    offer = session.get(models.Offer, offer_id)
    if offer is None:
        raise NotFound(f"offer {offer_id} does not exist")
    return offer


def accept_offer(uow, offer_id: str, on: date) -> models.Offer:
    s = uow.session
    offer = _open_offer(s, offer_id)
    if offer.status != "open":
        raise Conflict(f"offer {offer_id} is {offer.status}")
    try:
        rules.accept(domain_offer(offer), on)
    except rules.OfferError as exc:
        raise Unprocessable(str(exc), errors={"on": [str(exc)]}) from None
    set_offer_status(s, offer_id, "open", "accepted", answered_on=on)
    set_unit_status(s, offer.unit_id, ["offered"], "reserved")
    uow.publish("allocation.accepted", {**offer_event(offer, project_of(s, offer.unit_id)),
                                        "accepted_on": on.isoformat()})
    return offer


def refuse_offer(uow, offer_id: str, on: date, expired: bool, decline_policy: rules.DeclinePolicy):
    """Decline (or expire) an open offer, count the refusal, free the unit, promote."""
    s = uow.session
    offer = _open_offer(s, offer_id)
    if offer.status != "open":
        raise Conflict(f"offer {offer_id} is {offer.status}")
    try:
        answered = (rules.expire if expired else rules.decline)(domain_offer(offer), on)
    except rules.OfferError as exc:
        raise Unprocessable(str(exc), errors={"on": [str(exc)]}) from None
    set_offer_status(s, offer_id, "open", answered.status.value, answered_on=on)
    entry = s.get(models.PoolEntry, offer.application_id)
    outcome = rules.register_refusal(entry.declines, answered, decline_policy)
    entry.declines = outcome.declines
    if outcome.suspended_until is not None:
        entry.suspended_until = outcome.suspended_until
    entry.updated_at = utc_now()
    set_unit_status(s, offer.unit_id, ["offered"], "vacant", vacant_since=policy.local_midnight_utc(on))
    project_id = project_of(s, offer.unit_id)
    kind = "expired" if expired else "declined"
    uow.publish(f"allocation.{kind}", {
        **offer_event(offer, project_id), f"{kind}_on": on.isoformat(), "declines": outcome.declines,
        "suspended_until": entry.suspended_until.isoformat() if outcome.suspended_until else None})
    s.flush()
    successor = promote(uow, s.get(models.Round, offer.round_id), offer.unit_id, on)
    return offer, outcome, successor


def withdraw_live_offers(uow, application_id: str, on: date) -> None:
    """The applicant left the pool: open/accepted offers lapse and their units move on."""
    s = uow.session
    for offer in s.scalars(select(models.Offer).where(models.Offer.application_id == application_id,
                                                      models.Offer.status.in_(("open", "accepted")))).all():
        previous = offer.status
        set_offer_status(s, offer.id, previous, "withdrawn", answered_on=on)
        set_unit_status(s, offer.unit_id, ["offered" if previous == "open" else "reserved"], "vacant",
                        vacant_since=utc_now())
        s.flush()
        promote(uow, s.get(models.Round, offer.round_id), offer.unit_id, on)


def move_in(uow, offer_id: str, start: date, end: date) -> models.Tenancy:
    s = uow.session
    if end <= start:
        raise BadRequest("end must be after start", errors={"end": ["must be after start"]})
    offer = _open_offer(s, offer_id)
    if offer.status != "accepted":
        raise Conflict(f"offer {offer_id} is {offer.status}; move-in needs an accepted offer")
    set_offer_status(s, offer_id, "accepted", "moved_in")
    set_unit_status(s, offer.unit_id, ["reserved"], "occupied")
    unit = s.get(models.Unit, offer.unit_id)
    s.execute(update(models.PoolEntry).where(models.PoolEntry.application_id == offer.application_id)
              .values(status="housed", updated_at=utc_now()).execution_options(synchronize_session=False))
    tenancy = models.Tenancy(id=str(uuid.uuid4()), unit_id=unit.id, project_id=unit.project_id,
                             offer_id=offer.id, application_id=offer.application_id,
                             person_ref=offer.person_ref, start=start, end=end, rent_fen=unit.rent_fen,
                             status="active", violation_points_tenths=0, termination_open=False,
                             created_at=utc_now())
    s.add(tenancy)
    uow.publish("tenancy.started", {
        "tenancy_id": tenancy.id, "application_id": tenancy.application_id, "person_ref": tenancy.person_ref,
        "unit_id": unit.id, "project_id": unit.project_id, "start": start.isoformat(),
        "end": end.isoformat(), "rent_fen": unit.rent_fen})
    return tenancy


class OffersEndpoints:
    @api("GET", "/offers/<offer_id>", roles=READERS, summary="One offer")
    def get_offer(self, req):
        with self.db.read() as s:
            return offer_view(_open_offer(s, req.path["offer_id"]))

    @api("POST", "/offers/<offer_id>/accept", body=schemas.AnswerIn, roles=OFFICERS,
         summary="Record the applicant's acceptance: unit reserved (allocation.accepted)")
    def accept_offer(self, req):
        with self.db.unit_of_work() as uow:
            offer = accept_offer(uow, req.path["offer_id"], req.body.get("on") or policy.today())
            uow.commit()
        return {"offer_id": offer.id, "status": "accepted", "unit_id": offer.unit_id}

    @api("POST", "/offers/<offer_id>/decline", body=schemas.AnswerIn, roles=OFFICERS,
         summary="Record a refusal: decline count, maybe suspension; the unit moves to the waitlist")
    def decline_offer(self, req):
        with self.db.unit_of_work() as uow:
            offer, outcome, successor = refuse_offer(uow, req.path["offer_id"],
                                                     req.body.get("on") or policy.today(), False,
                                                     policy.decline_policy(self.config))
            uow.commit()
        return {"offer_id": offer.id, "status": "declined", "declines": outcome.declines,
                "suspended_until": outcome.suspended_until,
                "next_offer_id": successor.id if successor else None}

    @api("POST", "/admin/offers/expire", body=schemas.ExpireIn, roles=OFFICERS,
         summary="Expire offers past respond_by (also runs hourly)")
    def expire_offers(self, req):
        return {"expired": self._expire_due(req.body.get("on") or policy.today())}

    @timer(interval=3600)
    def expire_offers_timer(self):
        self._expire_due(policy.today())

    def _expire_due(self, on: date) -> int:
        with self.db.read() as s:
            due = s.scalars(select(models.Offer.id).where(models.Offer.status == "open",
                                                          models.Offer.respond_by < on)
                            .order_by(models.Offer.respond_by, models.Offer.id).limit(5000)).all()
        done = 0
        for offer_id in due:  # one transaction per offer: one failure does not undo the rest
            try:
                with self.db.unit_of_work() as uow:
                    refuse_offer(uow, offer_id, on, True, policy.decline_policy(self.config))
                    uow.commit()
                done += 1
            except Conflict:
                continue  # answered meanwhile
        return done

    @api("POST", "/offers/<offer_id>/move-in", body=schemas.MoveInIn, roles=OFFICERS, status=201,
         summary="Move-in on an accepted offer: tenancy starts (tenancy.started)")
    def move_in(self, req):
        with self.db.unit_of_work() as uow:
            tenancy = move_in(uow, req.path["offer_id"], req.body["start"], req.body["end"])
            uow.commit()
        return {"tenancy_id": tenancy.id, "unit_id": tenancy.unit_id, "status": "active"}
