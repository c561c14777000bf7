"""The double-entry ledger (总账): accounts, balanced journal entries, no-overdraft flags,
reversals and accounting periods. Plain Python; every amount is integer fen.

Sign convention. A line's ``amount_fen`` is signed: a debit is positive, a credit negative, so
an entry is balanced exactly when its amounts sum to zero (debits = credits). An account's
stored balance is kept the same way (debits − credits); its *natural* balance is that figure
for debit-normal types (asset, expense) and its negation for credit-normal types (liability,
equity/fund balance, income). A no-overdraft account's natural balance may never fall below
zero: a posting that would take it there is refused whole.

The rules here are checked before anything is written; the database checks the balance and the
append-only rule again (see services/finance/models.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .money import MAX_AMOUNT_FEN, MAX_LINES, is_amount, yuan_text


class AccountType(StrEnum):
    ASSET = "asset"          # 资产
    LIABILITY = "liability"  # 负债
    EQUITY = "equity"        # 净资产 / 基金结余 (fund balance)
    INCOME = "income"        # 收入
    EXPENSE = "expense"      # 支出


DEBIT_NORMAL = frozenset({AccountType.ASSET, AccountType.EXPENSE})

# What an entry is for.
ENTRY_KINDS = frozenset({
    "manual",            # an accountant's adjusting entry (POST /journal-entries)
    "reversal",          # the correction of an earlier entry
    "receipt",           # money received into a fund
    "hold",              # a disbursement request reserves money of its fund
    "release",           # a rejected request gives the reserved money back
    "disbursement",      # an approved request pays out the reserved money
    "relief_payment",    # cash relief paid from the relief fund
    "opening",           # balances carried in when the ledger was introduced (migration)
    "rent_invoice",      # a month's rent billed (Dr receivable / Cr rent income)
    "rent_adjustment",   # an invoice lowered (a move-out inside a billed month)
    "rent_payment",      # rent received (Dr rent bank / Cr received in advance)
    "rent_payment_reversal",  # a payment entered by mistake, undone
    "rent_allocation",   # payments applied to invoices (Dr received in advance / Cr receivable), or un-applied
    "loan_disbursement",  # a union housing loan paid out of the union's fund
    "loan_accrual",      # interest fallen due (borrower's part and the union's subsidy), penalties
    "loan_receipt",      # money a borrower paid
    "loan_application",  # borrowers' money applied to principal, interest and penalties (or back, on replay)
})

ACCOUNT_CODE = re.compile(r"[0-9]{4}(?::[A-Za-z0-9][A-Za-z0-9_.-]{0,39}){0,3}")


class LedgerError(Exception):
    """A posting refused by a rule; ``field`` names the input it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidEntry(LedgerError):
    """Not a well-formed balanced entry (too few lines, unbalanced, a bad amount)."""


class UnknownAccount(LedgerError):
    """A line names an account the chart does not have."""


class AccountNotPostable(LedgerError):
    """A line names a closed account or a header (summary) account."""


class Overdraft(LedgerError):
    """A no-overdraft account would fall below zero."""


class PeriodClosed(LedgerError):
    """The posting date lies in a closed accounting period."""


class FutureDate(LedgerError):
    """A posting dated after the district's calendar date."""


class IdempotencyConflict(LedgerError):
    """An idempotency id already used for an entry with other content."""


class NotReversible(LedgerError):
    """The entry cannot be reversed (already reversed, a reversal itself, or owned by a workflow)."""


class PeriodError(LedgerError):
    """A period cannot be closed now."""


@dataclass(frozen=True)
class Account:
    code: str
    name: str
    type: AccountType
    no_overdraft: bool = False
    postable: bool = True
    closed: bool = False
    parent: str | None = None
    # Fund-accounting dimensions (see chart.py): which fund the money belongs to, or which use.
    fund_source: str | None = None
    earmark: str | None = None       # general | project | relief (fund accounts)
    project_id: str | None = None
    category: str | None = None      # relief category (relief expense accounts)
    held: bool = False               # the reserved part of a fund (1009)

    @property
    def normal_sign(self) -> int:
        """+1 for debit-normal accounts, −1 for credit-normal ones."""
        return 1 if self.type in DEBIT_NORMAL else -1

    def natural(self, balance_fen: int) -> int:
        """The balance as the account's own side reads it (a bank's money, an income's total)."""
        return balance_fen * self.normal_sign


