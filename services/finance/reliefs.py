"""Relief payments (救助金发放): cash relief approved by assistance, paid from the relief fund
(the 1002:<source>:relief sub-accounts, drawn in the district's configured source order) when
the year's relief budget and the fund allow; otherwise kept pending with the reason and paid —
oldest first — when money arrives (a receipt into the relief fund, a budget set or raised, or
the admin trigger). Each payment is a ledger entry whose idempotency id is derived from its
cause, ``relief.approved:<event_id>``: a redelivered event is absorbed by the inbox, and even
without it no relief is ever paid twice.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select, tuple_, update

from services.common.errors import NotFound

from . import ledger, models, payloads, rent, repository
from .domain import chart
from .domain.funds import BudgetTooLow
from .domain.ledger import Cause, EntryDraft, credit, debit
from .domain.money import yuan_text
from .domain.relief import DEFAULT_SOURCE_ORDER, Pending, ReliefConflict, ReliefKind, ReliefStatus, plan

__all__ = ["DEFAULT_SOURCE_ORDER", "receive_approved_relief", "pay_pending", "set_relief_budget"]
PAYER = "system:finance-relief"  # who the automatic payments are recorded by


def receive_approved_relief(uow, now: datetime, today: date, event_id: str, data: dict,
                            source_order=DEFAULT_SOURCE_ORDER) -> models.ReliefPayment | None:
    """Record a ``relief.approved`` of kind cash as issued, and pay what can be paid. A rent
    reduction is not paid as cash: it lowers the household's next rent invoices for the granted
    months (rent.receive_rent_reduction). In kind is assistance's to deliver."""
    if data["kind"] == ReliefKind.RENT_REDUCTION:
        rent.receive_rent_reduction(uow, now, event_id, data)
        return None
    if data["kind"] != ReliefKind.CASH:
        return None
    year = data["year"]
    existing = uow.session.get(models.ReliefPayment, data["relief_id"])
    if existing is not None:  # the same relief in another envelope: absorbed if it says the same
        if (existing.amount_issued_fen, existing.person_ref, existing.household_id, existing.year) != (
                data["amount_fen"], data["person_ref"], data["household_id"], year):
            raise ReliefConflict(f"relief {data['relief_id']} was approved before with other content "
                                 f"(event {existing.event_id})")
        return existing
    row = models.ReliefPayment(
        relief_id=data["relief_id"], event_id=event_id, household_id=data["household_id"],
        person_ref=data["person_ref"], category=data["category"], year=year, amount_issued_fen=data["amount_fen"],
        amount_paid_fen=0, status=ReliefStatus.PENDING.value, pending_reason="not yet processed",
        approved_at=data["approved_at"], received_at=now)
    uow.session.add(row)
    uow.session.flush()
    _pay_new(uow, now, today, row, source_order)
    return row


def _pay_new(uow, now: datetime, today: date, row: models.ReliefPayment, source_order) -> None:
    """Decide a newly approved relief as `pay_pending` would, without re-planning every pending
    one (a burst of 2,000 relief.approved re-planned them all on each: O(n²)). A relief.approved
    brings no money, so the pending reliefs older than ``row`` stay unpaid unless money arrived
    since the last pass some other way; and in `plan`, of the older ones only the first of each
    year can change the state ``row`` meets (every later one of that year waits behind it). So
    ``row`` is planned after just those firsts. When one of them turns out payable, or some
    pending relief sorts after ``row`` (same received_at), the full pass runs instead."""
    ledger.lock(uow, now)
    R = models.ReliefPayment
    pending, older = R.status == ReliefStatus.PENDING, tuple_(R.received_at, R.relief_id) < (row.received_at,
                                                                                            row.relief_id)
    later = uow.session.scalar(select(R.relief_id).where(pending, R.relief_id != row.relief_id, ~older).limit(1))
    years = uow.session.scalars(select(R.year).where(pending, older).distinct()).all()
    firsts = [uow.session.scalars(select(R).where(pending, older, R.year == y)
                                  .order_by(R.received_at, R.relief_id).limit(1)).one() for y in years]
    firsts.sort(key=lambda p: (p.received_at, p.relief_id))
    funds = [chart.fund_account(source, "relief") for source in source_order]
    _, balances = repository.load_accounts(uow.session, funds)
    decisions = plan([Pending(p.relief_id, p.year, p.amount_issued_fen) for p in [*firsts, row]],
                     [(code, balances.get(code, 0)) for code in funds],
                     budget_left(uow.session, {*years, row.year}))
    if later is not None or any(d.paid for d in decisions[:-1]):
        pay_pending(uow, now, today, source_order)
    else:
        _settle(uow, now, today, row, decisions[-1])


def budget_left(session, years) -> dict[int, int | None]:
    R, B = models.ReliefPayment, models.ReliefBudget
    budgets = dict(session.execute(select(B.year, B.amount_fen).where(B.year.in_(list(years)))).all())
    paid = dict(session.execute(select(R.year, func.sum(R.amount_paid_fen)).where(R.year.in_(list(years)))
                                .group_by(R.year)).all())
    return {y: (budgets[y] - int(paid.get(y) or 0)) if y in budgets else None for y in years}


