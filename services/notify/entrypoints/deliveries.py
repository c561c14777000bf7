"""DeliveryEntrypoints: the senders (one timer per channel, so channels never wait on each
other), the searchable delivery log and the dead-letter re-send."""

from __future__ import annotations

from services.common import paging
from services.common.http import api
from services.common.timers import config_timer

from .. import deliveries, digests, roles, schemas, sender, views


class DeliveryEntrypoints:
    def _send(self, channel: str) -> dict:
        out = self.outbound
        return sender.run_channel(self.db, self.clock, channel, out.senders, self._contact, out.settings, out.buckets)

    def _contact(self, person_ref: str):
        return self.applications.call("get_contact", person_ref=person_ref)

    @config_timer("DELIVERY_POLL_SECONDS", 0.1)
    def send_sms(self):
        self._send("sms")

    @config_timer("DELIVERY_POLL_SECONDS", 0.1)
    def send_email(self):
        self._send("email")

    @config_timer("DELIVERY_POLL_SECONDS", 0.1)
    def send_inapp(self):
        self._send("inapp")

    @config_timer("DELIVERY_POLL_SECONDS", 0.1)
    def send_webhooks(self):
        self._send("webhook")

    @config_timer("DIGEST_CHECK_SECONDS", 60.0)
    def send_staff_digest(self):
        with self.db.unit_of_work() as uow:
            digests.send_due(uow, self.clock.now(), self.outbound.settings)
            uow.commit()

    @api("GET", "/deliveries", query=schemas.DeliveryQuery, roles=roles.READ_DELIVERIES,
         response=schemas.DeliveryPage,
         summary="Search the delivery log (status=dead is the dead-letter list); recipients are masked; "
                 "page by number, or walk it by cursor (after=the next of the page before)")
    def search_deliveries(self, req):
        q = dict(req.query)
        q["event_id"] = str(q["event_id"]) if q["event_id"] else None
        return paging.read_keyset_page(self.db, q, lambda session: deliveries.search(session, **q),
                                       views.delivery_view, key="deliveries")

    @api("POST", "/deliveries/<delivery_id>/resend", roles=roles.RESEND, response=schemas.DeliveryOut,
         summary="Send a dead delivery again (a fresh retry schedule)")
    def resend_delivery(self, req):
        delivery_id = req.path["delivery_id"]
        with self.db.unit_of_work() as uow:
            row = deliveries.resend(uow, self.clock.now(), delivery_id)
            out = views.delivery_view(row)
            uow.commit()
        return out
