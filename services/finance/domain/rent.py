"""Rent (租金): monthly invoices per tenancy with proration, rent reductions, payments allocated
oldest invoice first, arrears ageing and the overdue thresholds. Plain Python, integer fen.

Proration (按天折算). A month the tenancy covers whole is billed the monthly rent exactly. A
first or last month covered in part is billed half-up(monthly rent × days covered / days in
that month) fen — e.g. 1,500.00 元 from 2026-11-20 (11 of November's 30 days): 150000 × 11 / 30
= 55000 fen. The tenancy covers its start day through its last day, both included.

Due date (缴费期限). Rent is due on the 15th of its month (DUE_DAY), or on the first day the
tenancy covers when that is later; an invoice unpaid after its due date is overdue by the days
since.

Reductions (租金减免, assistance's relief of kind rent reduction): so much off each month's rent
for the granted months, never below zero; several reductions of one month add up.

Allocation (冲销顺序). Payments pay invoices oldest month first; what is paid beyond every invoice
is kept as credit (预收) and pays the next invoices as they are issued. The allocation is a
function of the *set* of invoices and (not reversed) payments — not of the order they were
entered — so a backdated or reversed payment gives the same balances as entering them in date
order; the day an invoice was paid off is the date of the payment that completed it, payments
taken in date order.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from .ledger import next_month, parse_month
from .schedule import Bucket, ageing_bucket, half_up

DUE_DAY = 15
OVERDUE_THRESHOLDS = (1, 31, 61, 91)  # days: entering the 1–30, 31–60, 61–90 and 90+ buckets
MAX_RENT_FEN = 100_000_000            # 1,000,000 元 a month


# Rent payments in one batch (POST /rent-payments: a bank's collection file): one transaction,
# so a file of thousands goes in a few requests without one transaction holding the ledger long.
MAX_PAYMENT_BATCH = 500


class RentError(Exception):
    """A rent rule refused the input; ``field`` names it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@functools.lru_cache(maxsize=256)
def month_bounds(month: str) -> tuple[date, date]:
    y, m = parse_month(month)
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def prorate(monthly_fen: int, days: int, days_in_month: int) -> int:
    """The rent of ``days`` days of a month of ``days_in_month`` days: half-up to the fen."""
    if days >= days_in_month:
        return monthly_fen
    return half_up(Fraction(monthly_fen * days, days_in_month))


@dataclass(frozen=True)
class Charge:
    month: str
    period_start: date
    period_end: date
    days: int
    days_in_month: int
    gross_fen: int       # the prorated rent before reductions
    reduction_fen: int
    due_on: date

    @property
    def amount_fen(self) -> int:
        return self.gross_fen - self.reduction_fen


def charge_for(month: str, start: date, last_day: date, rent_fen: int, reduction_fen: int = 0) -> Charge | None:
    """The month's rent of a tenancy covering ``start`` … ``last_day``; None when it covers no
    day of the month."""
    first, last = month_bounds(month)
    period_start, period_end = max(first, start), min(last, last_day)
    if period_start > period_end:
        return None
    days = (period_end - period_start).days + 1
    gross = prorate(rent_fen, days, last.day)
    return Charge(month, period_start, period_end, days, last.day, gross, min(gross, max(0, reduction_fen)),
                  max(first.replace(day=DUE_DAY), period_start))


def months_between(first: str, last: str) -> list[str]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = next_month(m)
    return out


@dataclass(frozen=True)
class Reduction:
    """A granted reduction: ``amount_fen`` off each of ``months`` months from ``from_month``."""

    from_month: str
    months: int
    amount_fen: int

    def covers(self, month: str) -> bool:
        return self.from_month <= month and len(months_between(self.from_month, month)) <= self.months


def reduction_in(month: str, reductions: Iterable[Reduction]) -> int:
    return sum(r.amount_fen for r in reductions if r.covers(month))


def effective_from(from_month: str | None, next_unbilled: str) -> str:
    """A reduction applies from the next invoice: its first month is the granted one, or the
    first month not yet billed when that one is already billed."""
    return max(from_month or next_unbilled, next_unbilled)


