"""Webhook subscriptions (订阅) of other government systems, per Standard Webhooks.

A subscriber registers a URL and the event types it wants (known types only) and receives its
secret once. It gets only those types, as signed POSTs of the envelope without personal keys.
410 disables the subscription; retries exhausted suspend it (the operator is told by
``notification.failed`` and re-activates it). A rotation adds a new secret and keeps the old
one signing too until the operator drops it, so the subscriber can switch without a gap.
Secrets are stored sealed (sealing.py); the use cases that touch them take the vault.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy import select

from . import catalogue, models
from .domain.webhook_signing import WebhookRejected, check_destination, secret_from_bytes
from .sealing import SecretVault

MAX_SECRETS = 2
STATUSES = ("active", "disabled", "suspended")


class SubscriptionNotFound(LookupError):
    def __init__(self, subscription_id: str):
        super().__init__(f"no subscription {subscription_id}")
        self.field = "subscription_id"


def register(uow, now: datetime, *, name: str, url: str, event_types: list[str], author: str,
             secret_bytes: bytes, addresses: list[str], allowed_hosts: frozenset[str],
             vault: SecretVault) -> tuple[models.Subscription, str]:
    """A new active subscription and its secret (shown once). ``addresses`` is what the URL's
    host resolved to (the entrypoint resolves; the rule is in domain/webhook_signing.py)."""
    unknown = sorted(t for t in event_types if catalogue.event_type(t) is None)
    if unknown:
        raise WebhookRejected(f"unknown event type(s): {', '.join(unknown)}", "event_types")
    if not event_types:
        raise WebhookRejected("at least one event type", "event_types")
    check_destination(url, addresses, allowed_hosts)
    secret = secret_from_bytes(secret_bytes)
    sub = models.Subscription(id=str(uuid.uuid4()), name=name, url=url,
                              event_types=json.dumps(sorted(set(event_types))), secrets=vault.seal([secret]),
                              status="active", status_reason=None, author=author, created_at=now)
    uow.session.add(sub)
    return sub, secret


def get(session, subscription_id: str) -> models.Subscription:
    sub = session.get(models.Subscription, subscription_id)
    if sub is None:
        raise SubscriptionNotFound(subscription_id)
    return sub


def rotate_secret(uow, now: datetime, subscription_id: str, secret_bytes: bytes, vault: SecretVault) -> str:
    sub = get(uow.session, subscription_id)
    secret = secret_from_bytes(secret_bytes)
    sub.secrets = vault.seal([secret, *vault.open(sub.secrets)][:MAX_SECRETS])
    return secret


def drop_old_secrets(uow, now: datetime, subscription_id: str, vault: SecretVault) -> None:
    sub = get(uow.session, subscription_id)
    sub.secrets = vault.seal(vault.open(sub.secrets)[:1])


def secret_count(sub: models.Subscription, vault: SecretVault) -> int:
    return len(vault.open(sub.secrets))


def reseal_all(uow, now: datetime, vault: SecretVault) -> int:
    """Every subscription's secrets sealed again under the vault's first key: the middle step of
    a key rotation, and how rows written before sealing existed get sealed. Returns the count."""
    subs = all_subscriptions(uow.session)
    for sub in subs:
        sub.secrets = vault.reseal(sub.secrets)
    return len(subs)


def set_status(uow, now: datetime, subscription_id: str, status: str, reason: str | None) -> None:
    if status not in STATUSES:
        raise WebhookRejected(f"status must be one of {', '.join(STATUSES)}", "status")
    sub = get(uow.session, subscription_id)
    sub.status, sub.status_reason = status, reason


def all_subscriptions(session) -> list[models.Subscription]:
    return list(session.scalars(select(models.Subscription).order_by(models.Subscription.created_at)))
