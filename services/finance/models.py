"""Tables of the finance service (its own database).

The journal (journal_entries, journal_lines) is append-only and balanced, and the database
says so as well as the code:

- **Balanced, at least two lines.** PostgreSQL: a deferred constraint trigger on
  journal_entries checks at commit that the entry's lines number at least two and sum to zero.
  SQLite (no deferred triggers): an AFTER INSERT trigger on journal_entries checks the same at
  the moment the entry row is written. On both, a line can only be written *before* its entry
  (the entry row closes it; lines reference entries through a deferred foreign key): a line
  for an entry that already exists is refused (PostgreSQL: a statement trigger; SQLite: a
  BEFORE INSERT trigger), so no line can be added to a posted entry later.
- **Immutable.** UPDATE and DELETE on both tables are refused by triggers.
- **No overdraft.** accounts.balance_fen (debits − credits, kept with every posting) has a
  CHECK: a no-overdraft account's natural balance is never below zero.

The SQLite triggers are attached here for databases built from the models (the use-case
tests' in-memory SQLite); migration 0002 creates the same ones and the PostgreSQL ones, both
reading their text from journal_guards.py.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.tables import UtcDateTime, platform_tables

from .journal_guards import SQLITE_TRIGGERS


class Base(DeclarativeBase):
    metadata = MetaData()


class FundReceipt(Base):
    """A receipt of money into the programme (资金到账), in fen, into one fund."""

    __tablename__ = "fund_receipts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source: Mapped[str] = mapped_column(String(30))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    received_on: Mapped[str] = mapped_column(String(10))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    earmark: Mapped[str] = mapped_column(String(10), server_default="general")
    earmark_project_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    memo: Mapped[str] = mapped_column(String(500), server_default="")
    entry_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    status: Mapped[str] = mapped_column(String(10), server_default="recorded")
    reversal_entry_id: Mapped[str | None] = mapped_column(String(36), nullable=True)

    __table_args__ = (Index("ix_fund_receipts_received", "received_on", "id"),)


class Account(Base):
    """The chart of accounts (会计科目) with each account's running balance (debits − credits)."""

    __tablename__ = "accounts"

    code: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(10))
    normal_sign: Mapped[int] = mapped_column(Integer)
    no_overdraft: Mapped[bool] = mapped_column(Boolean)
    postable: Mapped[bool] = mapped_column(Boolean)
    closed: Mapped[bool] = mapped_column(Boolean, server_default="0")
    parent_code: Mapped[str | None] = mapped_column(String(80), nullable=True)
    fund_source: Mapped[str | None] = mapped_column(String(30), nullable=True)
    earmark: Mapped[str | None] = mapped_column(String(10), nullable=True)
    project_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    category: Mapped[str | None] = mapped_column(String(40), nullable=True)
    held: Mapped[bool] = mapped_column(Boolean, server_default="0")
    balance_fen: Mapped[int] = mapped_column(BigInteger, server_default="0")
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        CheckConstraint("normal_sign IN (1, -1)", name="ck_accounts_normal_sign"),
        CheckConstraint("NOT no_overdraft OR balance_fen * normal_sign >= 0", name="ck_accounts_no_overdraft"),
    )


class LedgerChain(Base):
    """The head of a district's hash chain: appends lock this row, so the order is well defined."""

    __tablename__ = "ledger_chains"

    district: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class JournalEntry(Base):
    """One balanced, immutable journal entry (记账凭证), a link of the district's hash chain."""

    __tablename__ = "journal_entries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    district: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(BigInteger)
    posted_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(30))
    memo: Mapped[str] = mapped_column(String(500))
    idempotency_id: Mapped[str] = mapped_column(String(200))
    cause_type: Mapped[str] = mapped_column(String(40))
    cause_id: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reverses: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True)
    reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("district", "seq", name="uq_journal_entries_seq"),
        UniqueConstraint("district", "idempotency_id", name="uq_journal_entries_idempotency"),
        Index("ix_journal_entries_cause", "cause_type", "cause_id"),
        Index("ix_journal_entries_posted", "posted_on", "seq"),
        {"info": {"append_only": True}},  # the runtime role may only insert (services/common/grants.py)
    )


