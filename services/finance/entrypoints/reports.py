"""The public fund-flow report (资金流向公开): JSON and CSV for anyone, and over RPC for notify."""

from __future__ import annotations

from datetime import date

from nameko.rpc import rpc
from werkzeug.wrappers import Response

from services.common.errors import BadRequest
from services.common.http import api

from .. import reports, schemas


def _period(date_from: date | None, date_to: date | None, today: date) -> tuple[date, date]:
    date_to = date_to or today
    date_from = date_from or date(date_to.year, 1, 1)
    if date_from > date_to:
        raise BadRequest("from is after to", errors={"from": ["must not be after to"]})
    return date_from, date_to


class ReportsEntrypoints:
    @api("GET", "/public/fund-flows", query=schemas.ReportQuery, public=True, response=schemas.ReportOut,
         summary="Public fund-flow report (资金流向公开): per source and fund, received, disbursed, balance")
    def public_fund_flows(self, req):
        date_from, date_to = _period(req.query["date_from"], req.query["date_to"], self.clock.today())
        with self.db.read() as s:
            return reports.fund_flow_report(s, self.config["DISTRICT"], date_from, date_to)

    @api("GET", "/public/fund-flows.csv", query=schemas.ReportQuery, public=True,
         summary="The public fund-flow report as CSV (UTF-8 with BOM, yuan as plain decimals)")
    def public_fund_flows_csv(self, req):
        date_from, date_to = _period(req.query["date_from"], req.query["date_to"], self.clock.today())
        with self.db.read() as s:
            data = reports.fund_flow_report(s, self.config["DISTRICT"], date_from, date_to)
        name = f"fund-flows-{data['district']}-{date_from.isoformat()}-{date_to.isoformat()}.csv"
        return Response("\ufeff" + reports.as_csv(data), status=200, content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @rpc
    def fund_flow_report(self, date_from: str | None = None, date_to: str | None = None) -> dict:
        """The same report for notify's public page (RPC: a query, DESIGN §2)."""
        date_from, date_to = _period(date.fromisoformat(date_from) if date_from else None,
                                     date.fromisoformat(date_to) if date_to else None, self.clock.today())
        with self.db.read() as s:
            return reports.fund_flow_report(s, self.config["DISTRICT"], date_from, date_to)
