"""The notice board: fed by finance's events, read by the public."""

from __future__ import annotations

from services.common.events.inbox import inbox_handler
from services.common.http import api

from .. import notices, schemas, views


class NoticesEntrypoints:
    @inbox_handler("finance", "fund.received", schema=schemas.FundReceivedIn)
    def on_fund_received(self, event):
        with self.db.unit_of_work() as uow:
            notices.publish_fund_flow(uow, self.clock.now(), event.event_id, event.data)
            uow.commit()

    @api("GET", "/public/notices", query=schemas.NoticeListQuery, public=True,
         summary="The public notice board (公示栏), newest first")
    def list_notices(self, req):
        with self.db.read() as session:
            rows = notices.latest_notices(session, req.query["kind"], req.query["limit"])
            return {"notices": [views.notice_view(n) for n in rows]}