class JournalLine(Base):
    """A line of an entry: signed fen (debit > 0, credit < 0), with the entry's date and seq
    copied in for account statements and the trial balance."""

    __tablename__ = "journal_lines"

    entry_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("journal_entries.id", deferrable=True, initially="DEFERRED"), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_code: Mapped[str] = mapped_column(String(80), ForeignKey("accounts.code"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    posted_on: Mapped[date] = mapped_column(Date)
    entry_seq: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        CheckConstraint("amount_fen <> 0", name="ck_journal_lines_nonzero"),
        Index("ix_journal_lines_account", "account_code", "posted_on", "entry_seq"),
        {"info": {"append_only": True}},
    )


class AccountingPeriod(Base):
    """A closed month (结账): postings dated in it are refused."""

    __tablename__ = "accounting_periods"

    district: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    closed_by: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ProjectBudget(Base):
    """What may be disbursed to a housing project in all (项目预算)."""

    __tablename__ = "project_budgets"

    project_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DisbursementRequest(Base):
    """A two-step disbursement (拨付申请): requested (hold placed) → approved (paid) or rejected
    (hold released), decided by someone other than the requester."""

    __tablename__ = "disbursement_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    idempotency_id: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str] = mapped_column(String(30))
    earmark_project_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    fund_account: Mapped[str] = mapped_column(String(80))
    held_account: Mapped[str] = mapped_column(String(80))
    project_id: Mapped[str] = mapped_column(String(40), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), index=True)
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    hold_entry_id: Mapped[str] = mapped_column(String(36))
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    decision_entry_id: Mapped[str | None] = mapped_column(String(36), nullable=True)


class ReliefBudget(Base):
    """The year's cash relief budget (年度救助预算)."""

    __tablename__ = "relief_budgets"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReliefPayment(Base):
    """Cash relief approved by assistance: issued (approved) and paid amounts, pending with its
    reason until the budget and the relief fund allow. Known by person_ref only."""

    __tablename__ = "relief_payments"

    relief_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    household_id: Mapped[str] = mapped_column(String(64))
    person_ref: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    amount_issued_fen: Mapped[int] = mapped_column(BigInteger)
    amount_paid_fen: Mapped[int] = mapped_column(BigInteger, server_default="0")
    status: Mapped[str] = mapped_column(String(10))
    pending_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    approved_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    paid_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    entry_id: Mapped[str | None] = mapped_column(String(36), nullable=True)

    __table_args__ = (Index("ix_relief_payments_queue", "status", "received_at", "relief_id"),)


class RentAccount(Base):
    """A tenancy's rent account (租金账户), opened by tenancy.started; what is invoiced, paid and
    applied is kept here as in the ledger (1131/2205), so the two can be compared."""

    __tablename__ = "rent_accounts"

    tenancy_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_ref: Mapped[str] = mapped_column(String(64), index=True)
    unit_id: Mapped[str] = mapped_column(String(64))
    project_id: Mapped[str] = mapped_column(String(64))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    rent_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), index=True)
    event_id: Mapped[str] = mapped_column(String(36))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    invoiced_fen: Mapped[int] = mapped_column(BigInteger, server_default="0")
    paid_fen: Mapped[int] = mapped_column(BigInteger, server_default="0")
    applied_fen: Mapped[int] = mapped_column(BigInteger, server_default="0")


class RentInvoice(Base):
    """A month's rent of a tenancy (租金账单): one per (tenancy, month)."""

    __tablename__ = "rent_invoices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenancy_id: Mapped[str] = mapped_column(String(64), ForeignKey("rent_accounts.tenancy_id"))
    month: Mapped[str] = mapped_column(String(7))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    gross_fen: Mapped[int] = mapped_column(BigInteger)
    reduction_fen: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_fen: Mapped[int] = mapped_column(BigInteger, server_default="0")
    paid_off_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_on: Mapped[date] = mapped_column(Date)
    issued_on: Mapped[date] = mapped_column(Date)
    entry_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # None: nothing to post (0 fen)

    __table_args__ = (UniqueConstraint("tenancy_id", "month", name="uq_rent_invoices_month"),)