@dataclass(frozen=True)
class Line:
    account: str
    amount_fen: int  # signed: debit > 0, credit < 0

    @property
    def side(self) -> str:
        return "debit" if self.amount_fen > 0 else "credit"


def line(account: str, side: str, amount_fen: int, index: int = 0) -> Line:
    """A line from its side and positive amount (as the API takes them)."""
    where = f"lines[{index}]"
    if side not in ("debit", "credit"):
        raise InvalidEntry(f"{where}: side must be debit or credit", f"{where}.side")
    if not is_amount(amount_fen):
        raise InvalidEntry(f"{where}: amount must be a whole number of fen from 1 to {MAX_AMOUNT_FEN}",
                           f"{where}.amount_fen")
    return Line(account, amount_fen if side == "debit" else -amount_fen)


def debit(account: str, amount_fen: int) -> Line:
    return line(account, "debit", amount_fen)


def credit(account: str, amount_fen: int) -> Line:
    return line(account, "credit", amount_fen)


@dataclass(frozen=True)
class Cause:
    """Why an entry exists: the business record it belongs to (``type``/``id``, e.g.
    ``fund_receipt``/``<receipt id>``), the event or HTTP request that carried it, and who acted
    (``recorded_by`` on the draft)."""

    type: str
    id: str
    event_id: str | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class EntryDraft:
    """An entry before it is chained: everything its hash covers except seq and prev_hash."""

    kind: str
    posted_on: date
    memo: str
    lines: tuple[Line, ...]
    idempotency_id: str
    cause: Cause
    recorded_by: str
    reverses: str | None = None
    reason: str | None = None
    # False when the caller did not choose the date (it defaulted to today): a replay on
    # another day is still the same entry.
    date_given: bool = field(default=True, compare=False)

    def fingerprint(self, *, with_date: bool = True) -> tuple:
        """What "the same content" means for an idempotent replay."""
        return (self.kind, self.posted_on if with_date else None, self.memo,
                tuple((ln.account, ln.amount_fen) for ln in self.lines), self.cause.type, self.cause.id,
                self.reverses, self.reason)


def check_lines(lines: Sequence[Line]) -> None:
    """At least two lines, at most MAX_LINES, every amount a non-zero integer within bounds, and
    debits equal to credits."""
    if len(lines) < 2:
        raise InvalidEntry("an entry needs at least two lines (a debit and a credit)", "lines")
    if len(lines) > MAX_LINES:
        raise InvalidEntry(f"an entry has at most {MAX_LINES} lines", "lines")
    for i, ln in enumerate(lines):
        if type(ln.amount_fen) is not int or ln.amount_fen == 0 or abs(ln.amount_fen) > MAX_AMOUNT_FEN:
            raise InvalidEntry(f"lines[{i}]: amount must be a whole number of fen from 1 to {MAX_AMOUNT_FEN}",
                               f"lines[{i}].amount_fen")
        if not isinstance(ln.account, str) or not ACCOUNT_CODE.fullmatch(ln.account):
            raise UnknownAccount(f"lines[{i}]: {ln.account!r} is not an account code", f"lines[{i}].account")
    debits = sum(ln.amount_fen for ln in lines if ln.amount_fen > 0)
    credits = -sum(ln.amount_fen for ln in lines if ln.amount_fen < 0)
    if debits != credits:
        raise InvalidEntry(f"unbalanced entry: debits {yuan_text(debits)} ≠ credits {yuan_text(credits)}", "lines")


def check_draft(draft: EntryDraft) -> None:
    if draft.kind not in ENTRY_KINDS:
        raise InvalidEntry(f"unknown entry kind {draft.kind!r}", "kind")
    if not draft.idempotency_id or len(draft.idempotency_id) > 200:
        raise InvalidEntry("idempotency id must be 1 to 200 characters", "idempotency_id")
    check_lines(draft.lines)


