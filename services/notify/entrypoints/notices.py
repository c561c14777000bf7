"""The notice board (公示栏): fed by other services' events, read by the public as JSON or as a
Chinese HTML page (the same path: a browser asking for text/html gets the page, or ?format=html).

The public ingress serves notify's /public/notices (deploy/base/ingress/public.yaml);
applications' own /public/notices (its notice list) stays on the internal network: the board
is notify's (docs/notify.md)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from services.common.errors import Unavailable
from services.common.events.inbox import inbox_handler
from services.common.http import api

from .. import board_page, notices, schemas, views


class NoticesEntrypoints:
    @inbox_handler("finance", "fund.received", schema=schemas.FundReceivedIn)
    def on_fund_received(self, event):
        with self.db.unit_of_work() as uow:
            notices.publish_fund_flow(uow, self.clock.now(), event.event_id, event.data)
            uow.commit()

    @api("GET", "/public/notices", query=schemas.NoticeListQuery, public=True, response=schemas.NoticePage,
         other_content={"text/html": {"type": "string", "description": "the board as a page (Chinese)"}},
         summary="The public notice board (公示栏): notices on the board today, newest first; as an HTML page "
                 "(Chinese, no JavaScript) for a browser asking for text/html or with format=html")
    def list_notices(self, req):
        q = req.query
        today = self.clock.today()
        with self.db.read() as session:
            rows = notices.latest_notices(session, q["kind"], q["limit"],
                                          today=None if q.get("period") == "all" else today)
        if not _wants_html(q.get("format"), req.headers.get("Accept", "")):
            return {"notices": [views.notice_view(n) for n in rows]}
        try:
            report = self.finance.call("fund_flow_report", timeout=2.0)
        except Unavailable:
            report = None  # the page still shows the notices; it says the report is unavailable
        html = board_page.render(rows, report, self.config.get("DISTRICT", ""), today)
        return Response(html, status=200, content_type="text/html; charset=utf-8")


def _wants_html(fmt: str | None, accept: str) -> bool:
    if fmt:
        return fmt == "html"
    first = accept.split(",")[0].strip().lower()
    return first.startswith("text/html")
