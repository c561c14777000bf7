"""The sender (发送): the loop that sends due deliveries, one channel per timer so a slow or
failing channel never holds up another. Each round: claim a batch (one short transaction),
send each message outside any transaction, record each outcome in its own transaction.

Contacts are asked of applications at send time (``get_contact``) and forgotten after the
send; the delivery log keeps only the masked recipient.
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass

import eventlet

from services.common.errors import Unavailable

from . import deliveries, models, subscriptions
from .channels import Message, SendFailed, masked

log = logging.getLogger(__name__)
WEBHOOK_CONCURRENCY = 20  # subscribers are sent to side by side: one slow endpoint waits alone


@dataclass(frozen=True)
class Claimed:
    """A claimed delivery, detached from its session."""

    id: str
    event_id: str
    event_type: str
    channel: str
    person_ref: str | None
    subscription_id: str | None
    target: str
    subject: str
    body: str
    attempts: int


def run_channel(db, clock, channel: str, senders: dict, contacts, settings, buckets: dict,
                rng: random.Random | None = None) -> dict:
    """Send what is due on ``channel``; returns counts by outcome (for logs and tests)."""
    rng = rng or random.Random()
    with db.unit_of_work() as uow:
        batch = [_detach(d) for d in deliveries.claim_due(uow, clock.now(), channel, settings.batch,
                                                          settings.lease_seconds)]
        uow.commit()
    counts: dict[str, int] = {}
    bucket = buckets.get(channel)
    todo = []
    for item in batch:
        if bucket is not None and not bucket.take(time.monotonic()):
            with db.unit_of_work() as uow:  # over the channel's rate: back to the queue
                deliveries.release(uow, item.id)
                uow.commit()
            counts["rate_limited"] = counts.get("rate_limited", 0) + 1
            continue
        todo.append(item)

    def one(item):
        outcome = send_one(db, clock, item, senders, contacts, settings, rng)
        counts[outcome] = counts.get(outcome, 0) + 1

    if channel == "webhook":
        pool = eventlet.GreenPool(WEBHOOK_CONCURRENCY)
        for item in todo:
            pool.spawn_n(one, item)
        pool.waitall()
    else:
        for item in todo:
            one(item)
    return counts


def _detach(d: models.Delivery) -> Claimed:
    return Claimed(d.id, d.event_id, d.event_type, d.channel, d.person_ref, d.subscription_id, d.target,
                   d.subject, d.body, d.attempts)


def send_one(db, clock, item: Claimed, senders: dict, contacts, settings, rng) -> str:
    """Send one delivery and record the outcome; returns it (sent, retry, dead, skipped)."""
    if item.channel == "inapp":
        with db.unit_of_work() as uow:
            deliveries.deliver_inapp(uow, clock.now(), uow.session.get(models.Delivery, item.id))
            uow.commit()
        return "sent"
    try:
        message, shown = _message(db, item, contacts, settings)
    except _Skip as skip:
        with db.unit_of_work() as uow:
            if skip.dead:
                status = deliveries.mark_failed(uow, clock.now(), _row(uow, item), skip.reason, retry=False,
                                                policy=settings.retry[item.channel], draw=0.0)
            else:
                deliveries.mark_skipped(uow, clock.now(), item.id, skip.reason)
                status = "skipped"
            uow.commit()
        return status
    except Unavailable as exc:  # applications did not answer: try again later
        return _failed(db, clock, item, str(exc), True, None, None, settings, rng)
    try:
        provider_id = senders[item.channel].send(message)
    except SendFailed as exc:
        return _failed(db, clock, item, str(exc), exc.retry, exc.retry_after, shown, settings, rng, gone=exc.gone)
    except Exception as exc:  # noqa: BLE001 - a channel's surprise is a failed attempt, not a stuck sender
        log.exception("delivery %s on %s failed unexpectedly", item.id, item.channel)
        return _failed(db, clock, item, f"unexpected: {type(exc).__name__}", True, None, shown, settings, rng)
    with db.unit_of_work() as uow:
        deliveries.mark_sent(uow, clock.now(), item.id, shown, provider_id)
        uow.commit()
    log.info("delivery %s of event %s sent on %s to %s", item.id, item.event_id, item.channel, shown)
    return "sent"


class _Skip(Exception):
    def __init__(self, reason: str, dead: bool = False):
        super().__init__(reason)
        self.reason, self.dead = reason, dead


def _row(uow, item):
    return uow.session.get(models.Delivery, item.id)


def _message(db, item: Claimed, contacts, settings) -> tuple[Message, str]:
    if item.target.startswith("staff:"):  # the staff digest goes to the district office's mailbox
        if not settings.staff_email:
            raise _Skip("no STAFF_DIGEST_EMAIL configured")
        return Message(item.id, item.event_id, "email", settings.staff_email, item.subject, item.body), \
            settings.staff_email
    if item.channel == "webhook":
        with db.read() as session:
            sub = session.get(models.Subscription, item.subscription_id)
            if sub is None or sub.status != "active":
                raise _Skip(f"subscription {sub.status if sub else 'deleted'}", dead=sub is not None)
            secrets, url = json.loads(sub.secrets), sub.url
        return Message(item.id, item.event_id, "webhook", url, "", item.body, secrets), url
    try:
        contact = contacts(item.person_ref)
    except Unavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - applications not running, or its error: ask again later
        raise Unavailable(f"contacts: {type(exc).__name__}: {exc}") from None
    if not contact:
        raise _Skip("no contact on file for this person")
    address = contact.get("phone") if item.channel == "sms" else contact.get("email")
    if not address:
        raise _Skip(f"no {'phone' if item.channel == 'sms' else 'e-mail address'} on file")
    message = Message(item.id, item.event_id, item.channel, address, item.subject, item.body)
    return message, masked(item.channel, address)


def _failed(db, clock, item, error, retry, retry_after, shown, settings, rng, gone=False) -> str:
    now = clock.now()
    with db.unit_of_work() as uow:
        status = deliveries.mark_failed(uow, now, _row(uow, item), error, retry=retry and not gone,
                                        policy=settings.retry[item.channel], draw=rng.random(),
                                        recipient_masked=shown, retry_after=retry_after)
        if item.channel == "webhook" and gone:
            subscriptions.set_status(uow, now, item.subscription_id, "disabled", "the endpoint answered 410 Gone")
        elif item.channel == "webhook" and status == "dead" and retry:
            subscriptions.set_status(uow, now, item.subscription_id, "suspended",
                                     f"retries exhausted on event {item.event_id}")
        if status == "dead":
            uow.publish("notification.failed", {"delivery_id": item.id, "event_id": item.event_id,
                                                "event_type": item.event_type, "channel": item.channel,
                                                "subscription_id": item.subscription_id,
                                                "attempts": item.attempts + 1, "reason": error[:300]})
        uow.commit()
    log.warning("delivery %s of event %s on %s failed (%s): %s", item.id, item.event_id, item.channel,
                status, error)
    return "dead" if status == "dead" else "retry"
