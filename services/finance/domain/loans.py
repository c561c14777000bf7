"""The union housing loan (工会安居贷): products, the maker–checker rule, and the loan's account
replayed from its transactions (还款、提前还款、结清) in date order.

Replay, not mutation. A loan's state on a day is a function of its terms and the *set* of its
transactions, processed in date order (one day: repayments, then prepayments, then the settlement) with the
instalments falling due on their dates: so a backdated repayment, or one entered late, gives
exactly what entering them in date order gives (Fineract's best-known failure).

Rules, in the order they are applied on each day:
1. **Penalty interest (罚息)** accrues on each instalment's unpaid principal at the product's
   penalty rate / 360 per day, from the day after the grace period (due + grace days) through the
   day in question; it is computed for each stretch between two events and rounded half-up to
   the fen per stretch (schedule.accrued_interest).
2. **Instalments fall due** on their due dates (disbursement day + n months, the day clamped to
   the month's end). The borrower owes the principal and *their* part of the interest; the
   union's part (贴息) is the union's expense and never the borrower's debt. Credit kept from an
   earlier over-payment pays a falling-due instalment at once.
3. **A repayment** pays the due instalments oldest first; within each, in the product's
   allocation order (default penalty → interest → principal). What is left is kept as credit.
4. **A partial prepayment** (from credit plus the prepaid amount, with nothing overdue) lowers
   the principal right after the last instalment due, and the rest of the schedule is recomputed
   (schedule.prepay: shorter term or same term).
5. **Settlement** (提前结清): all principal left, the borrower's part of the interest accrued on it
   since the last due date (by the day, schedule.settlement_quote), and everything in arrears.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .schedule import (
    MAX_TERM_MONTHS,
    Instalment,
    Method,
    PrepaymentOption,
    ScheduleError,
    accrued_interest,
    ageing_bucket,
    prepay,
    rate,
    schedule,
    split_interest,
)

PARTS = ("penalty", "interest", "principal")
DEFAULT_ORDER = PARTS


class LoanError(Exception):
    """A loan rule refused the input; ``field`` names it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class SelfApproval(LoanError):
    """Maker–checker: the officer who took the application never approves it."""


class LoanStatus(StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    REJECTED = "rejected"
    ACTIVE = "active"      # disbursed, being repaid
    SETTLED = "settled"


@dataclass(frozen=True)
class Product:
    """A loan product (贷款产品). Rates and the subsidy share are exact decimal text."""

    code: str
    annual_rate: str
    subsidy_share: str
    max_amount_fen: int
    terms: tuple[int, ...]
    method: Method
    penalty_rate: str
    grace_days: int
    allocation_order: tuple[str, ...] = DEFAULT_ORDER

    def check(self) -> None:
        for name in ("annual_rate", "subsidy_share", "penalty_rate"):
            try:
                value = rate(getattr(self, name))
            except (ValueError, ArithmeticError, TypeError):
                raise LoanError(f"{name} must be exact decimal text such as 0.0325", name) from None
            if not 0 <= value < 1 and not (name == "subsidy_share" and value == 1):
                raise LoanError(f"{name} must be from 0 to below 1 (the share: to 1)", name)
        if not self.terms or any(not 1 <= t <= MAX_TERM_MONTHS for t in self.terms):
            raise LoanError(f"terms are months from 1 to {MAX_TERM_MONTHS}", "terms")
        if sorted(self.allocation_order) != sorted(PARTS):
            raise LoanError("the allocation order names penalty, interest and principal once each",
                            "allocation_order")
        if not 0 <= self.grace_days <= 90:
            raise LoanError("grace days are 0 … 90", "grace_days")

    def check_application(self, amount_fen: int, term_months: int) -> None:
        if amount_fen > self.max_amount_fen:
            raise LoanError(f"the product {self.code} lends at most {self.max_amount_fen} fen", "amount_fen")
        if term_months not in self.terms:
            raise LoanError(f"the product {self.code} allows terms of {', '.join(map(str, self.terms))} months",
                            "term_months")


def check_approver(applied_by: str, approver: str) -> None:
    if applied_by == approver:
        raise SelfApproval("maker–checker: the officer who took the application never approves it; another "
                           "finance officer must", "approved_by")


def add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# -- the replay ---------------------------------------------------------------------------------------

class TxKind(StrEnum):
    REPAYMENT = "repayment"
    PREPAYMENT = "prepayment"
    SETTLEMENT = "settlement"


# On one day: repayments first (what is due is paid before), then prepayments, then the settlement.
SAME_DAY_ORDER = {TxKind.REPAYMENT: 0, TxKind.PREPAYMENT: 1, TxKind.SETTLEMENT: 2}


@dataclass(frozen=True)
class Tx:
    key: str
    on: date
    kind: TxKind
    amount_fen: int
    option: PrepaymentOption | None = None


@dataclass
class Due:
    """What the borrower owes on one instalment (their part), and what is paid of it."""

    number: int
    due_on: date
    principal_fen: int
    interest_fen: int          # the borrower's part
    subsidy_fen: int           # the union's part (booked as its expense, never owed by the borrower)
    penalty_fen: int = 0
    paid: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PARTS, 0))
    accrued_to: date | None = None  # penalty counted through this day

    def unpaid(self, part: str) -> int:
        owed = {"principal": self.principal_fen, "interest": self.interest_fen, "penalty": self.penalty_fen}[part]
        return owed - self.paid[part]

    @property
    def outstanding_fen(self) -> int:
        return sum(self.unpaid(p) for p in PARTS)


