"""A worker's own side of notify: their in-app messages (站内信) and their channel preferences
(opt-outs). The worker's token names them (subject = their person_ref); nothing here takes a
person from the request, so no one reads or changes another's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from . import models
from .domain.routing import PERSON_CHANNELS


class MessageNotFound(LookupError):
    def __init__(self, message_id: str):
        super().__init__(f"no message {message_id} in your inbox")
        self.field = "message_id"


def messages(session, person_ref: str, unread_only: bool, limit: int) -> list[models.InboxMessage]:
    stmt = select(models.InboxMessage).where(models.InboxMessage.person_ref == person_ref)
    if unread_only:
        stmt = stmt.where(models.InboxMessage.read_at.is_(None))
    return list(session.scalars(stmt.order_by(models.InboxMessage.created_at.desc(), models.InboxMessage.id)
                                .limit(limit)))


def mark_read(uow, now: datetime, person_ref: str, message_id: str) -> models.InboxMessage:
    """Mark one of the worker's own messages read (another's is 'not found': its existence is
    not theirs to learn). Marking twice keeps the first time."""
    row = uow.session.get(models.InboxMessage, message_id)
    if row is None or row.person_ref != person_ref:
        raise MessageNotFound(message_id)
    if row.read_at is None:
        row.read_at = now
    return row


def opted_out(session, person_ref: str) -> list[str]:
    return sorted(session.scalars(select(models.OptOut.channel).where(models.OptOut.person_ref == person_ref)))


def set_opt_outs(uow, now: datetime, person_ref: str, channels: list[str]) -> list[str]:
    """Replace the worker's opt-outs. Critical messages (arrears, revocation, allocation
    results) still come on every routed channel."""
    wanted = sorted(set(channels))
    assert set(wanted) <= set(PERSON_CHANNELS)  # the schema refuses others
    uow.session.execute(delete(models.OptOut).where(models.OptOut.person_ref == person_ref))
    uow.session.add_all(models.OptOut(person_ref=person_ref, channel=ch, created_at=now) for ch in wanted)
    return wanted
