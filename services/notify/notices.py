"""The public notice board (公示栏): entries made from other services' events, each published
as ``notice.published``. Approvals come from ``application.notice_started`` (the 公示 of an
application that passed review), allocation results from ``round.drawn``, fund flows from
``fund.received`` (and the live report from finance, fetched when the page is read)."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from . import models
from .domain.board import PROGRAMME_LABELS, NoticeText, allocation_notice, approval_notice
from .domain.notices import fund_received_notice

ZONE = ZoneInfo("Asia/Shanghai")
BOARD_TYPES = ("application.notice_started", "round.drawn")


def publish_fund_flow(uow, now: datetime, source_event_id: str, data: dict) -> models.PublicNotice:
    """A fund receipt as a public fund-flow notice (资金流向公开); publishes ``notice.published``."""
    title, body = fund_received_notice(**data)
    return _publish(uow, now, source_event_id, NoticeText("fund_flow", title, body, None, None, {}), None)


def publish_from_event(uow, now: datetime, event, *, allocation_days: int, objection_url: str) -> None:
    """The board's entry for an event of BOARD_TYPES (nothing for other types)."""
    d = event.data
    if event.event_type == "application.notice_started":
        text = approval_notice(
            name_masked=d["name_masked"], enterprise=d["enterprise"],
            programme_label=PROGRAMME_LABELS.get(d["programme"], d["programme"]), points=str(d["points"]),
            starts=_local_date(d["notice_started_at"]), ends=_local_date(d["notice_ends_at"]),
            application_id=d["application_id"])
        _publish(uow, now, event.event_id, text, objection_url.format(application_id=d["application_id"]))
    elif event.event_type == "round.drawn":
        text = allocation_notice(
            round_id=d["round_id"], programme_label=PROGRAMME_LABELS.get(d["programme"], d["programme"]),
            commitment=d["commitment"], secret_hex=d["secret_hex"], public_values=d["public_values"],
            combination_rule=d["combination_rule"], seed_hex=d["seed_hex"], results_digest=d["results_digest"],
            matched=d["matched"], waitlisted=d["waitlisted"],
            export_path=d.get("public_export_path") or f"/public/rounds/{d['round_id']}/export",
            on=now.astimezone(ZONE).date(), days=allocation_days)
        _publish(uow, now, event.event_id, text, None)


def _local_date(text) -> date:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00")).astimezone(ZONE).date()


def _publish(uow, now, source_event_id, text: NoticeText, objection_url) -> models.PublicNotice:
    notice = models.PublicNotice(id=str(uuid.uuid4()), kind=text.kind, title=text.title[:200], body=text.body,
                                 source_event_id=source_event_id, published_at=now, start_on=text.start_on,
                                 end_on=text.end_on, content=json.dumps(text.content, ensure_ascii=False),
                                 objection_url=objection_url)
    uow.session.add(notice)
    uow.publish("notice.published", {"notice_id": notice.id, "kind": notice.kind, "title": notice.title,
                                     "source_event_id": source_event_id})
    return notice


def latest_notices(session, kind: str | None, limit: int, today: date | None = None) -> list[models.PublicNotice]:
    """Newest first; with ``today``, only the notices on the board that day (first to last day)."""
    stmt = select(models.PublicNotice).order_by(models.PublicNotice.published_at.desc())
    if kind:
        stmt = stmt.where(models.PublicNotice.kind == kind)
    if today is not None:
        stmt = stmt.where(or_(models.PublicNotice.start_on.is_(None), models.PublicNotice.start_on <= today),
                          or_(models.PublicNotice.end_on.is_(None), models.PublicNotice.end_on >= today))
    return list(session.scalars(stmt.limit(limit)))
