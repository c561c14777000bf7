"""The daily digest to staff (use cases): items collected from events routed to a staff queue,
summarised once a day into one e-mail delivery per queue (sent by the sender like any other)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, update

from . import models
from .domain.digest import due, summary


def collect(uow, event, queues: list[str]) -> None:
    for queue in queues:
        uow.session.add(models.DigestItem(id=str(uuid.uuid4()), queue=queue, event_id=event.event_id,
                                          event_type=event.event_type, occurred_at=event.occurred_at,
                                          digested_at=None))


def send_due(uow, now: datetime, settings) -> int:
    """Today's digests when due (once a day): one e-mail delivery per queue with items."""
    local_day = now.astimezone(settings.zone).date()
    last = uow.session.scalar(select(func.max(models.DigestRun.day)))
    if not due(now, settings.digest_at, settings.zone, last):
        return 0
    uow.session.add(models.DigestRun(day=local_day, sent_at=now))
    items = list(uow.session.scalars(select(models.DigestItem).where(models.DigestItem.digested_at.is_(None))))
    made = 0
    for queue in sorted({i.queue for i in items}):
        mine = [(i.event_type, i.occurred_at) for i in items if i.queue == queue]
        subject, body = summary(queue, mine, now, local_day)
        uow.session.add(models.Delivery(
            id=str(uuid.uuid4()), event_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"digest:{queue}:{local_day}")),
            event_type="staff.digest", channel="email", target=f"staff:{queue}", person_ref=None, subscription_id=None,
            critical=False, subject=subject[:200], body=body, status="pending", attempts=0, next_attempt_at=now,
            claimed_until=None, recipient_masked=None, provider_message_id=None, last_error=None, created_at=now,
            updated_at=now))
        made += 1
    if items:
        uow.session.execute(update(models.DigestItem).where(models.DigestItem.id.in_([i.id for i in items]))
                            .values(digested_at=now))
    return made
