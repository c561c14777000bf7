"""The allocation nameko service (房源与分配), composed of its entrypoint classes.

- entrypoints/  one class per capability (StockEntrypoints ... FeedbackEntrypoints): parse,
                read the clock, call a use case, reply; uploads.py: the CSV upload endpoint
- stock.py      use cases: projects, units (JSON and CSV import, one id form), maintenance
                status (staff set only vacant <-> maintenance), project and unit lists
- pool.py       the pool read model fed by applications' events
- rounds.py     open / draw / export rounds (staff, and public once drawn); announcing drawn
                offers in batches; round lists
- offers.py     accept / decline / expire, move-in; offer lists
- waitlist.py   轮候: a freed unit to the next fitting waitlisted applicant
- tenancies.py  move-out, scheduled ends, violations (+ finance's rent.overdue), occupancy;
                tenancy and violation lists
- feedback.py   complaints, satisfaction, service report; complaint lists
- repository.py rows <-> domain values, race-guarded status changes, paging, a round's
                inputs digest, the draw's bulk statements
- snapshots.py  a round's frozen pool and units (columnar JSON)
- payloads.py   the offer events' data;  views.py  replies as the API shows them
- settings.py   policies from config.yaml;  roles.py  who may do what (writes: DISTRICT_OPS);
                errors.py  STATUS (the service's error_status)
- schemas.py    requests, queries, replies (…Out) and event contracts;  models.py;  domain/
                (the rules in plain Python)
"""

from __future__ import annotations

from services.common.clock import Clock
from services.common.db import Database
from services.common.service import PlatformService

from . import errors, gauges, models
from .entrypoints.feedback import FeedbackEntrypoints
from .entrypoints.offers import OffersEntrypoints
from .entrypoints.pool import PoolEntrypoints
from .entrypoints.rounds import RoundsEntrypoints
from .entrypoints.stock import StockEntrypoints
from .entrypoints.tenancies import TenanciesEntrypoints


class AllocationService(StockEntrypoints, PoolEntrypoints, RoundsEntrypoints, OffersEntrypoints,
                        TenanciesEntrypoints, FeedbackEntrypoints, PlatformService):
    name = "allocation"
    error_status = errors.STATUS
    db = Database(models.metadata)
    clock = Clock()
    state_gauges = (gauges.refresh,)  # business gauges on /metrics (gauges.py)