@dataclass(frozen=True)
class LoanState:
    instalments: tuple[Instalment, ...]  # the schedule as it now stands (recomputed after prepayments)
    dues: tuple[Due, ...]                # the instalments fallen due by the day, one for each of the first
    credit_fen: int
    prepaid_fen: int                     # principal repaid ahead of the schedule
    settled_on: date | None
    received_fen: int                    # all money taken in
    as_of: date

    def total(self, what: str) -> int:
        """Charged to date over the dues: principal / interest (borrower's) / subsidy / penalty."""
        return sum({"principal": d.principal_fen, "interest": d.interest_fen, "subsidy": d.subsidy_fen,
                    "penalty": d.penalty_fen}[what] for d in self.dues)

    def paid(self, part: str) -> int:
        """Paid to date of a part (principal includes what was prepaid)."""
        return sum(d.paid[part] for d in self.dues) + (self.prepaid_fen if part == "principal" else 0)

    @property
    def principal_left_fen(self) -> int:
        """Principal not yet repaid (due or not)."""
        return sum(i.principal_fen for i in self.instalments) - sum(d.paid["principal"] for d in self.dues)

    @property
    def overdue(self) -> list[Due]:
        return [d for d in self.dues if d.outstanding_fen > 0 and d.due_on < self.as_of]

    @property
    def days_overdue(self) -> int:
        late = self.overdue
        return (self.as_of - late[0].due_on).days if late else 0

    @property
    def bucket(self):
        return ageing_bucket(self.days_overdue)

    @property
    def arrears_fen(self) -> int:
        """Everything fallen due and unpaid (principal, the borrower's interest, penalties)."""
        return sum(d.outstanding_fen for d in self.dues)


@dataclass(frozen=True)
class Terms:
    principal_fen: int
    annual_rate: str
    subsidy_share: str
    term_months: int
    method: Method
    penalty_rate: str
    grace_days: int
    disbursed_on: date
    allocation_order: tuple[str, ...] = DEFAULT_ORDER

    def first_schedule(self) -> tuple[Instalment, ...]:
        return schedule(self.principal_fen, self.annual_rate, self.term_months, self.method, self.subsidy_share)

    def due_on(self, number: int) -> date:
        return add_months(self.disbursed_on, number)


def _accrue_penalties(terms: Terms, dues: list[Due], day: date) -> None:
    for d in dues:
        start = max(d.accrued_to or d.due_on, add_days(d.due_on, terms.grace_days))
        if day > start:
            unpaid = d.unpaid("principal")
            if unpaid > 0:
                d.penalty_fen += accrued_interest(unpaid, terms.penalty_rate, (day - start).days)
            d.accrued_to = day


def add_days(day: date, n: int) -> date:
    return date.fromordinal(day.toordinal() + n)


