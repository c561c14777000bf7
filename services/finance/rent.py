"""Rent (租金) use cases: tenancy.started opens a rent account, the monthly billing run invoices
every tenancy (once per tenancy and month), payments are allocated oldest invoice first (rules
in domain/rent.py), reductions granted by assistance lower the next invoices, tenancy.ended
bills the last prorated month and stops billing, and arrears crossing a threshold publish
rent.overdue once.

Every amount posts through the ledger: an invoice Dr 1131 rent receivable / Cr 4201 rent income;
a payment Dr 1021 rent bank / Cr 2205 received in advance; applying payments to invoices Dr 2205 /
Cr 1131 (the change of the applied total, after every re-allocation — so a backdated or reversed
payment moves exactly the difference). Hence, at every commit, ledger 1131 = Σ (invoiced −
applied) and 2205 = Σ (paid − applied) over the accounts, which the tests check.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import and_, exists, func, select, update

from services.common.errors import Conflict, NotFound
from services.common.stopwatch import NO_STOPWATCH

from . import ledger, models, payloads, repository
from .domain import chart
from .domain.ledger import Cause, EntryDraft, FutureDate, LedgerError, credit, debit, month_of, next_month
from .domain.rent import (
    Invoice,
    Payment,
    Reduction,
    RentError,
    allocate,
    arrears,
    billing_months,
    charge_for,
    effective_from,
    last_day_of,
    month_bounds,
    reduction_in,
    threshold_crossed,
)
from .domain.schedule import Bucket

BILLER = "system:finance-billing"
A, INV, P, R = models.RentAccount, models.RentInvoice, models.RentPayment, models.RentReduction


# -- accounts ----------------------------------------------------------------------------------------

def open_account(uow, now: datetime, event_id: str, data: dict, today: date | None = None) -> models.RentAccount:
    """tenancy.started → the tenancy's rent account (once: a second event for the tenancy is
    absorbed). Reductions granted before the account existed are attached to it; a
    tenancy.ended that came first ends it at once (its months through the end billed)."""
    existing = uow.session.get(A, data["tenancy_id"])
    if existing is not None:
        return existing
    account = A(tenancy_id=data["tenancy_id"], person_ref=data["person_ref"], unit_id=data["unit_id"],
                project_id=data["project_id"], start=data["start"], end=data["end"], rent_fen=data["rent_fen"],
                status="active", event_id=event_id, opened_at=now, invoiced_fen=0, paid_fen=0, applied_fen=0)
    uow.session.add(account)
    uow.session.flush()
    uow.session.execute(update(R).where(R.tenancy_id.is_(None), R.person_ref == account.person_ref)
                        .values(tenancy_id=account.tenancy_id))
    early = uow.session.get(models.EarlyTenancyEnd, account.tenancy_id)
    if early is not None:
        end_tenancy(uow, now, today or early.ended_on, account.tenancy_id, early.ended_on)
    return account


def get_account(session, tenancy_id: str, *, lock: bool = False) -> models.RentAccount:
    stmt = select(A).where(A.tenancy_id == tenancy_id)
    account = session.scalar(stmt.with_for_update() if lock else stmt)
    if account is None:
        raise NotFound(f"no rent account for tenancy {tenancy_id}")
    return account


def _next_unbilled(session, account) -> str:
    last = session.scalar(select(func.max(INV.month)).where(INV.tenancy_id == account.tenancy_id))
    return next_month(last) if last else month_of(account.start)


def _reductions(session, tenancy_ids) -> dict[str, list[Reduction]]:
    out: dict[str, list[Reduction]] = {}
    for r in session.scalars(select(R).where(R.tenancy_id.in_(list(tenancy_ids)))):
        out.setdefault(r.tenancy_id, []).append(Reduction(r.from_month, r.months, r.amount_fen))
    return out


# -- billing -------------------------------------------------------------------------------------------

def _invoice_draft(account, inv_id: str, month: str, amount: int, today: date) -> EntryDraft:
    return EntryDraft(kind="rent_invoice", posted_on=today, memo=f"rent {month} tenancy {account.tenancy_id}",
                      lines=(debit(chart.RENT_RECEIVABLE, amount), credit(chart.RENT_INCOME, amount)),
                      idempotency_id=f"rent_invoice:{account.tenancy_id}:{month}",
                      cause=Cause("rent_invoice", inv_id), recorded_by=BILLER)


def bill_month(uow, now: datetime, today: date, month: str, *, watch=NO_STOPWATCH) -> int:
    """Invoice ``month`` for every tenancy that covers a day of it and has no invoice for it yet
    (so a second run bills nothing; the unique (tenancy, month) holds if two runs race). Returns
    the number of invoices issued."""
    first, last = month_bounds(month)
    if month > month_of(today):
        raise RentError(f"{month} has not begun (today is {today.isoformat()}); months are billed from their "
                        "first day", "month")
    ledger.lock(uow, now)
    s = uow.session
    billed = exists().where(and_(INV.tenancy_id == A.tenancy_id, INV.month == month))
    # Plain rows, not ORM objects: 20,000 of them a month (bench/finance_billing.py).
    accounts = s.execute(select(A.tenancy_id, A.person_ref, A.start, A.end, A.ended_on, A.rent_fen, A.paid_fen,
                                A.applied_fen)
                         .where(A.start <= last, A.end >= first, (A.ended_on.is_(None)) | (A.ended_on >= first),
                                ~billed).order_by(A.tenancy_id)).all()
    watch.lap("select")
    reductions = _reductions(s, [a.tenancy_id for a in accounts]) if accounts else {}
    rows, drafts, deltas = [], [], []
    for account in accounts:
        reduction = reduction_in(month, reductions.get(account.tenancy_id, ()))
        charge = charge_for(month, account.start, last_day_of(account.end, account.ended_on), account.rent_fen,
                            reduction)
        if charge is None:
            continue
        inv_id = str(uuid.uuid4())
        rows.append({"id": inv_id, "tenancy_id": account.tenancy_id, "month": month,
                     "period_start": charge.period_start, "period_end": charge.period_end, "days": charge.days,
                     "gross_fen": charge.gross_fen, "reduction_fen": charge.reduction_fen,
                     "amount_fen": charge.amount_fen, "paid_fen": 0, "paid_off_on": None, "due_on": charge.due_on,
                     "issued_on": today, "entry_id": None})
        if charge.amount_fen:
            drafts.append((len(rows) - 1, _invoice_draft(account, inv_id, month, charge.amount_fen, today)))
        deltas.append((account.tenancy_id, charge.amount_fen))
    watch.lap("charges")
    if not rows:
        return 0
    posted = ledger.post_entries(uow, now, today, [d for _, d in drafts], watch=watch)
    for (n, _), (entry, _) in zip(drafts, posted, strict=True):
        rows[n]["entry_id"] = entry.id
    repository.write_invoices(s, rows, deltas)
    watch.lap("write invoices")
    for row in accounts:  # credit kept from over-payments pays the new invoice at once
        if row.paid_fen > row.applied_fen:
            account = s.get(A, row.tenancy_id)
            s.refresh(account)
            reallocate(uow, now, today, account)
    tenants = {a.tenancy_id: a.person_ref for a in accounts}
    uow.publish_many("rent.invoiced", [payloads.rent_invoiced(r, today, tenants[r["tenancy_id"]]) for r in rows])
    watch.lap("events")
    return len(rows)


def record_billing_run(uow, now: datetime, month: str, invoices: int) -> models.BillingRun:
    run = models.BillingRun(id=str(uuid.uuid4()), month=month, invoices=invoices, finished_at=now)
    uow.session.add(run)
    return run


def last_billing_run(session) -> models.BillingRun | None:
    return session.scalar(select(models.BillingRun).order_by(models.BillingRun.finished_at.desc()).limit(1))


# -- the end of a tenancy --------------------------------------------------------------------------

def end_tenancy(uow, now: datetime, today: date, tenancy_id: str, ended_on: date) -> models.RentAccount | None:
    """tenancy.ended: billing stops after ``ended_on`` (its last day). Months through it not yet
    billed (up to this month) get their invoices, the last one prorated; invoices already issued
    for days after it are lowered to the days lived (a move-out inside a billed month). None when
    finance has no account for the tenancy yet (the end is kept and applied when it opens)."""
    ledger.lock(uow, now)
    account = uow.session.get(A, tenancy_id)
    if account is None:  # the start has not arrived yet: keep the end for it
        if uow.session.get(models.EarlyTenancyEnd, tenancy_id) is None:
            uow.session.add(models.EarlyTenancyEnd(tenancy_id=tenancy_id, ended_on=ended_on, received_at=now))
            uow.session.flush()
        return None
    if account.status == "ended":
        return account
    account.status, account.ended_on = "ended", ended_on
    last_day = last_day_of(account.end, ended_on)
    reductions = _reductions(uow.session, [tenancy_id]).get(tenancy_id, [])
    for inv in uow.session.scalars(select(INV).where(INV.tenancy_id == tenancy_id, INV.period_end > last_day)).all():
        charge = charge_for(inv.month, account.start, last_day, account.rent_fen, reduction_in(inv.month, reductions))
        amount = charge.amount_fen if charge else 0
        lower = inv.amount_fen - amount
        if lower > 0:
            ledger.post_entry(uow, now, today, EntryDraft(
                kind="rent_adjustment", posted_on=today, memo=f"rent {inv.month}: moved out {ended_on.isoformat()}",
                lines=(debit(chart.RENT_INCOME, lower), credit(chart.RENT_RECEIVABLE, lower)),
                idempotency_id=f"rent_adjustment:{inv.id}:{ended_on.isoformat()}", cause=Cause("rent_invoice", inv.id),
                recorded_by=BILLER))
            account.invoiced_fen -= lower
        inv.amount_fen = amount
        inv.gross_fen = charge.gross_fen if charge else 0
        inv.reduction_fen = charge.reduction_fen if charge else 0
        inv.days = charge.days if charge else 0
        inv.period_end = charge.period_end if charge else inv.period_start
    uow.session.flush()
    through = min(last_day, today)
    billed = set(uow.session.scalars(select(INV.month).where(INV.tenancy_id == tenancy_id)))
    for month in billing_months(account.start, through):
        if month in billed:
            continue
        charge = charge_for(month, account.start, last_day, account.rent_fen, reduction_in(month, reductions))
        if charge is None:
            continue
        _issue(uow, now, today, account, charge)
    reallocate(uow, now, today, account)
    return account


def _issue(uow, now, today, account, charge) -> models.RentInvoice:
    row = {"id": str(uuid.uuid4()), "tenancy_id": account.tenancy_id, "month": charge.month,
           "period_start": charge.period_start, "period_end": charge.period_end, "days": charge.days,
           "gross_fen": charge.gross_fen, "reduction_fen": charge.reduction_fen, "amount_fen": charge.amount_fen,
           "paid_fen": 0, "paid_off_on": None, "due_on": charge.due_on, "issued_on": today, "entry_id": None}
    if charge.amount_fen:
        entry, _ = ledger.post_entry(uow, now, today,
                                     _invoice_draft(account, row["id"], charge.month, charge.amount_fen, today))
        row["entry_id"] = entry.id
    inv = INV(**row)
    uow.session.add(inv)
    account.invoiced_fen += charge.amount_fen
    uow.session.flush()
    uow.publish("rent.invoiced", payloads.rent_invoiced(row, today, account.person_ref))
    return inv


# -- payments --------------------------------------------------------------------------------------

def _domain(session, tenancy_id):
    invoices = session.scalars(select(INV).where(INV.tenancy_id == tenancy_id).order_by(INV.month)).all()
    payments = session.scalars(select(P).where(P.tenancy_id == tenancy_id, P.status == "recorded")).all()
    return (invoices, [Invoice(i.id, i.month, i.amount_fen, i.due_on) for i in invoices],
            [Payment(p.id, p.paid_on, p.amount_fen) for p in payments])


def reallocate(uow, now: datetime, today: date, account: models.RentAccount):
    """Allocate the account's payments to its invoices afresh (domain.rent.allocate) and post
    the change of the applied total (Dr 2205 / Cr 1131, or back)."""
    result, draft = _allocation(uow.session, today, account)
    if draft is not None:
        ledger.post_entry(uow, now, today, draft)
        account.applied_fen = result.applied_fen
    uow.session.flush()
    return result


def _allocation(session, today: date, account: models.RentAccount):
    """The account's invoices paid afresh from its payments (rows updated), and the entry that
    moves the change of the applied total — None when it did not change."""
    rows, invoices, payments = _domain(session, account.tenancy_id)
    result = allocate(invoices, payments)
    for row in rows:
        paid, off = result.paid[row.id], result.paid_off_on[row.id]
        if (row.paid_fen, row.paid_off_on) != (paid, off):
            row.paid_fen, row.paid_off_on = paid, off
    change = result.applied_fen - account.applied_fen
    if not change:
        return result, None
    lines = (debit(chart.RENT_IN_ADVANCE, change), credit(chart.RENT_RECEIVABLE, change)) if change > 0 else (
        debit(chart.RENT_RECEIVABLE, -change), credit(chart.RENT_IN_ADVANCE, -change))
    return result, EntryDraft(
        kind="rent_allocation", posted_on=today, memo=f"rent payments applied, tenancy {account.tenancy_id}",
        lines=lines, idempotency_id=f"rent_allocation:{uuid.uuid4()}",
        cause=Cause("rent_account", account.tenancy_id), recorded_by=BILLER)


def record_payment(uow, now: datetime, today: date, tenancy_id: str, amount_fen: int, paid_on: date,
                   reference: str, recorded_by: str, *, request_id: str | None = None
                   ) -> tuple[models.RentPayment, bool]:
    """Rent received (full, partial or more than owed: the rest is kept as credit), dated the day
    paid (which may be earlier than entries already made: the allocation follows the dates). The
    same reference again with the same content is the same payment; with other content, a 409.
    An ended account takes no more than it is owed (no credit is kept on it)."""
    if paid_on > today:
        raise FutureDate(f"paid_on {paid_on.isoformat()} is in the future (today is {today.isoformat()})", "paid_on")
    ledger.lock(uow, now)
    account = get_account(uow.session, tenancy_id)
    same = _same_reference(uow.session, tenancy_id, amount_fen, paid_on, reference)
    if same is not None:
        return same, False
    _check_payment(account, amount_fen, paid_on, account.invoiced_fen - account.applied_fen)
    payment, draft = _payment(tenancy_id, amount_fen, paid_on, reference, recorded_by, now, today, request_id)
    entry, _ = ledger.post_entry(uow, now, today, draft)
    payment.entry_id = entry.id
    uow.session.add(payment)
    account.paid_fen += amount_fen
    uow.session.flush()
    result = reallocate(uow, now, today, account)
    uow.publish("rent.paid", payloads.rent_paid(account, payment, result))
    return payment, True


def _same_reference(session, tenancy_id, amount_fen, paid_on, reference) -> models.RentPayment | None:
    """The payment already recorded under ``reference`` (a replay), if any; another payment's
    reference is a 409."""
    same = session.scalar(select(P).where(P.reference == reference))
    if same is not None and (same.tenancy_id, same.amount_fen, same.paid_on) != (tenancy_id, amount_fen, paid_on):
        raise Conflict(f"reference {reference!r} is already recorded for another payment")
    return same


def _check_payment(account, amount_fen: int, paid_on: date, owed: int) -> None:
    if paid_on < account.start.replace(day=1):
        raise RentError(f"paid_on {paid_on.isoformat()} is before the tenancy began", "paid_on")
    if account.status == "ended" and amount_fen > owed:
        raise RentError(f"the rent account of tenancy {account.tenancy_id} is ended and owes {owed} fen; it takes "
                        "no more than that", "amount_fen")


def _payment(tenancy_id, amount_fen, paid_on, reference, recorded_by, now, today, request_id):
    payment = P(id=str(uuid.uuid4()), tenancy_id=tenancy_id, reference=reference, paid_on=paid_on,
                amount_fen=amount_fen, status="recorded", recorded_by=recorded_by, recorded_at=now)
    return payment, EntryDraft(
        kind="rent_payment", posted_on=today, memo=f"rent paid {paid_on.isoformat()} tenancy {tenancy_id}",
        lines=(debit(chart.RENT_BANK, amount_fen), credit(chart.RENT_IN_ADVANCE, amount_fen)),
        idempotency_id=f"rent_payment:{payment.id}", cause=Cause("rent_payment", payment.id, request_id=request_id),
        recorded_by=recorded_by)


def record_payments(uow, now: datetime, today: date, items: list[dict], recorded_by: str, *,
                    request_id: str | None = None) -> list[tuple[models.RentPayment, bool]]:
    """A batch of rent payments (a bank's collection file, 银行批量代扣) recorded in one
    transaction: all of them or, when one is refused, none. Each is checked as record_payment
    checks one (the same reference again is the same payment); a refused one is named by its
    place in the batch, ``payments.<i>.<field>``. The payments' entries are posted together, then
    each account touched is allocated once and its change posted together (two bulk postings,
    not two per payment); each rent.paid says what the account owes after the batch."""
    session = uow.session
    ledger.lock(uow, now)
    accounts: dict[str, models.RentAccount] = {}
    taken: dict[str, int] = {}  # tenancy → fen this batch pays (an ended account takes what it owes)
    refs: dict[str, tuple[dict, tuple]] = {}  # reference → the line, and what it gave
    out: list = []
    new: list[tuple[models.RentPayment, EntryDraft]] = []
    for i, item in enumerate(items):
        tenancy_id, amount_fen, reference = item["tenancy_id"], item["amount_fen"], item["reference"]
        paid_on = item["paid_on"] or today
        try:
            if paid_on > today:
                raise FutureDate(f"paid_on {paid_on.isoformat()} is in the future (today is {today.isoformat()})",
                                 "paid_on")
            account = accounts.get(tenancy_id) or session.get(A, tenancy_id)
            if account is None:
                raise RentError(f"no rent account for tenancy {tenancy_id[:64]!r}", "tenancy_id")
            accounts[tenancy_id] = account
            line = (tenancy_id, amount_fen, paid_on)
            if reference in refs:  # twice in one file: the same line again, or a clash
                if refs[reference][0] != line:
                    raise Conflict(f"reference {reference!r} appears twice in the batch for other payments")
                out.append((refs[reference][1][0], False))
                continue
            same = _same_reference(session, tenancy_id, amount_fen, paid_on, reference)
            if same is not None:
                refs[reference] = (line, (same, False))
                out.append((same, False))
                continue
            _check_payment(account, amount_fen, paid_on,
                           account.invoiced_fen - account.applied_fen - taken.get(tenancy_id, 0))
        except (RentError, LedgerError) as exc:
            # the same refusal, named by the payment's place: alone it says "paid_on", in a file
            # of hundreds the clerk needs to know which line
            raise type(exc)(f"payment {i}: {exc.message}",
                            f"payments.{i}.{exc.field}" if exc.field else f"payments.{i}") from None
        taken[tenancy_id] = taken.get(tenancy_id, 0) + amount_fen
        payment, draft = _payment(tenancy_id, amount_fen, paid_on, reference, recorded_by, now, today, request_id)
        refs[reference] = (line, (payment, True))
        new.append((payment, draft))
        out.append((payment, True))
    if not new:
        return out
    for (payment, _), (entry, _) in zip(new, ledger.post_entries(uow, now, today, [d for _, d in new]),
                                        strict=True):
        payment.entry_id = entry.id
        accounts[payment.tenancy_id].paid_fen += payment.amount_fen
    session.add_all([p for p, _ in new])
    session.flush()
    results, moved = {}, []
    for tenancy_id in dict.fromkeys(p.tenancy_id for p, _ in new):  # each account once, in batch order
        account = accounts[tenancy_id]
        results[tenancy_id], draft = _allocation(session, today, account)
        if draft is not None:
            moved.append((account, draft))
    if moved:
        ledger.post_entries(uow, now, today, [d for _, d in moved])
        for account, _ in moved:
            account.applied_fen = results[account.tenancy_id].applied_fen
    session.flush()
    uow.publish_many("rent.paid", [payloads.rent_paid(accounts[p.tenancy_id], p, results[p.tenancy_id])
                                   for p, _ in new])
    return out


def reverse_payment(uow, now: datetime, today: date, tenancy_id: str, payment_id: str, reason: str,
                    recorded_by: str) -> models.RentPayment:
    """A payment entered by mistake is reversed (冲销): it stops counting and the allocation is
    made again without it (invoices it paid become unpaid)."""
    ledger.lock(uow, now)
    account = get_account(uow.session, tenancy_id)
    payment = uow.session.get(P, payment_id)
    if payment is None or payment.tenancy_id != tenancy_id:
        raise NotFound(f"no payment {payment_id} on tenancy {tenancy_id}")
    if payment.status == "reversed":
        if payment.reversal_reason == reason:
            return payment
        raise Conflict(f"payment {payment_id} is already reversed")
    entry, _ = ledger.post_entry(uow, now, today, EntryDraft(
        kind="rent_payment_reversal", posted_on=today, memo=f"reversal of rent payment {payment.reference}",
        lines=(debit(chart.RENT_IN_ADVANCE, payment.amount_fen), credit(chart.RENT_BANK, payment.amount_fen)),
        idempotency_id=f"rent_payment_reversal:{payment.id}", cause=Cause("rent_payment", payment.id),
        recorded_by=recorded_by, reason=reason), overdraft_field="payment_id")
    payment.status, payment.reversal_entry_id, payment.reversal_reason = "reversed", entry.id, reason
    account.paid_fen -= payment.amount_fen
    uow.session.flush()
    reallocate(uow, now, today, account)
    return payment


# -- reductions -------------------------------------------------------------------------------------

def receive_rent_reduction(uow, now: datetime, event_id: str, data: dict) -> models.RentReduction | None:
    """assistance's relief.approved of kind rent reduction: ``amount_fen`` off each of ``months``
    months, from the next invoice of the household's tenancy (the granted first month, or the
    first not yet billed). Kept and applied when the tenancy's account opens if it has none yet."""
    existing = uow.session.get(R, data["relief_id"])
    if existing is not None:
        return existing
    account = uow.session.scalars(select(A).where(A.person_ref == data["person_ref"], A.status == "active")
                                  .order_by(A.start.desc())).first()
    granted = data.get("from_month") or month_of(data["approved_at"])
    start = effective_from(granted, _next_unbilled(uow.session, account)) if account else granted
    row = R(relief_id=data["relief_id"], tenancy_id=account.tenancy_id if account else None,
            person_ref=data["person_ref"], event_id=event_id, amount_fen=data["amount_fen"], from_month=start,
            months=data.get("months") or 1, received_at=now)
    uow.session.add(row)
    uow.session.flush()
    return row


