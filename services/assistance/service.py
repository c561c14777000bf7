"""The assistance nameko service (困难帮扶). Its modules (services/README.md):

- hardship.py                use cases: register, find and close hardship households
- relief.py                  relief cases approved by amount, budgets, delivery of goods
- support.py                 long-term support plans (长期帮扶) and follow-up visits
- stock.py                   in-kind stock: receipts, reservations, handovers
- relocation.py              relocation relief (回迁救助) opened on tenancy.started
- referrals.py               referrals (转介) opened on rent.overdue
- entrypoints/hardship.py    HardshipEntrypoints: /hardship-households
- entrypoints/relief.py      ReliefEntrypoints: /relief-cases, /relief-budgets, /stock
- entrypoints/support.py     SupportEntrypoints: /support-plans, /follow-ups
- entrypoints/referrals.py   ReferralEntrypoints: tenancy.started, rent.overdue, /referrals
- audit.py                   the append-only audit trail (审计留痕) of households and cases
- moving_in.py               offered or allocated but not moved in (回迁入住), from allocation's events
- reports.py                 the year's report (统计报表), aggregates only
- entrypoints/audit.py       AuditEntrypoints: /audit-trail, /reports/relief/<year>
- settings.py, views.py, roles.py, errors.py, schemas.py, models.py,
  domain/hardship.py (the categories), domain/relief.py (approval chain, duplicates, budget, stock), domain/support.py,
  domain/audit.py (field-by-field changes), domain/reports.py (medians, totals, completion)
"""

from __future__ import annotations

from services.common.clock import Clock
from services.common.db import Database
from services.common.service import PlatformService

from . import errors, gauges, models
from .entrypoints.audit import AuditEntrypoints
from .entrypoints.hardship import HardshipEntrypoints
from .entrypoints.referrals import ReferralEntrypoints
from .entrypoints.relief import ReliefEntrypoints
from .entrypoints.support import SupportEntrypoints


class AssistanceService(HardshipEntrypoints, ReliefEntrypoints, ReferralEntrypoints, SupportEntrypoints,
                        AuditEntrypoints, PlatformService):
    name = "assistance"
    error_status = errors.STATUS
    db = Database(models.metadata)
    clock = Clock()
    state_gauges = (gauges.refresh,)  # business gauges on /metrics (gauges.py)
