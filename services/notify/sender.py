"""The sender (发送): the loop that sends due deliveries, one channel per timer so a slow or
failing channel never holds up another. Each round: claim a batch (one short transaction),
send each message outside any transaction, record each outcome in its own transaction.

Contacts are asked of applications at send time (``get_contact``) and forgotten after the
send; the delivery log keeps only the masked recipient.
"""

from __future__ import annotations

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
# Messages of a batch go side by side too: each waits mostly on the contact RPC and the
# gateway, so a sequential batch was bound by round trips (bench/notify_pipeline.py).
SEND_CONCURRENCY = 10


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
    """Send what is due on ``channel``; returns counts by outcome (for logs and tests).

    SMS, e-mail and in-app outcomes of a batch are recorded in one transaction after the batch
    (a commit per message cost more than the send); should the sender die in between, the
    lease runs out and the batch goes again — at least once, with the delivery id as the
    gateway's client reference and in the e-mail's Message-ID for the receiver's dedup.
    Webhooks, sent side by side and slow, record each outcome as it comes."""
    rng = rng or random.Random()
    with db.unit_of_work() as uow:
        batch = [_detach(d) for d in deliveries.claim_due(uow, clock.now(), channel, settings.batch,
                                                          settings.lease_seconds)]
        uow.commit()
    counts: dict[str, int] = {}
    bucket = buckets.get(channel)
    todo, over = [], []
    for item in batch:
        if bucket is not None and not bucket.take(time.monotonic()):
            over.append(item.id)  # over the channel's rate: back to the queue
            continue
        todo.append(item)
    if over:
        with db.unit_of_work() as uow:
            for delivery_id in over:
                deliveries.release(uow, delivery_id)
            uow.commit()
        counts["rate_limited"] = len(over)
    record = _Recorder(db, immediate=channel == "webhook")

    def one(item):
        outcome = send_one(db, clock, item, senders, contacts, settings, rng, record)
        counts[outcome] = counts.get(outcome, 0) + 1

    pool = eventlet.GreenPool(WEBHOOK_CONCURRENCY if channel == "webhook" else SEND_CONCURRENCY)
    for item in todo:
        pool.spawn_n(one, item)
    pool.waitall()
    record.flush()
    return counts


class _Recorder:
    """Writes outcomes: at once (webhooks), or all of a batch in one transaction."""

    def __init__(self, db, immediate: bool):
        self.db, self.immediate, self.pending = db, immediate, []

    def __call__(self, write) -> None:
        if self.immediate:
            with self.db.unit_of_work() as uow:
                write(uow)
                uow.commit()
        else:
            self.pending.append(write)

    def flush(self) -> None:
        if self.pending:
            with self.db.unit_of_work() as uow:
                for write in self.pending:
                    write(uow)
                uow.commit()
            self.pending = []


def _detach(d: models.Delivery) -> Claimed:
    return Claimed(d.id, d.event_id, d.event_type, d.channel, d.person_ref, d.subscription_id, d.target,
                   d.subject, d.body, d.attempts)


def send_one(db, clock, item: Claimed, senders: dict, contacts, settings, rng, record=None) -> str:
    """Send one delivery and record the outcome; returns it (sent, retry, dead, skipped)."""
    record = record or _Recorder(db, immediate=True)
    now = clock.now()
    if item.channel == "inapp":
        record(lambda uow: deliveries.deliver_inapp(uow, now, item))
        return "sent"
    try:
        message, shown = _message(db, item, contacts, settings)
    except _Skip as skip:
        reason = skip.reason  # the exception's name is unbound after the except block
        if skip.dead:
            record(lambda uow: deliveries.mark_failed(uow, now, _row(uow, item), reason, retry=False,
                                                      policy=settings.retry[item.channel], draw=0.0))
            return "dead"
        record(lambda uow: deliveries.mark_skipped(uow, now, item.id, reason))
        return "skipped"
    except Unavailable as exc:  # applications did not answer: try again later
        return _failed(record, now, item, str(exc), True, None, None, settings, rng)
    try:
        provider_id = senders[item.channel].send(message)
    except SendFailed as exc:
        return _failed(record, now, item, str(exc), exc.retry, exc.retry_after, shown, settings, rng, gone=exc.gone)
    except Exception as exc:  # noqa: BLE001 - a channel's surprise is a failed attempt, not a stuck sender
        log.exception("delivery %s on %s failed unexpectedly", item.id, item.channel)
        return _failed(record, now, item, f"unexpected: {type(exc).__name__}", True, None, shown, settings, rng)
    record(lambda uow: deliveries.mark_sent(uow, now, item.id, shown, provider_id))
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
            sealed, url = sub.secrets, sub.url
        return Message(item.id, item.event_id, "webhook", url, "", item.body, sealed), url
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


def _failed(record, now, item, error, retry, retry_after, shown, settings, rng, gone=False) -> str:
    policy = settings.retry[item.channel]
    draw = rng.random()
    # what mark_failed will decide, known now so the caller's count is right before the write
    dies = not (retry and not gone) or policy.wait_after(item.attempts + 1, draw, retry_after) is None

    def write(uow):
        status = deliveries.mark_failed(uow, now, _row(uow, item), error, retry=retry and not gone, policy=policy,
                                        draw=draw, recipient_masked=shown, retry_after=retry_after)
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

    record(write)
    log.warning("delivery %s of event %s on %s failed (%s): %s", item.id, item.event_id, item.channel,
                "dead" if dies else "will retry", error)
    return "dead" if dies else "retry"