# -- allocation -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Invoice:
    key: str
    month: str
    amount_fen: int
    due_on: date


@dataclass(frozen=True)
class Payment:
    key: str
    paid_on: date
    amount_fen: int


@dataclass(frozen=True)
class Allocation:
    paid: dict[str, int]                 # invoice key → fen paid of it
    paid_off_on: dict[str, date | None]  # invoice key → the day it was paid off (None: not yet)
    invoiced_fen: int
    paid_fen: int

    @property
    def applied_fen(self) -> int:
        return sum(self.paid.values())

    @property
    def owed_fen(self) -> int:
        return self.invoiced_fen - self.applied_fen

    @property
    def credit_fen(self) -> int:
        return self.paid_fen - self.applied_fen


def allocate(invoices: Sequence[Invoice], payments: Sequence[Payment]) -> Allocation:
    """Allocate the payments to the invoices oldest month first (rules in the module docstring)."""
    ordered = sorted(invoices, key=lambda i: (i.month, i.key))
    dated = sorted(payments, key=lambda p: (p.paid_on, p.key))
    total = sum(p.amount_fen for p in dated)
    paid, off = {}, {}
    left, needed = total, 0
    running = [(p.paid_on, 0) for p in dated]
    acc = 0
    for n, p in enumerate(dated):
        acc += p.amount_fen
        running[n] = (p.paid_on, acc)
    for inv in ordered:
        take = min(inv.amount_fen, left)
        paid[inv.key] = take
        left -= take
        needed += inv.amount_fen
        off[inv.key] = next((day for day, cum in running if cum >= needed), None) if take == inv.amount_fen else None
        if inv.amount_fen == 0:
            off[inv.key] = inv.due_on
    return Allocation(paid, off, sum(i.amount_fen for i in ordered), total)


# -- arrears ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Arrears:
    owed_fen: int               # everything unpaid, due or not
    overdue_fen: int            # unpaid past its due date
    days_overdue: int           # of the oldest overdue invoice (0: none)
    oldest_month: str | None
    buckets: dict[str, int]     # bucket → overdue fen, by each invoice's own age

    @property
    def bucket(self) -> Bucket:
        return ageing_bucket(self.days_overdue)


def arrears(invoices: Sequence[Invoice], allocation: Allocation, today: date) -> Arrears:
    """Ageing (账龄) of what is unpaid on ``today``: buckets 1–30, 31–60, 61–90, 90+ days past
    the due date, each invoice in its own bucket; the account's bucket is its oldest debt's."""
    buckets = {b.value: 0 for b in Bucket if b is not Bucket.CURRENT}
    owed = overdue = oldest_days = 0
    oldest = None
    for inv in sorted(invoices, key=lambda i: (i.month, i.key)):
        unpaid = inv.amount_fen - allocation.paid.get(inv.key, 0)
        if unpaid <= 0:
            continue
        owed += unpaid
        days = (today - inv.due_on).days
        if days <= 0:
            continue
        overdue += unpaid
        buckets[ageing_bucket(days).value] += unpaid
        if oldest is None:
            oldest, oldest_days = inv.month, days
    return Arrears(owed, overdue, oldest_days, oldest, buckets)


def threshold_crossed(days_overdue: int) -> int | None:
    """The highest overdue threshold (days) reached, None below the first."""
    reached = [t for t in OVERDUE_THRESHOLDS if days_overdue >= t]
    return reached[-1] if reached else None


def billing_months(start: date, through: date) -> list[str]:
    """The months from the tenancy's start through ``through`` (a day), oldest first."""
    return months_between(f"{start.year:04d}-{start.month:02d}", f"{through.year:04d}-{through.month:02d}")


def last_day_of(end: date, ended_on: date | None) -> date:
    """The last day billed: the move-out day when the tenancy ended early, else the contract's end."""
    return min(end, ended_on) if ended_on else end


def day_before(day: date) -> date:
    return day - timedelta(days=1)
