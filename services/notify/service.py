"""The notify nameko service (通知与公示; a skeleton: the public fund-flow board fed by
finance's events). Its modules (services/README.md):

- notices.py                use cases: notices made from events, the board's query
- entrypoints/notices.py    NoticesEntrypoints: fund.received handler, GET /public/notices
- entrypoints/fund_flows.py FundFlowsEntrypoints: GET /public/fund-flows (finance's report over RPC)
- views.py                  a notice as the board shows it
- roles.py, errors.py, schemas.py, models.py, domain/notices.py (the notice texts)
"""

from __future__ import annotations

from services.common.clock import Clock
from services.common.db import Database
from services.common.rpc import TimedRpc
from services.common.service import PlatformService

from . import errors, models
from .entrypoints.fund_flows import FundFlowsEntrypoints
from .entrypoints.notices import NoticesEntrypoints


class NotifyService(NoticesEntrypoints, FundFlowsEntrypoints, PlatformService):
    name = "notify"
    error_status = errors.STATUS
    db = Database(models.metadata)
    clock = Clock()
    finance = TimedRpc("finance", timeout=5.0)