def check_accounts(lines: Sequence[Line], accounts: Mapping[str, Account]) -> None:
    """Every line's account exists, is open and may be posted to (not a header)."""
    for i, ln in enumerate(lines):
        account = accounts.get(ln.account)
        if account is None:
            raise UnknownAccount(f"lines[{i}]: no account {ln.account} in the chart", f"lines[{i}].account")
        if account.closed:
            raise AccountNotPostable(f"lines[{i}]: account {ln.account} is closed", f"lines[{i}].account")
        if not account.postable:
            raise AccountNotPostable(f"lines[{i}]: account {ln.account} is a header account; post to one of "
                                     "its sub-accounts", f"lines[{i}].account")


def movements(lines: Iterable[Line]) -> dict[str, int]:
    """Net signed amount per account."""
    out: dict[str, int] = {}
    for ln in lines:
        out[ln.account] = out.get(ln.account, 0) + ln.amount_fen
    return out


def check_overdraft(lines: Sequence[Line], accounts: Mapping[str, Account], balances: Mapping[str, int],
                    field_name: str = "lines") -> dict[str, int]:
    """The balances after the lines; raise Overdraft if a no-overdraft account would end below
    zero (natural side). ``balances`` are stored (signed) balances before the posting."""
    after = {}
    for code, delta in movements(lines).items():
        account = accounts[code]
        new = balances.get(code, 0) + delta
        if account.no_overdraft and account.natural(new) < 0:
            have = account.natural(balances.get(code, 0))
            raise Overdraft(f"{code} ({account.name}) would go below zero: it holds {yuan_text(have)}, "
                            f"the posting takes {yuan_text(-account.normal_sign * delta)}", field_name)
        after[code] = new
    return after


def reversal_lines(lines: Sequence[Line]) -> tuple[Line, ...]:
    """The lines that undo an entry: the same accounts with the signs flipped."""
    return tuple(Line(ln.account, -ln.amount_fen) for ln in lines)


def check_reversible(kind: str, already_reversed: bool, *, allowed_kinds=frozenset({"manual"})) -> None:
    if kind == "reversal":
        raise NotReversible("a reversal is not reversed again; post a new entry instead", "entry_id")
    if already_reversed:
        raise NotReversible("this entry is already reversed", "entry_id")
    if kind not in allowed_kinds:
        raise NotReversible(f"a {kind} entry belongs to its workflow; correct it there (e.g. reverse the "
                            "receipt), not by a bare reversal", "entry_id")


# -- accounting periods (会计期间) -----------------------------------------------------------------

def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


def parse_month(text: str) -> tuple[int, int]:
    m = MONTH.fullmatch(text or "")
    if not m:
        raise PeriodError(f"{text!r} is not a month (YYYY-MM)", "month")
    return int(m.group(1)), int(m.group(2))


def next_month(month: str) -> str:
    y, m = parse_month(month)
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}"


@dataclass(frozen=True)
class Periods:
    """The district's accounting periods: months are closed one after another, so everything up
    to and including ``closed_through`` (a month, or None) is closed and the rest is open."""

    closed_through: str | None = None

    def is_closed(self, day: date) -> bool:
        return self.closed_through is not None and month_of(day) <= self.closed_through

    def check_postable(self, day: date, today: date, field_name: str = "posted_on") -> None:
        """A posting's date: not after today (the district's calendar date), not in a closed month."""
        if day > today:
            raise FutureDate(f"{day.isoformat()} is in the future (today is {today.isoformat()})", field_name)
        if self.is_closed(day):
            raise PeriodClosed(f"{month_of(day)} is closed (closed through {self.closed_through}); date the "
                               f"posting in the open period, from {next_month(self.closed_through)}", field_name)

    def check_closable(self, month: str, today: date) -> None:
        """A month may be closed once it has ended, and only the month after the last closed one
        (the first close may be any ended month: everything before it closes with it)."""
        parse_month(month)
        if month >= month_of(today):
            raise PeriodError(f"{month} has not ended yet (today is {today.isoformat()})", "month")
        if self.closed_through is not None:
            if month <= self.closed_through:
                raise PeriodError(f"{month} is already closed (closed through {self.closed_through})", "month")
            if month != next_month(self.closed_through):
                raise PeriodError(f"close {next_month(self.closed_through)} first: months close in order", "month")

    def open_from(self) -> str | None:
        return next_month(self.closed_through) if self.closed_through else None
