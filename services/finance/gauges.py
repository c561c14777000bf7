"""Business gauges from finance's own tables, computed when /metrics is read
(services/common/metrics.py refresh_state_gauges): rent billed and collected (integer fen, over
every rent account; collected = the invoiced rent paid off) and the collection rate; loans by
status, the principal outstanding, and the active loans in arrears with what is overdue, by
finance's delinquency buckets (the same figures as GET /loan-delinquency). Sums only."""

from __future__ import annotations

from datetime import date, datetime

from prometheus_client import Gauge
from sqlalchemy import func, select

from services.common.metrics import set_gauge_family

from . import loans, models
from .domain.loans import LoanStatus

LABELS = ["service", "district"]
RENT_BILLED = Gauge("anju_finance_rent_billed_fen", "Rent invoiced over every rent account (fen).", LABELS)
RENT_COLLECTED = Gauge("anju_finance_rent_collected_fen", "Invoiced rent paid off (fen).", LABELS)
RENT_RATE = Gauge("anju_finance_rent_collection_ratio", "Rent collected / rent billed (0 before any bill).", LABELS)
RENT_OWED = Gauge("anju_finance_rent_owed_fen", "Invoiced rent not yet paid (fen).", LABELS)
LOANS = Gauge("anju_finance_loans", "Loans by status now.", [*LABELS, "status"])
LOANS_OUTSTANDING = Gauge("anju_finance_loans_outstanding_principal_fen", "Principal the active loans still "
                          "owe (fen).", LABELS)
LOANS_IN_ARREARS = Gauge("anju_finance_loans_in_arrears", "Active loans with an instalment overdue.", LABELS)
LOANS_ARREARS = Gauge("anju_finance_loans_arrears_fen", "What the active loans have overdue (fen).", LABELS)


def refresh(session, now: datetime, today: date, labels: tuple[str, str]) -> None:
    a = models.RentAccount
    billed, collected = session.execute(select(func.coalesce(func.sum(a.invoiced_fen), 0),
                                               func.coalesce(func.sum(a.applied_fen), 0))).one()
    RENT_BILLED.labels(*labels).set(billed)
    RENT_COLLECTED.labels(*labels).set(collected)
    RENT_OWED.labels(*labels).set(billed - collected)
    RENT_RATE.labels(*labels).set(collected / billed if billed else 0.0)
    counts = dict(session.execute(select(models.Loan.status, func.count()).group_by(models.Loan.status)).all())
    set_gauge_family(LOANS, labels, {(s.value,): counts.get(s.value, 0) for s in LoanStatus})
    buckets = loans.delinquency(session, today)
    late = [v for b, v in buckets.items() if b != "current"]
    LOANS_OUTSTANDING.labels(*labels).set(sum(v["principal_left_fen"] for v in buckets.values()))
    LOANS_IN_ARREARS.labels(*labels).set(sum(v["loans"] for v in late))
    LOANS_ARREARS.labels(*labels).set(sum(v["arrears_fen"] for v in late))
