"""The board as an HTML page (公示栏): Chinese, readable on a phone, no JavaScript. The page's
template is data (data/board.html.j2), rendered with auto-escaping: every text from an event
is escaped; only the server-drawn SVG chart is inserted as markup."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from jinja2 import Environment, StrictUndefined

from . import models
from .domain.board import fund_flow_svg
from .domain.notices import fund_flow_lines

PAGE = Path(__file__).with_name("data") / "board.html.j2"


@functools.cache
def _template():
    env = Environment(autoescape=True, undefined=StrictUndefined)
    return env.from_string(PAGE.read_text(encoding="utf-8"))


def notice_facts(n: models.PublicNotice) -> dict:
    return {"id": n.id, "kind": n.kind, "title": n.title, "body": n.body,
            "start_on": n.start_on.isoformat() if n.start_on else None,
            "end_on": n.end_on.isoformat() if n.end_on else None,
            "content": json.loads(n.content) if n.content else {}, "objection_url": n.objection_url}


def render(notices: list[models.PublicNotice], fund_flow: dict | None, district: str, today) -> str:
    facts = [notice_facts(n) for n in notices]
    by_kind = {k: [f for f in facts if f["kind"] == k] for k in ("allocation_result", "approval", "fund_flow")}
    chart = fund_flow_svg(fund_flow["sources"]) if fund_flow else ""
    return _template().render(district=district, today=today.isoformat(), allocation=by_kind["allocation_result"],
                              approval=by_kind["approval"], fund=by_kind["fund_flow"], fund_flow=fund_flow,
                              chart=chart, fund_lines=fund_flow_lines(fund_flow) if fund_flow else [])
