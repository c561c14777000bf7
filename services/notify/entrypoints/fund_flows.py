"""The public fund-flow page (资金流向公开): finance's report, fetched over RPC when asked (a
query: a copy kept here could be stale) and rendered for the board."""

from __future__ import annotations

from services.common.errors import BadRequest
from services.common.http import api

from .. import schemas
from ..domain.notices import fund_flow_lines


class FundFlowsEntrypoints:
    @api("GET", "/public/fund-flows", query=schemas.FundFlowQuery, public=True,
         summary="The public fund-flow report (资金流向公开) as the board shows it, from finance")
    def public_fund_flows(self, req):
        q = req.query
        if q["from"] and q["to"] and q["from"] > q["to"]:
            raise BadRequest("from is after to", errors={"from": ["must not be after to"]})
        report = self.finance.call("fund_flow_report", date_from=q["from"] and q["from"].isoformat(),
                                   date_to=q["to"] and q["to"].isoformat())
        return {"title": "资金流向公开", "lines": fund_flow_lines(report), "report": report}