# -- arrears -----------------------------------------------------------------------------------------

def account_arrears(session, account, today: date):
    rows, invoices, payments = _domain(session, account.tenancy_id)
    return arrears(invoices, allocate(invoices, payments), today)


def detect_overdue(uow, now: datetime, today: date) -> list[dict]:
    """Publish rent.overdue for every tenancy whose oldest unpaid rent has crossed a threshold
    (1, 31, 61, 91 days) not yet notified for that arrears; returns the events' data."""
    owing = uow.session.scalars(select(A).where(A.invoiced_fen > A.applied_fen).order_by(A.tenancy_id)).all()
    sent = []
    for account in owing:
        a = account_arrears(uow.session, account, today)
        threshold = threshold_crossed(a.days_overdue)
        if threshold is None:
            continue
        key = (account.tenancy_id, a.oldest_month, threshold)
        if uow.session.get(models.RentOverdueNotice, key) is not None:
            continue
        uow.session.add(models.RentOverdueNotice(tenancy_id=account.tenancy_id, period=a.oldest_month,
                                                 threshold_days=threshold, days_overdue=a.days_overdue,
                                                 sent_at=now))
        data = payloads.rent_overdue(account, a, threshold)
        uow.publish("rent.overdue", data)
        sent.append(data)
    uow.session.flush()
    return sent


