"""The finance nameko service (资金与贷款; a skeleton: fund receipts — the ledger comes with its
issue). Its modules (services/README.md):

- funds.py                 use cases: fund receipts
- entrypoints/funds.py     FundsEntrypoints: POST /fund-receipts
- roles.py, errors.py, schemas.py, models.py, domain/funds.py (the fund sources)
"""

from __future__ import annotations

from services.common.clock import Clock
from services.common.db import Database
from services.common.service import PlatformService

from . import errors, models
from .entrypoints.funds import FundsEntrypoints


class FinanceService(FundsEntrypoints, PlatformService):
    name = "finance"
    error_status = errors.STATUS
    db = Database(models.metadata)
    clock = Clock()
