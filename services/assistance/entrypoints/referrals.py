"""Events from other services: relocation relief on tenancy.started, referrals on rent.overdue;
the referrals over HTTP."""

from __future__ import annotations

from services.common import paging
from services.common.events.inbox import inbox_handler
from services.common.http import api

from .. import moving_in, referrals, relocation, roles, schemas, settings, views
from ..domain.hardship import HousingStage


class ReferralEntrypoints:
    @inbox_handler("allocation", "tenancy.started", schema=schemas.TenancyStartedIn)
    def on_tenancy_started(self, event):
        d = event.data
        with self.db.unit_of_work() as uow:  # committed also when the person is not in the registry
            moving_in.on_housing_event(uow, self.clock.now(), d["person_ref"], HousingStage.MOVED_IN, d["unit_id"],
                                       event.event_type)
            relocation.on_tenancy_started(uow, self.clock.now(), self.clock.today(), d["tenancy_id"],
                                          d["person_ref"], settings.relocation_cash_fen(self.config),
                                          settings.approval_policy(self.config))
            uow.commit()

    @inbox_handler("allocation", "allocation.offered", schema=schemas.OfferEventIn)
    def on_allocation_offered(self, event):
        with self.db.unit_of_work() as uow:
            moving_in.on_housing_event(uow, self.clock.now(), event.data["person_ref"], HousingStage.OFFERED,
                                       event.data["unit_id"], event.event_type)
            uow.commit()

    @inbox_handler("allocation", "allocation.accepted", schema=schemas.OfferEventIn)
    def on_allocation_accepted(self, event):
        with self.db.unit_of_work() as uow:
            moving_in.on_housing_event(uow, self.clock.now(), event.data["person_ref"], HousingStage.ACCEPTED,
                                       event.data["unit_id"], event.event_type)
            uow.commit()

    @inbox_handler("finance", "rent.overdue", schema=schemas.RentOverdueIn)
    def on_rent_overdue(self, event):
        d = event.data
        with self.db.unit_of_work() as uow:
            referrals.on_rent_overdue(uow, self.clock.now(), d["tenancy_id"], d["period"], d["days_overdue"],
                                      d["person_ref"])
            uow.commit()

    @api("GET", "/referrals", query=schemas.ReferralQuery, roles=roles.READ_REFERRALS,
         response=schemas.ReferralPage, summary="Referrals of hardship households in rent arrears (转介), newest first")
    def list_referrals(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: referrals.find_referrals(s, **q), views.referral_view)

    @api("POST", "/referrals/<referral_id>/closing", body=schemas.ReferralCloseIn, roles=roles.HANDLE_REFERRALS,
         response=schemas.ReferralOut, summary="Record a referral's outcome and close it")
    def close_referral(self, req):
        with self.db.unit_of_work() as uow:
            r = referrals.close_referral(uow, self.clock.now(), req.path["referral_id"], req.body["outcome"],
                                         req.body["note"], req.principal.ref)
            uow.commit()
            return views.referral_view(r)
