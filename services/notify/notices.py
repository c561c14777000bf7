"""The public notice board (公示栏): entries made from other services' events."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from . import models
from .domain.notices import fund_received_notice


def publish_fund_flow(uow, now: datetime, source_event_id: str, data: dict) -> models.PublicNotice:
    """A fund receipt as a public fund-flow notice (资金流向公开); publishes ``notice.published``."""
    title, body = fund_received_notice(**data)
    notice = models.PublicNotice(id=str(uuid.uuid4()), kind="fund_flow", title=title, body=body,
                                 source_event_id=source_event_id, published_at=now)
    uow.session.add(notice)
    uow.publish("notice.published", {"notice_id": notice.id, "kind": notice.kind, "title": title,
                                     "source_event_id": source_event_id})
    return notice


def latest_notices(session, kind: str | None, limit: int) -> list[models.PublicNotice]:
    stmt = select(models.PublicNotice).order_by(models.PublicNotice.published_at.desc())
    if kind:
        stmt = stmt.where(models.PublicNotice.kind == kind)
    return list(session.scalars(stmt.limit(limit)))
