"""Union housing loan (工会安居贷) use cases: products, application → approval by another officer
(maker–checker) → disbursement from the union's fund → repayments, partial prepayments, the
settlement quote and settlement, and the daily overdue check.

The loan's state is always the replay of its transactions in date order (domain/loans.py); the
ledger follows it by the difference: after every change `book` posts what the replay now says
minus what was booked before (interest and the union's subsidy fallen due, penalties, money
applied to principal and charges). So a backdated repayment, which changes the replay from its
date on, moves the ledger by exactly the change, and at every commit the ledger's loan accounts
equal the loans' own figures (1301 principal left, 1303 unpaid interest and penalties, 2206 credit).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import func, select

from services.common.errors import Conflict, NotFound

from . import ledger, models, payloads
from .domain import chart
from .domain.ledger import Cause, EntryDraft, FutureDate, Line, credit, debit
from .domain.loans import (
    LoanError,
    LoanStatus,
    Product,
    Terms,
    Tx,
    TxKind,
    check_approver,
    replay,
    settlement_amount,
)
from .domain.rent import threshold_crossed
from .domain.schedule import Method, PrepaymentOption

SYSTEM = "system:finance-loans"
FUND = "union_funds"  # loans are lent from the union's general fund (工会经费)
L, T = models.Loan, models.LoanTransaction


# -- products ---------------------------------------------------------------------------------------

def product_of(row: models.LoanProduct) -> Product:
    return Product(row.code, row.annual_rate, row.subsidy_share, row.max_amount_fen,
                   tuple(int(t) for t in row.terms.split(",")), Method(row.method), row.penalty_rate, row.grace_days,
                   tuple(row.allocation_order.split(",")))


def set_product(uow, now: datetime, code: str, body: dict, set_by: str) -> models.LoanProduct:
    """Create or change a product (a change applies to loans applied for after it)."""
    product = Product(code, body["annual_rate"], body["subsidy_share"], body["max_amount_fen"],
                      tuple(sorted(set(body["terms"]))), Method(body["method"]), body["penalty_rate"],
                      body["grace_days"], tuple(body["allocation_order"]))
    product.check()
    row = uow.session.get(models.LoanProduct, code) or models.LoanProduct(code=code)
    row.name, row.annual_rate, row.subsidy_share = body["name"], product.annual_rate, product.subsidy_share
    row.max_amount_fen, row.method = product.max_amount_fen, product.method
    row.terms = ",".join(map(str, product.terms))
    row.penalty_rate, row.grace_days = product.penalty_rate, product.grace_days
    row.allocation_order, row.set_by, row.set_at = ",".join(product.allocation_order), set_by, now
    uow.session.add(row)
    uow.session.flush()
    return row


def products(session) -> list[models.LoanProduct]:
    return list(session.scalars(select(models.LoanProduct).order_by(models.LoanProduct.code)))


# -- from application to disbursement --------------------------------------------------------------

def apply(uow, now: datetime, product_code: str, person_ref: str, amount_fen: int, term_months: int,
          applied_by: str) -> models.Loan:
    row = uow.session.get(models.LoanProduct, product_code)
    if row is None:
        raise LoanError(f"no loan product {product_code}", "product_code")
    product = product_of(row)
    product.check_application(amount_fen, term_months)
    loan = L(id=str(uuid.uuid4()), product_code=product_code, person_ref=person_ref, amount_fen=amount_fen,
             term_months=term_months, method=product.method.value, annual_rate=product.annual_rate,
             subsidy_share=product.subsidy_share, penalty_rate=product.penalty_rate, grace_days=product.grace_days,
             allocation_order=",".join(product.allocation_order), status=LoanStatus.APPLIED.value,
             applied_by=applied_by, applied_at=now)
    uow.session.add(loan)
    uow.session.flush()
    return loan


def get_loan(session, loan_id: str, *, lock: bool = False) -> models.Loan:
    stmt = select(L).where(L.id == loan_id)
    loan = session.scalar(stmt.with_for_update() if lock else stmt)
    if loan is None:
        raise NotFound(f"no loan {loan_id}")
    return loan


def _expect(loan, status: LoanStatus, doing: str) -> None:
    if loan.status != status:
        raise Conflict(f"loan {loan.id} is {loan.status}; only an {status.value} loan can be {doing}")


def decide(uow, now: datetime, loan_id: str, approve: bool, decided_by: str, reason: str | None = None):
    """Approve or reject an application: never by the officer who took it."""
    loan = get_loan(uow.session, loan_id, lock=True)
    check_approver(loan.applied_by, decided_by)
    _expect(loan, LoanStatus.APPLIED, "decided")
    loan.status = (LoanStatus.APPROVED if approve else LoanStatus.REJECTED).value
    loan.decided_by, loan.decided_at, loan.decision_reason = decided_by, now, reason
    if approve:
        uow.publish("loan.approved", payloads.loan_approved(loan, now))
    return loan


def disburse(uow, now: datetime, today: date, loan_id: str, disbursed_by: str) -> models.Loan:
    """Pay an approved loan out of the union's fund (Dr 1301 / Cr 1002:union_funds; refused whole
    when the fund holds less); the schedule runs from today."""
    ledger.lock(uow, now)
    loan = get_loan(uow.session, loan_id)
    _expect(loan, LoanStatus.APPROVED, "disbursed")
    entry, _ = ledger.post_entry(uow, now, today, EntryDraft(
        kind="loan_disbursement", posted_on=today, memo=f"union housing loan {loan.id}",
        lines=(debit(chart.LOANS_RECEIVABLE, loan.amount_fen), credit(chart.fund_account(FUND), loan.amount_fen)),
        idempotency_id=f"loan_disbursement:{loan.id}", cause=Cause("loan", loan.id), recorded_by=disbursed_by),
        overdraft_field="amount_fen")
    loan.status, loan.disbursed_on, loan.disbursement_entry_id = LoanStatus.ACTIVE.value, today, entry.id
    uow.session.flush()
    uow.publish("loan.disbursed", payloads.loan_disbursed(loan, terms(loan).first_schedule(), entry))
    return loan


# -- the replay and the books -------------------------------------------------------------------

def terms(loan: models.Loan) -> Terms:
    return Terms(loan.amount_fen, loan.annual_rate, loan.subsidy_share, loan.term_months, Method(loan.method),
                 loan.penalty_rate, loan.grace_days, loan.disbursed_on, tuple(loan.allocation_order.split(",")))


def _txs(session, loan_id: str) -> list[Tx]:
    rows = session.scalars(select(T).where(T.loan_id == loan_id)).all()
    return [Tx(r.id, r.paid_on, TxKind(r.kind), r.amount_fen, PrepaymentOption(r.option) if r.option else None)
            for r in rows]


def state(session, loan: models.Loan, on: date, extra: Tx | None = None):
    if loan.disbursed_on is None:
        raise Conflict(f"loan {loan.id} is not disbursed")
    return replay(terms(loan), [*_txs(session, loan.id), *([extra] if extra else [])], on)


def _lines(*pairs) -> tuple[Line, ...]:
    return tuple(Line(account, fen) for account, fen in pairs if fen)


def book(uow, now: datetime, today: date, loan: models.Loan):
    """Bring the ledger to the replay on ``today`` (by the difference from what was booked)."""
    s = state(uow.session, loan, today)
    interest, subsidy, penalty = s.total("interest"), s.total("subsidy"), s.total("penalty")
    d_int, d_sub, d_pen = (interest - loan.booked_interest_fen, subsidy - loan.booked_subsidy_fen,
                           penalty - loan.booked_penalty_fen)
    if d_int or d_sub or d_pen:
        ledger.post_entry(uow, now, today, EntryDraft(
            kind="loan_accrual", posted_on=today, memo=f"loan {loan.id}: interest and penalties fallen due",
            lines=_lines((chart.LOAN_CHARGES_RECEIVABLE, d_int + d_pen), (chart.INTEREST_SUBSIDY_EXPENSE, d_sub),
                         (chart.LOAN_INTEREST_INCOME, -(d_int + d_sub)), (chart.LOAN_PENALTY_INCOME, -d_pen)),
            idempotency_id=f"loan_accrual:{uuid.uuid4()}", cause=Cause("loan", loan.id), recorded_by=SYSTEM))
        loan.booked_interest_fen, loan.booked_subsidy_fen, loan.booked_penalty_fen = interest, subsidy, penalty
    principal, charges = s.paid("principal"), s.paid("interest") + s.paid("penalty")
    d_pr, d_ch = principal - loan.booked_principal_paid_fen, charges - loan.booked_charges_paid_fen
    if d_pr or d_ch:
        ledger.post_entry(uow, now, today, EntryDraft(
            kind="loan_application", posted_on=today, memo=f"loan {loan.id}: repayments applied",
            lines=_lines((chart.LOAN_UNAPPLIED, d_pr + d_ch), (chart.LOANS_RECEIVABLE, -d_pr),
                         (chart.LOAN_CHARGES_RECEIVABLE, -d_ch)),
            idempotency_id=f"loan_application:{uuid.uuid4()}", cause=Cause("loan", loan.id), recorded_by=SYSTEM))
        loan.booked_principal_paid_fen, loan.booked_charges_paid_fen = principal, charges
    if s.settled_on and loan.status != LoanStatus.SETTLED:
        loan.status, loan.settled_on = LoanStatus.SETTLED.value, s.settled_on
    uow.session.flush()
    return s


def pay(uow, now: datetime, today: date, loan_id: str, kind: TxKind, amount_fen: int, paid_on: date, reference: str,
        recorded_by: str, option: PrepaymentOption | None = None):
    """Money from the borrower: a repayment, a partial prepayment (with its option) or the
    settlement, dated the day paid (a backdated one reprocesses the loan from that day). The
    same reference again with the same content is the same transaction; checks that would fail
    (a settled loan, a prepayment with arrears or of all that is owed, too little to settle)
    refuse it whole."""
    if paid_on > today:
        raise FutureDate(f"paid_on {paid_on.isoformat()} is in the future (today is {today.isoformat()})", "paid_on")
    ledger.lock(uow, now)
    loan = get_loan(uow.session, loan_id)
    same = uow.session.scalar(select(T).where(T.reference == reference))
    if same is not None:
        if (same.loan_id, same.kind, same.amount_fen, same.paid_on) != (loan_id, kind.value, amount_fen, paid_on):
            raise Conflict(f"reference {reference!r} is already recorded for another transaction")
        return same, state(uow.session, loan, today), False
    if loan.status == LoanStatus.SETTLED:
        raise LoanError(f"loan {loan_id} was settled on {loan.settled_on.isoformat()}; it takes no more money",
                        "loan_id")
    if loan.status != LoanStatus.ACTIVE:
        raise Conflict(f"loan {loan_id} is {loan.status}: only a disbursed loan is repaid")
    if paid_on < loan.disbursed_on:
        raise LoanError("paid_on is before the loan was disbursed", "paid_on")
    tx = T(id=str(uuid.uuid4()), loan_id=loan_id, reference=reference, kind=kind.value, paid_on=paid_on,
           amount_fen=amount_fen, option=option.value if option else None, recorded_by=recorded_by, recorded_at=now)
    state(uow.session, loan, today, Tx(tx.id, paid_on, kind, amount_fen, option))  # refused whole if it breaks a rule
    entry, _ = ledger.post_entry(uow, now, today, EntryDraft(
        kind="loan_receipt", posted_on=today, memo=f"loan {loan_id}: {kind.value} paid {paid_on.isoformat()}",
        lines=(debit(chart.LOAN_BANK, amount_fen), credit(chart.LOAN_UNAPPLIED, amount_fen)),
        idempotency_id=f"loan_receipt:{tx.id}", cause=Cause("loan_transaction", tx.id), recorded_by=recorded_by))
    tx.entry_id = entry.id
    uow.session.add(tx)
    loan.received_fen += amount_fen
    uow.session.flush()
    s = book(uow, now, today, loan)
    uow.publish("loan.instalment_paid", payloads.loan_paid(loan, tx, s))
    if kind is TxKind.SETTLEMENT:
        uow.publish("loan.settled", payloads.loan_settled(loan, tx))
    return tx, s, True


def quote(session, loan_id: str, on: date) -> dict:
    loan = get_loan(session, loan_id)
    if loan.status == LoanStatus.SETTLED:
        raise LoanError(f"loan {loan_id} is settled", "loan_id")
    s = state(session, loan, on)
    total, interest, subsidy = settlement_amount(terms(loan), s)
    return {"loan_id": loan_id, "on": on, "total_fen": total, "principal_fen": s.principal_left_fen,
            "interest_fen": interest, "subsidy_fen": subsidy, "borrower_interest_fen": interest - subsidy,
            "arrears_fen": s.arrears_fen, "credit_fen": s.credit_fen}


LOAN_THRESHOLDS = (1, 31, 61, 91)


def check_overdue(uow, now: datetime, today: date) -> list[dict]:
    """The daily run: book every active loan to today (interest fallen due, penalties) and send
    loan.overdue once per loan, oldest late instalment and threshold crossed."""
    ledger.lock(uow, now)
    sent = []
    for loan in uow.session.scalars(select(L).where(L.status == LoanStatus.ACTIVE).order_by(L.id)).all():
        s = book(uow, now, today, loan)
        threshold = threshold_crossed(s.days_overdue)
        if threshold is None:
            continue
        oldest = s.overdue[0].number
        if uow.session.get(models.LoanOverdueNotice, (loan.id, oldest, threshold)) is not None:
            continue
        uow.session.add(models.LoanOverdueNotice(loan_id=loan.id, instalment=oldest, threshold_days=threshold,
                                                 sent_at=now))
        data = payloads.loan_overdue(loan, s, oldest, threshold)
        uow.publish("loan.overdue", data)
        sent.append(data)
    uow.session.flush()
    return sent


def loans(session, *, status: str | None = None, person_ref: str | None = None, page: int = 1,
          page_size: int = 50) -> tuple[int, list[models.Loan]]:
    """Loans in the order taken (applied_at, then id), paged."""
    stmt = select(L)
    for column, value in ((L.status, status), (L.person_ref, person_ref)):
        if value is not None:
            stmt = stmt.where(column == value)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(L.applied_at, L.id).offset((page - 1) * page_size).limit(page_size)).all()
    return total, list(rows)


def delinquency(session, today: date) -> dict:
    """Active loans by delinquency bucket (current, 1–30, 31–60, 61–90, 90+): count and arrears."""
    out: dict[str, dict] = {}
    for loan in session.scalars(select(L).where(L.status == LoanStatus.ACTIVE)).all():
        s = state(session, loan, today)
        b = out.setdefault(s.bucket.value, {"loans": 0, "arrears_fen": 0, "principal_left_fen": 0})
        b["loans"] += 1
        b["arrears_fen"] += sum(d.outstanding_fen for d in s.overdue)
        b["principal_left_fen"] += s.principal_left_fen
    return out
