"""The finance nameko service (资金与贷款): the district's double-entry ledger with its hash
chain, funds with two-step disbursement, relief payments and the public fund-flow report
(part 2 adds rent and union housing loans, posting through the same ledger). Its modules
(services/README.md):

- ledger.py                 use cases: post one entry or many (the one way money moves), reversals,
                            periods, accounts; trial balance, statements, entries by cause,
                            export and verification in place
- funds.py                  use cases: receipts, project budgets, disbursement requests → approve/reject
- reliefs.py                use cases: relief.approved → pay or keep pending; relief budgets; pay pending
- reports.py                use cases: the public fund-flow report (JSON, CSV)
- rent.py                   use cases: rent accounts from tenancy.started, the monthly billing run,
                            payments allocated oldest first (re-allocated on a backdated or reversed
                            one), reductions, tenancy.ended, arrears ageing and rent.overdue
- entrypoints/ledger.py     LedgerEntrypoints: /accounts, /journal-entries, /trial-balance, /periods, /ledger/…
- entrypoints/funds.py      FundsEntrypoints: /fund-receipts, /funds, /projects/<id>/budget,
                            /disbursement-requests, /disbursements
- entrypoints/reliefs.py    ReliefsEntrypoints: relief.approved handler, /relief-budgets, /relief-payments
- entrypoints/rent.py       RentEntrypoints: tenancy.started/ended handlers, billing timer and trigger,
                            /rent-accounts/<id>/payments, statements, /rent-arrears
- loans.py                  use cases: loan products, application → approval (another officer) →
                            disbursement, repayments / prepayments / settlement (the ledger follows
                            the loan's replay by the difference), overdue check, delinquency
- entrypoints/loans.py      LoansEntrypoints: /loan-products, /loans…, the loan check timer and trigger
- entrypoints/reports.py    ReportsEntrypoints: /public/fund-flows(.csv), rpc fund_flow_report
- repository.py             rows: the chart and balances, the chained journal (lines before entries),
                            periods, the report's sums
- payloads.py               the data of fund.received, fund.receipt_reversed, fund.disbursed, relief.paid
- views.py, settings.py (relief source order), roles.py, errors.py, schemas.py, models.py (and the
  journal's database guards), migrations/
- domain/                   money.py (fen, exact yuan), ledger.py (accounts, entries, balance and
                            overdraft rules, reversal, periods), chain.py (canonical form, hash chain,
                            verification), chart.py (the chart of accounts), funds.py (sources,
                            maker–checker, budgets), relief.py (payment order), report.py,
                            schedule.py (loan schedules), rent.py (proration, allocation, ageing),
                            loans.py (products, maker–checker, the loan's replay)
"""

from __future__ import annotations

from services.common.clock import Clock
from services.common.db import Database
from services.common.service import PlatformService

from . import errors, gauges, models
from .entrypoints.funds import FundsEntrypoints
from .entrypoints.ledger import LedgerEntrypoints
from .entrypoints.loans import LoansEntrypoints
from .entrypoints.reliefs import ReliefsEntrypoints
from .entrypoints.rent import RentEntrypoints
from .entrypoints.reports import ReportsEntrypoints


class FinanceService(LedgerEntrypoints, FundsEntrypoints, ReliefsEntrypoints, RentEntrypoints, LoansEntrypoints,
                     ReportsEntrypoints, PlatformService):
    name = "finance"
    error_status = errors.STATUS
    db = Database(models.metadata)
    clock = Clock()
    state_gauges = (gauges.refresh,)  # business gauges on /metrics (gauges.py)