class RentPayment(Base):
    """Rent received (租金缴纳); a reversed one no longer counts."""

    __tablename__ = "rent_payments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenancy_id: Mapped[str] = mapped_column(String(64), ForeignKey("rent_accounts.tenancy_id"), index=True)
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    entry_id: Mapped[str] = mapped_column(String(36))
    reversal_entry_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    reversal_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)


class RentReduction(Base):
    """A rent reduction granted by assistance (租金减免): so much off each of the granted months."""

    __tablename__ = "rent_reductions"

    relief_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenancy_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    person_ref: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(36))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    from_month: Mapped[str] = mapped_column(String(7))
    months: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class EarlyTenancyEnd(Base):
    """A tenancy.ended that arrived before its tenancy.started (events may come out of order):
    kept, and applied when the account opens."""

    __tablename__ = "rent_early_ends"

    tenancy_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    ended_on: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RentOverdueNotice(Base):
    """rent.overdue sent: once per tenancy, arrears (its oldest unpaid month) and threshold."""

    __tablename__ = "rent_overdue_notices"

    tenancy_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    threshold_days: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    days_overdue: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BillingRun(Base):
    """A monthly billing run that completed (the last one's time is a metric)."""

    __tablename__ = "rent_billing_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    invoices: Mapped[int] = mapped_column(Integer)
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LoanProduct(Base):
    """A union housing loan product (贷款产品). Rates are exact decimal text."""

    __tablename__ = "loan_products"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    annual_rate: Mapped[str] = mapped_column(String(20))
    subsidy_share: Mapped[str] = mapped_column(String(20))
    max_amount_fen: Mapped[int] = mapped_column(BigInteger)
    terms: Mapped[str] = mapped_column(String(200))  # months, comma-separated
    method: Mapped[str] = mapped_column(String(20))
    penalty_rate: Mapped[str] = mapped_column(String(20))
    grace_days: Mapped[int] = mapped_column(Integer)
    allocation_order: Mapped[str] = mapped_column(String(40))
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Loan(Base):
    """A loan from application to settlement; its terms are copied from the product when applied
    for. booked_* are what the ledger holds for it (the replay's totals when last booked)."""

    __tablename__ = "loans"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    product_code: Mapped[str] = mapped_column(String(40), ForeignKey("loan_products.code"))
    person_ref: Mapped[str] = mapped_column(String(64), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    term_months: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    annual_rate: Mapped[str] = mapped_column(String(20))
    subsidy_share: Mapped[str] = mapped_column(String(20))
    penalty_rate: Mapped[str] = mapped_column(String(20))
    grace_days: Mapped[int] = mapped_column(Integer)
    allocation_order: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), index=True)
    applied_by: Mapped[str] = mapped_column(String(200))
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    disbursed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    disbursement_entry_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    settled_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    booked_interest_fen: Mapped[int] = mapped_column(BigInteger, server_default="0")
    booked_subsidy_fen: Mapped[int] = mapped_column(BigInteger, server_default="0")
    booked_penalty_fen: Mapped[int] = mapped_column(BigInteger, server_default="0")
    booked_principal_paid_fen: Mapped[int] = mapped_column(BigInteger, server_default="0")
    booked_charges_paid_fen: Mapped[int] = mapped_column(BigInteger, server_default="0")
    received_fen: Mapped[int] = mapped_column(BigInteger, server_default="0")


class LoanTransaction(Base):
    """Money a borrower paid: a repayment, a partial prepayment or the settlement."""

    __tablename__ = "loan_transactions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    loan_id: Mapped[str] = mapped_column(String(36), ForeignKey("loans.id"), index=True)
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    paid_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    option: Mapped[str | None] = mapped_column(String(20), nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    entry_id: Mapped[str] = mapped_column(String(36))


class LoanOverdueNotice(Base):
    """loan.overdue sent: once per loan, oldest late instalment and threshold."""

    __tablename__ = "loan_overdue_notices"

    loan_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instalment: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    threshold_days: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())


# -- the journal's guards on SQLite (the text migration 0002 reads too: journal_guards.py) ---------

for _name, _sql in SQLITE_TRIGGERS.items():
    _table = JournalEntry.__table__ if " ON journal_entries" in _sql else JournalLine.__table__
    event.listen(_table, "after_create", DDL(_sql.strip()).execute_if(dialect="sqlite"))

metadata = Base.metadata
platform_tables(metadata)