def pay_pending(uow, now: datetime, today: date, source_order=DEFAULT_SOURCE_ORDER) -> list[models.ReliefPayment]:
    """Pay the pending reliefs the budgets and the relief fund allow, oldest first (see
    domain.relief.plan); note the reason on the others. Returns the ones paid now."""
    ledger.lock(uow, now)
    R = models.ReliefPayment
    pending = uow.session.scalars(select(R).where(R.status == ReliefStatus.PENDING)
                                  .order_by(R.received_at, R.relief_id)).all()
    if not pending:
        return []
    funds = [chart.fund_account(source, "relief") for source in source_order]
    accounts, balances = repository.load_accounts(uow.session, funds)
    available = [(code, balances.get(code, 0)) for code in funds]
    decisions = plan([Pending(p.relief_id, p.year, p.amount_issued_fen) for p in pending], available,
                     budget_left(uow.session, {p.year for p in pending}))
    return [row for row, decision in zip(pending, decisions, strict=True) if _settle(uow, now, today, row, decision)]


def _settle(uow, now: datetime, today: date, row: models.ReliefPayment, decision) -> bool:
    """Carry out `plan`'s decision on one pending relief: pay it (ledger entry, status,
    relief.paid) or note why it waits. True when paid now."""
    R = models.ReliefPayment
    if not decision.paid:
        if row.pending_reason != decision.reason:
            row.pending_reason = decision.reason
        return False
    entry, _ = ledger.post_entry(uow, now, today, EntryDraft(
        kind="relief_payment", posted_on=today, memo=f"cash relief {row.relief_id} ({row.category})",
        lines=(debit(chart.relief_expense(row.category), row.amount_issued_fen),
               *(credit(account, fen) for account, fen in decision.draws)),
        idempotency_id=f"relief.approved:{row.event_id}", cause=Cause("relief", row.relief_id,
                                                                      event_id=row.event_id),
        recorded_by=PAYER))
    changed = uow.session.execute(update(R).where(R.relief_id == row.relief_id, R.status == ReliefStatus.PENDING)
                                  .values(status=ReliefStatus.PAID.value, amount_paid_fen=row.amount_issued_fen,
                                          paid_at=now, paid_on=today, entry_id=entry.id, pending_reason=None))
    if changed.rowcount != 1:
        return False
    uow.session.refresh(row)
    uow.publish("relief.paid", payloads.relief_paid(row, entry, decision.draws))
    return True


def set_relief_budget(uow, now: datetime, today: date, year: int, amount_fen: int, set_by: str,
                      source_order=DEFAULT_SOURCE_ORDER) -> tuple[models.ReliefBudget, list]:
    """Set the year's cash relief budget (not below what was paid in the year); pending reliefs
    it now covers are paid at once."""
    ledger.lock(uow, now)
    R = models.ReliefPayment
    spent = uow.session.scalar(select(func.coalesce(func.sum(R.amount_paid_fen), 0)).where(R.year == year)) or 0
    if amount_fen < spent:
        raise BudgetTooLow(f"{yuan_text(spent)} of relief is already paid in {year}; the budget cannot be lower",
                           "amount_fen")
    budget = uow.session.get(models.ReliefBudget, year)
    if budget is None:
        budget = models.ReliefBudget(year=year, amount_fen=amount_fen, set_by=set_by, set_at=now)
        uow.session.add(budget)
    else:
        budget.amount_fen, budget.set_by, budget.set_at = amount_fen, set_by, now
    uow.session.flush()
    return budget, pay_pending(uow, now, today, source_order)


def relief_budgets(session) -> list[dict]:
    R, B = models.ReliefPayment, models.ReliefBudget
    paid = dict(session.execute(select(R.year, func.sum(R.amount_paid_fen)).group_by(R.year)).all())
    return [{"year": b.year, "amount_fen": b.amount_fen, "paid_fen": int(paid.get(b.year) or 0),
             "left_fen": b.amount_fen - int(paid.get(b.year) or 0), "set_by": b.set_by, "set_at": b.set_at}
            for b in session.scalars(select(B).order_by(B.year.desc()))]


def relief_payments(session, *, status=None, year=None, category=None, page=1, page_size=50):
    R = models.ReliefPayment
    stmt = select(R)
    for column, value in ((R.status, status), (R.year, year), (R.category, category)):
        if value is not None:
            stmt = stmt.where(column == value)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(R.received_at, R.relief_id).offset((page - 1) * page_size)
                           .limit(page_size)).all()
    return total, list(rows)


def relief_payment(session, relief_id: str) -> models.ReliefPayment:
    row = session.get(models.ReliefPayment, relief_id)
    if row is None:
        raise NotFound(f"no relief {relief_id}")
    return row
