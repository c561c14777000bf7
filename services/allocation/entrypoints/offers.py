"""Offer (配租通知) endpoints: read, list, accept, decline, expire (also hourly), move-in."""

from __future__ import annotations

from datetime import date

from nameko.timer import timer

from services.common import paging
from services.common.errors import Conflict
from services.common.http import api

from .. import offers, roles, schemas, settings, views


class OffersEntrypoints:
    @api("GET", "/offers", query=schemas.OffersQuery, roles=roles.SEE_OFFERS, response=schemas.OffersPageOut,
         summary="Offers by respond-by day: by status, round, application, unit, source, respond-by range")
    def list_offers(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: offers.offers_page(s, q), views.offer_view)

    @api("GET", "/offers/<offer_id>", roles=roles.SEE_OFFERS, response=schemas.OfferOut, summary="One offer")
    def get_offer(self, req):
        with self.db.read() as s:
            return views.offer_view(offers.get_offer(s, req.path["offer_id"]))

    @api("POST", "/offers/<offer_id>/accept", body=schemas.AnswerIn, roles=roles.ANSWER_OFFERS,
         response=schemas.AcceptOut, summary="Record the applicant's acceptance: unit reserved (allocation.accepted)")
    def accept_offer(self, req):
        with self.db.unit_of_work() as uow:
            offer = offers.accept_offer(uow, req.body.get("on") or self.clock.today(), req.path["offer_id"])
            uow.commit()
        return {"offer_id": offer.id, "status": "accepted", "unit_id": offer.unit_id}

    @api("POST", "/offers/<offer_id>/decline", body=schemas.AnswerIn, roles=roles.ANSWER_OFFERS,
         response=schemas.DeclineOut,
         summary="Record a refusal: decline count, maybe suspension; the unit moves to the waitlist")
    def decline_offer(self, req):
        with self.db.unit_of_work() as uow:
            offer, outcome, successor = offers.decline_offer(
                uow, self.clock.now(), req.body.get("on") or self.clock.today(), req.path["offer_id"],
                settings.decline_policy(self.config), self.clock.calendar)
            uow.commit()
        return {"offer_id": offer.id, "status": "declined", "declines": outcome.declines,
                "suspended_until": outcome.suspended_until,
                "next_offer_id": successor.id if successor else None}

    @api("POST", "/admin/offers/expire", body=schemas.ExpireIn, roles=roles.ANSWER_OFFERS,
         response=schemas.ExpiredOut,
         summary="Expire offers whose respond-by day has passed, for today or a past day (also runs hourly)")
    def expire_offers(self, req):
        today = self.clock.today()
        on = req.body.get("on") or today
        offers.check_expiry_date(on, today)
        return {"expired": self._expire_due(on)}

    @timer(interval=3600)
    def expire_offers_timer(self):
        self._expire_due(self.clock.today())

    def _expire_due(self, on: date) -> int:
        policy = settings.decline_policy(self.config)
        with self.db.read() as s:
            due = offers.due_for_expiry(s, on)
        done = 0
        for offer_id in due:  # one transaction per offer: one failure does not undo the rest
            try:
                with self.db.unit_of_work() as uow:
                    offers.expire_offer(uow, self.clock.now(), on, offer_id, policy, self.clock.calendar)
                    uow.commit()
                done += 1
            except Conflict:
                continue  # answered meanwhile
        return done

    @api("POST", "/offers/<offer_id>/move-in", body=schemas.MoveInIn, roles=roles.ANSWER_OFFERS, status=201,
         response=schemas.MovedInOut, summary="Move-in on an accepted offer: tenancy starts (tenancy.started)")
    def move_in(self, req):
        with self.db.unit_of_work() as uow:
            tenancy = offers.move_in(uow, self.clock.now(), self.clock.today(), req.path["offer_id"],
                                     req.body["start"], req.body["end"])
            uow.commit()
        return {"tenancy_id": tenancy.id, "unit_id": tenancy.unit_id, "status": "active"}
