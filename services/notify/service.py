"""The notify nameko service (skeleton: the public fund-flow board fed by finance's events)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from services.common.db import Database
from services.common.events.contracts import utc_now
from services.common.events.inbox import inbox_handler
from services.common.http import api
from services.common.service import PlatformService

from . import models, schemas
from .domain.notices import fund_received_notice


class NotifyService(PlatformService):
    name = "notify"
    db = Database(models.metadata)

    @inbox_handler("finance", "fund.received", schema=schemas.FundReceivedIn)
    def on_fund_received(self, event):
        title, body = fund_received_notice(**event.data)
        notice = models.PublicNotice(id=str(uuid.uuid4()), kind="fund_flow", title=title, body=body,
                                     source_event_id=event.event_id, published_at=utc_now())
        with self.db.unit_of_work() as uow:
            uow.session.add(notice)
            uow.publish("notice.published", {"notice_id": notice.id, "kind": notice.kind,
                                              "title": title, "source_event_id": event.event_id})
            uow.commit()

    @api("GET", "/public/notices", query=schemas.NoticeListQuery, public=True,
         summary="The public notice board (公示栏), newest first")
    def list_notices(self, req):
        stmt = select(models.PublicNotice).order_by(models.PublicNotice.published_at.desc())
        if req.query["kind"]:
            stmt = stmt.where(models.PublicNotice.kind == req.query["kind"])
        with self.db.read() as session:
            rows = session.scalars(stmt.limit(req.query["limit"])).all()
        return {"notices": [{"id": n.id, "kind": n.kind, "title": n.title, "body": n.body,
                             "published_at": n.published_at.isoformat()} for n in rows]}