def _pay(dues: list[Due], amount: int, order: Sequence[str]) -> int:
    """Pay the dues oldest first, each in ``order``; returns what is left."""
    for d in dues:
        for part in order:
            take = min(amount, d.unpaid(part))
            if take > 0:
                d.paid[part] += take
                amount -= take
        if amount == 0:
            break
    return amount


def settlement_amount(terms: Terms, state: LoanState) -> tuple[int, int, int]:
    """(total, interest accrued since the last due date (whole), its subsidy part) to settle on
    ``state.as_of``: every unpaid due, the principal not yet due, and the borrower's part of the
    interest accrued on that principal by the day — less the credit held."""
    not_due = state.principal_left_fen - sum(d.unpaid("principal") for d in state.dues)
    since = state.dues[-1].due_on if state.dues else terms.disbursed_on
    interest = accrued_interest(not_due, terms.annual_rate, (state.as_of - since).days)
    subsidy, borrower = split_interest(interest, rate(terms.subsidy_share))
    return max(0, state.arrears_fen + not_due + borrower - state.credit_fen), interest, subsidy


def replay(terms: Terms, txs: Sequence[Tx], as_of: date) -> LoanState:
    """The loan on ``as_of`` from its terms and transactions (rules in the module docstring).
    Transactions dated after ``as_of`` are left out; one dated after the settlement is refused."""
    instalments = terms.first_schedule()
    dues: list[Due] = []
    credit = received = prepaid = 0
    settled_on = None

    def fall_due(through: date) -> None:
        nonlocal credit
        while settled_on is None and len(dues) < len(instalments):
            nxt = instalments[len(dues)]
            day = terms.due_on(nxt.number)
            if day > through:
                return
            _accrue_penalties(terms, dues, day)
            dues.append(Due(nxt.number, day, nxt.principal_fen, nxt.borrower_interest_fen, nxt.subsidy_fen))
            if credit:
                credit = _pay(dues, credit, terms.allocation_order)

    for tx in sorted((t for t in txs if t.on <= as_of), key=lambda t: (t.on, SAME_DAY_ORDER[t.kind], t.key)):
        if settled_on is not None:
            raise LoanError(f"the loan was settled on {settled_on.isoformat()}; nothing is taken after it", "on")
        fall_due(tx.on)
        _accrue_penalties(terms, dues, tx.on)
        received += tx.amount_fen
        if tx.kind is TxKind.REPAYMENT:
            credit = _pay(dues, credit + tx.amount_fen, terms.allocation_order)
        elif tx.kind is TxKind.PREPAYMENT:
            if any(d.outstanding_fen for d in dues):
                raise LoanError("pay what is due first: a prepayment is taken with nothing in arrears", "amount_fen")
            if len(dues) == len(instalments):
                raise LoanError("every instalment has fallen due: repay, do not prepay", "amount_fen")
            try:
                instalments = prepay(instalments, len(dues), credit + tx.amount_fen, terms.annual_rate,
                                     terms.method, tx.option or PrepaymentOption.SAME_TERM, terms.subsidy_share)
            except ScheduleError as exc:
                raise LoanError(exc.message, "amount_fen") from None
            prepaid += credit + tx.amount_fen
            credit = 0
        else:
            state = LoanState(instalments, tuple(dues), credit, prepaid, None, received, tx.on)
            total, interest, subsidy = settlement_amount(terms, state)
            if tx.amount_fen < total:
                raise LoanError(f"settling on {tx.on.isoformat()} takes {total} fen", "amount_fen")
            not_due = state.principal_left_fen - sum(d.unpaid("principal") for d in dues)
            last = Instalment(len(dues) + 1, not_due, interest, subsidy, interest - subsidy, 0)
            instalments = (*instalments[:len(dues)], last)
            dues.append(Due(last.number, tx.on, not_due, last.borrower_interest_fen, subsidy))
            credit = _pay(dues, credit + tx.amount_fen, terms.allocation_order)
            settled_on = tx.on
    fall_due(as_of)
    _accrue_penalties(terms, dues, as_of)
    return LoanState(tuple(instalments), tuple(dues), credit, prepaid, settled_on, received, as_of)