def statement(session, tenancy_id: str, today: date) -> dict:
    account = get_account(session, tenancy_id)
    invoices = session.scalars(select(INV).where(INV.tenancy_id == tenancy_id).order_by(INV.month)).all()
    payments = session.scalars(select(P).where(P.tenancy_id == tenancy_id).order_by(P.paid_on, P.recorded_at)).all()
    a = account_arrears(session, account, today)
    return {"account": account, "invoices": invoices, "payments": payments, "arrears": a}


def accounts(session, *, status: str | None = None, page: int = 1, page_size: int = 50):
    """Rent accounts (balances: invoiced, paid, owed, credit) by tenancy id, paged — what a
    reader of every account needs without one statement each."""
    stmt = select(A)
    if status is not None:
        stmt = stmt.where(A.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(A.tenancy_id).offset((page - 1) * page_size).limit(page_size)).all()
    return total, list(rows)


def invoices(session, *, month: str | None = None, tenancy_id: str | None = None, status: str | None = None,
             due_to: date | None = None, page: int = 1, page_size: int = 50):
    """Rent invoices of every tenancy by tenancy and month, paged: a month's bills, the ones not
    yet paid off (``status`` unpaid / paid), or those due by a day (``due_to``)."""
    stmt = select(INV)
    for column, value in ((INV.month, month), (INV.tenancy_id, tenancy_id)):
        if value is not None:
            stmt = stmt.where(column == value)
    if status is not None:
        stmt = stmt.where(INV.paid_fen < INV.amount_fen if status == "unpaid" else INV.paid_fen >= INV.amount_fen)
    if due_to is not None:
        stmt = stmt.where(INV.due_on <= due_to)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(INV.tenancy_id, INV.month).offset((page - 1) * page_size)
                           .limit(page_size)).all()
    return total, list(rows)


def in_arrears(session, today: date, bucket: str | None = None, page: int = 1, page_size: int = 50):
    """The accounts with overdue rent and their ageing, oldest debt first; ``bucket`` keeps
    the accounts whose oldest debt is in it."""
    owing = session.scalars(select(A).where(A.invoiced_fen > A.applied_fen).order_by(A.tenancy_id)).all()
    found = []
    for account in owing:
        a = account_arrears(session, account, today)
        if a.overdue_fen and (bucket is None or a.bucket == Bucket(bucket)):
            found.append((account, a))
    found.sort(key=lambda x: (-x[1].days_overdue, x[0].tenancy_id))
    totals = {b.value: 0 for b in Bucket if b is not Bucket.CURRENT}
    for _, a in found:
        for k, v in a.buckets.items():
            totals[k] += v
    return len(found), found[(page - 1) * page_size: page * page_size], totals
