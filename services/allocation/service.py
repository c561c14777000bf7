"""The allocation nameko service (房源与分配): one service class composed of its endpoint
groups, each in a module named for its part of the domain:

- stock.py      projects, units (JSON and CSV import), maintenance status
- pool.py       the pool read model fed by applications' events; GET /pool
- rounds.py     open / draw / export rounds; announcing drawn offers in batches
- offers.py     accept / decline / expire (waitlist promotion), move-in
- tenancies.py  move-out, scheduled ends, violations (+ finance's rent.overdue), occupancy
- quality.py    complaints, satisfaction, service report
"""

from __future__ import annotations

from services.common.db import Database
from services.common.service import PlatformService

from . import models
from .domain.lottery import LotteryError
from .offers import OffersEndpoints
from .pool import PoolHandlers
from .quality import QualityEndpoints
from .rounds import RoundsEndpoints
from .stock import StockEndpoints
from .tenancies import TenancyEndpoints


class AllocationService(StockEndpoints, PoolHandlers, RoundsEndpoints, OffersEndpoints, TenancyEndpoints,
                        QualityEndpoints, PlatformService):
    name = "allocation"
    error_status = {LotteryError: 422}
    db = Database(models.metadata)
