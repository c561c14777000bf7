"""Deliveries (送达): made by the event handler in its own transaction, sent later by the
sender (sender.py), never on the handler's path — a slow channel or subscriber cannot stall
the consumer, and a redelivered event finds its deliveries already recorded (the inbox and the
unique (event, channel, recipient) both say so).

Statuses: ``pending`` (due at ``next_attempt_at``), ``sent``, ``dead`` (retries exhausted or
not retryable: the dead-letter list, re-sendable by staff), ``skipped`` (nothing to send to:
e.g. no contact on file).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, or_, select, update

from services.common import paging
from services.common.events.contracts import iso_utc

from . import digests, models, rendering, routing
from .domain.quiet_hours import send_at
from .domain.routing import plan

# Keys a webhook subscriber never gets (DESIGN §3: other systems get no personal data; the
# person reference is a keyed hash, but still a handle on a person).
PERSONAL_KEYS = frozenset({"person_ref", "name_masked", "id_number_masked"})


@dataclass(frozen=True, slots=True)
class RecordedDelivery:
    """A delivery as :func:`record_event` wrote it: a read-only copy of the row. Not a session
    entity: the rows go in by one INSERT, not through the ORM, so a changed attribute here
    would change nothing in the database — being frozen, it cannot be changed."""

    id: str
    event_id: str
    event_type: str
    channel: str
    target: str | None
    person_ref: str | None
    subscription_id: str | None
    critical: bool
    subject: str
    body: str
    status: str
    attempts: int
    next_attempt_at: datetime
    claimed_until: datetime | None
    recipient_masked: str | None
    provider_message_id: str | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime


class DeliveryNotFound(LookupError):
    def __init__(self, delivery_id: str):
        super().__init__(f"no delivery {delivery_id}")
        self.field = "delivery_id"


class NotDead(ValueError):
    def __init__(self, status: str):
        super().__init__(f"only a dead delivery can be re-sent (this one is {status})")
        self.field = "delivery_id"


def record_event(uow, now: datetime, event, settings) -> list[RecordedDelivery]:
    """The deliveries an event makes under the routing in force (one per channel and recipient).
    A template that cannot render this event (a provisional contract that changed) makes a dead
    delivery saying why, and the other channels still go."""
    session = uow.session
    route = routing.in_force(session, event.event_type)
    rules = route.rules
    out = []
    ref = event.data.get("person_ref")
    opted = frozenset(session.scalars(_OPTED_OUT, {"ref": ref})) if ref else frozenset()
    context = rendering.event_context(event)
    for p in plan(rules, event.data, opted):
        found = route.templates.get(p.channel)
        status, error, subject, body = "pending", None, "", ""
        try:
            if found is None:
                raise LookupError(f"no template for {event.event_type} on {p.channel}")
            _v, subject_src, body_src = found
            subject = rendering.render(subject_src, context) if subject_src else ""
            body = rendering.render(body_src, context)
        except Exception as exc:  # noqa: BLE001 - one bad template must not stop the other channels
            status, error = "dead", f"template: {exc}"[:500]
        due = now
        if p.channel == "sms" and not p.critical:
            due = send_at(now, settings.quiet_start, settings.quiet_end, settings.zone)
        out.append(_delivery(event, now, p.channel, p.person_ref, None, p.critical, subject[:200], body,
                             status, due, error))
    staff_queues = sorted({r.queue for r in rules if r.audience == "staff" and r.queue})
    if staff_queues:
        digests.collect(uow, event, staff_queues)
    if any(r.audience == "subscribers" for r in rules):
        for sub_id in subscribers_of(session, event.event_type):
            out.append(_delivery(event, now, "webhook", sub_id, sub_id, False, "", webhook_body(event),
                                 "pending", now, None))
    if out:
        # One multi-row INSERT of plain rows through a statement built once: the ORM's flush of
        # Delivery objects was a fifth of the handler's time (scripts/notify_burst.py, profiled).
        session.execute(_INSERT_DELIVERY, out)
    return [RecordedDelivery(**row) for row in out]


# Statements of the event handler's path, built once: building and coercing a statement per
# event cost more than SQLite's execution of it (scripts/notify_burst.py, profiled).
_INSERT_DELIVERY = insert(models.Delivery.__table__)
_OPTED_OUT = select(models.OptOut.channel).where(models.OptOut.person_ref == bindparam("ref"))
_ACTIVE_SUBSCRIPTIONS = select(models.Subscription.id, models.Subscription.event_types).where(
    models.Subscription.status == "active")


def _delivery(event, now, channel, target, subscription_id, critical, subject, body, status, due, error) -> dict:
    return dict(
        id=str(uuid.uuid4()), event_id=event.event_id, event_type=event.event_type, channel=channel,
        target=target, person_ref=target if subscription_id is None else None, subscription_id=subscription_id,
        critical=critical, subject=subject, body=body, status=status, attempts=0, next_attempt_at=due,
        claimed_until=None, recipient_masked=None, provider_message_id=None, last_error=error,
        created_at=now, updated_at=now)


def subscribers_of(session, event_type: str) -> list[str]:
    """The ids of the active subscriptions to ``event_type``."""
    return [sub_id for sub_id, types in session.execute(_ACTIVE_SUBSCRIPTIONS) if event_type in json.loads(types)]


def webhook_body(event) -> str:
    """The envelope as the subscriber gets it: the event, without personal keys."""
    envelope = {"event_id": event.event_id, "event_type": event.event_type, "schema_version": event.schema_version,
                "occurred_at": iso_utc(event.occurred_at), "district": event.district, "producer": event.producer,
                "data": _without_personal(event.data)}
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)


def _without_personal(value):
    if isinstance(value, dict):
        return {k: _without_personal(v) for k, v in value.items() if k not in PERSONAL_KEYS}
    if isinstance(value, list):
        return [_without_personal(v) for v in value]
    return value


# -- the sender's side ---------------------------------------------------------------------

def claim_due(uow, now: datetime, channel: str, limit: int, lease_seconds: float) -> list:
    """Up to ``limit`` due pending deliveries of ``channel`` (rows with the Delivery columns as
    attributes), leased to this sender (a second sender — another replica — skips leased rows;
    a crashed sender's lease runs out)."""
    session = uow.session
    candidates = session.scalars(_DUE, {"b_channel": channel, "b_now": now, "b_limit": limit}).all()
    if not candidates:
        return []
    lease = now + timedelta(seconds=lease_seconds)
    # one statement leases the batch; the guard repeats the conditions, so rows another sender
    # leased in between are not returned (and not sent twice)
    claimed = session.scalars(_LEASE, {"b_ids": candidates, "b_now": now, "b_lease": lease}).all()
    if not claimed:
        return []
    return list(session.execute(_CLAIMED, {"b_ids": claimed}))


# The senders' statements, built once: four timers poll ten times a second each, and building
# these per poll — the ORM's UPDATE also evaluating its criteria against the session — cost
# more than running them (scripts/notify_burst.py, profiled). Core statements on the table.
_DELIVERIES = models.Delivery.__table__
_FREE = or_(_DELIVERIES.c.claimed_until.is_(None), _DELIVERIES.c.claimed_until < bindparam("b_now"))
_DUE = (select(_DELIVERIES.c.id)
        .where(_DELIVERIES.c.status == "pending", _DELIVERIES.c.channel == bindparam("b_channel"),
               _DELIVERIES.c.next_attempt_at <= bindparam("b_now"), _FREE)
        .order_by(_DELIVERIES.c.next_attempt_at).limit(bindparam("b_limit")))
_LEASE = (update(_DELIVERIES)
          .where(_DELIVERIES.c.id.in_(bindparam("b_ids", expanding=True)), _DELIVERIES.c.status == "pending", _FREE)
          .values(claimed_until=bindparam("b_lease")).returning(_DELIVERIES.c.id))
_CLAIMED = (select(_DELIVERIES).where(_DELIVERIES.c.id.in_(bindparam("b_ids", expanding=True)))
            .order_by(_DELIVERIES.c.next_attempt_at))


def mark_sent(uow, now: datetime, delivery_id: str, recipient_masked: str | None, provider_id: str | None) -> None:
    uow.session.execute(_MARK_SENT, {"b_id": delivery_id, "b_masked": recipient_masked,
                                     "b_provider": (provider_id or "")[:200], "b_now": now})


# The sender records every sent delivery with these: built once, not per message (building the
# UPDATE cost more than SQLite's running it; scripts/notify_burst.py, profiled).
_MARK_SENT = update(_DELIVERIES).where(_DELIVERIES.c.id == bindparam("b_id")).values(
    status="sent", attempts=_DELIVERIES.c.attempts + 1, recipient_masked=bindparam("b_masked"),
    provider_message_id=bindparam("b_provider"), claimed_until=None, last_error=None, updated_at=bindparam("b_now"))
_INSERT_INBOX_MESSAGE = insert(models.InboxMessage.__table__)


def mark_skipped(uow, now: datetime, delivery_id: str, reason: str) -> None:
    uow.session.execute(update(models.Delivery).where(models.Delivery.id == delivery_id).values(
        status="skipped", claimed_until=None, last_error=reason[:500], updated_at=now))


def mark_failed(uow, now: datetime, delivery: models.Delivery, error: str, *, retry: bool, policy, draw: float,
                recipient_masked: str | None = None, retry_after: float | None = None) -> str:
    """Record a failed attempt: back to ``pending`` at the policy's next time, or ``dead``.
    Returns the new status."""
    attempts = delivery.attempts + 1
    wait = policy.wait_after(attempts, draw, retry_after) if retry else None
    status = "pending" if wait is not None else "dead"
    values = dict(status=status, attempts=attempts, claimed_until=None, last_error=error[:500], updated_at=now)
    if wait is not None:
        values["next_attempt_at"] = now + timedelta(seconds=wait)
    if recipient_masked:
        values["recipient_masked"] = recipient_masked
    uow.session.execute(update(models.Delivery).where(models.Delivery.id == delivery.id).values(**values))
    return status


def release(uow, delivery_id: str) -> None:
    """Give a claimed delivery back untouched (its channel's rate limit is used up)."""
    uow.session.execute(update(models.Delivery).where(models.Delivery.id == delivery_id).values(claimed_until=None))


def deliver_inapp(uow, now: datetime, delivery) -> None:
    """``delivery``: the claimed delivery (id, person_ref, subject, body), as the sender holds
    it — not read again, a SELECT per message being most of an in-app send's cost."""
    uow.session.execute(_INSERT_INBOX_MESSAGE, {
        "id": str(uuid.uuid4()), "delivery_id": delivery.id, "person_ref": delivery.person_ref,
        "subject": delivery.subject, "body": delivery.body, "created_at": now, "read_at": None})
    mark_sent(uow, now, delivery.id, None, None)


# -- staff ---------------------------------------------------------------------------------

def resend(uow, now: datetime, delivery_id: str) -> models.Delivery:
    """A dead delivery goes again now, with a fresh retry schedule (attempts start over)."""
    row = uow.session.get(models.Delivery, delivery_id)
    if row is None:
        raise DeliveryNotFound(delivery_id)
    if row.status != "dead":
        raise NotDead(row.status)
    if row.last_error and row.last_error.startswith("template:"):
        raise NotDead("dead because its template could not render; fix the template (the event is not re-read)")
    row.status, row.attempts, row.next_attempt_at, row.claimed_until, row.updated_at = "pending", 0, now, None, now
    return row


# The log's order, newest first, ending on the id so no two rows tie: the same for a page asked
# for by number and for a walk by cursor, on the index ix_deliveries_log (created_at, id).
LOG_ORDER = (models.Delivery.created_at.desc(), models.Delivery.id.desc())


def search(session, *, event_id=None, channel=None, status=None, person_ref=None, event_type=None,
           page: int = 1, page_size: int = 50, after: paging.Cursor | None = None) -> paging.KeysetPage:
    """One page of the delivery log, newest first, by any of the filters: page ``page``, or the
    page ``after`` a cursor a page before gave. A walk by cursor reads the log as it stood when
    its first page was read, newest first: deliveries recorded since then are newer than where it
    started and are not in it (a new walk shows them); a delivery whose status changes mid-walk is
    where it was (its place is its creation), in or out of a status filter as it now stands."""
    stmt = select(models.Delivery)
    for column, value in ((models.Delivery.event_id, event_id), (models.Delivery.channel, channel),
                          (models.Delivery.status, status), (models.Delivery.person_ref, person_ref),
                          (models.Delivery.event_type, event_type)):
        if value:
            stmt = stmt.where(column == value)
    return paging.select_keyset_page(session, stmt, LOG_ORDER, page_size, page=page, after=after)
