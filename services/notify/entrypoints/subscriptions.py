"""SubscriptionEntrypoints: webhook subscribers (Standard Webhooks) registered by the operator."""

from __future__ import annotations

import secrets

from services.common.http import api

from .. import roles, schemas, subscriptions, views
from ..channels import resolve

SECRET_BYTES = 32


class SubscriptionEntrypoints:
    def _view(self, sub) -> dict:
        return views.subscription_view(sub, subscriptions.secret_count(sub, self.outbound.vault))

    @api("POST", "/subscriptions", body=schemas.SubscriptionIn, roles=roles.OPERATE, status=201,
         response=schemas.SubscriptionCreated,
         summary="Register a webhook subscriber; the reply holds its secret (shown once)")
    def create_subscription(self, req):
        b = req.body
        with self.db.unit_of_work() as uow:
            sub, secret = subscriptions.register(
                uow, self.clock.now(), name=b["name"], url=b["url"], event_types=b["event_types"],
                author=req.principal.ref, secret_bytes=secrets.token_bytes(SECRET_BYTES),
                addresses=_addresses(b["url"]), allowed_hosts=self.outbound.allowed_hosts,
                vault=self.outbound.vault)
            out = {**self._view(sub), "secret": secret}
            uow.commit()
        return out

    @api("GET", "/subscriptions", roles=roles.READ_SETUP, response=schemas.SubscriptionList,
         summary="Webhook subscribers (no secrets)")
    def list_subscriptions(self, req):
        with self.db.read() as session:
            return {"subscriptions": [self._view(s) for s in subscriptions.all_subscriptions(session)]}

    @api("POST", "/subscriptions/<subscription_id>/secrets", roles=roles.OPERATE, status=201,
         response=schemas.SecretOut,
         summary="Rotate: a new secret signs beside the old one until the old is dropped")
    def rotate_subscription_secret(self, req):
        subscription_id = req.path["subscription_id"]
        with self.db.unit_of_work() as uow:
            secret = subscriptions.rotate_secret(uow, self.clock.now(), subscription_id,
                                                 secrets.token_bytes(SECRET_BYTES), self.outbound.vault)
            uow.commit()
        return {"secret": secret}

    @api("DELETE", "/subscriptions/<subscription_id>/secrets/old", roles=roles.OPERATE,
         response=schemas.SubscriptionOut, summary="End a rotation: only the newest secret signs")
    def drop_old_subscription_secrets(self, req):
        subscription_id = req.path["subscription_id"]
        with self.db.unit_of_work() as uow:
            subscriptions.drop_old_secrets(uow, self.clock.now(), subscription_id, self.outbound.vault)
            out = self._view(subscriptions.get(uow.session, subscription_id))
            uow.commit()
        return out

    @api("PUT", "/subscriptions/<subscription_id>/status", body=schemas.SubscriptionStatusIn, roles=roles.OPERATE,
         response=schemas.SubscriptionOut, summary="Re-activate a suspended subscription, or disable one")
    def set_subscription_status(self, req):
        subscription_id = req.path["subscription_id"]
        with self.db.unit_of_work() as uow:
            subscriptions.set_status(uow, self.clock.now(), subscription_id, req.body["status"],
                                     f"set by {req.principal.ref}")
            out = self._view(subscriptions.get(uow.session, subscription_id))
            uow.commit()
        return out

    @api("POST", "/admin/subscriptions/reseal", roles=roles.OPERATE, response=schemas.ResealOut,
         summary="Seal every subscription's secrets again under the first WEBHOOK_SECRET_KEYS key "
                 "(the middle step of a key rotation)")
    def reseal_subscription_secrets(self, req):
        with self.db.unit_of_work() as uow:
            count = subscriptions.reseal_all(uow, self.clock.now(), self.outbound.vault)
            uow.commit()
        return {"resealed": count}


def _addresses(url: str) -> list[str]:
    try:
        return resolve(url)
    except Exception:  # noqa: BLE001 - a URL the resolver cannot read is judged by the rule itself
        return []
