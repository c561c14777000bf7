"""Relief cases (救助): requested by a district officer for an active hardship household (real
name: the case is tied to the registered, verified household), reviewed in levels by amount
under a versioned policy (domain/relief.py) — at each level a different district officer, never
the requester, passes, returns for correction (the requester corrects; the chain restarts) or
rejects, with a reason — and charged to the district's yearly budget of its kind at the last
level. A household gets one relief of a kind per period (cash: quarter; goods and rent
reductions: year). Every change is in the audit trail (audit.py). Events: relief.approved,
relief.rejected, relief.delivered (goods)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from services.common.errors import BadRequest, Conflict, NotFound

from . import audit, models, stock
from .domain import relief as rules
from .domain.relief import ApprovalPolicy, CaseStatus, InvalidRelief, ReliefKind

C = models.ReliefCase
B = models.ReliefBudget


def request_relief(uow, now: datetime, on: date, household_id: str, kind: str, reason: str, amount_fen: int,
                   requested_by: str, policy: ApprovalPolicy, *, from_month: str | None = None,
                   months: int | None = None, items: list | None = None, origin: str = "request",
                   source_ref: str | None = None) -> models.ReliefCase:
    """Open a case; refused for a household that is not active in the registry, an invalid
    amount, or a second relief of the kind in the period (409 naming the earlier case)."""
    items = [dict(i) for i in (items or [])]
    rules.check_case(kind, amount_fen, months, from_month, items)
    household = uow.session.get(models.HardshipHousehold, household_id)
    if household is None or household.status != "active":
        raise InvalidRelief(f"{household_id} is not an active household in the hardship registry", "household_id")
    period = rules.period_of(kind, on, from_month)
    total = rules.total_fen(kind, amount_fen, months)
    key = f"{household.id}:{kind}:{period}" if origin == "request" else None
    if key is not None:
        _refuse_duplicate(uow.session, key, kind, period)
    case = C(id=str(uuid.uuid4()), household_id=household.id, person_ref=household.person_ref, kind=kind,
             origin=origin, reason=reason, amount_fen=amount_fen, total_fen=total, from_month=from_month,
             months=months, items=items, year=int(from_month[:4]) if from_month else on.year, period=period,
             duplicate_key=key, source_ref=source_ref, status=CaseStatus.REQUESTED,
             approvals_needed=policy.approvals_needed(total), policy_version=policy.version, approvers=[],
             reviews=[], requested_by=requested_by, requested_at=now)
    uow.session.add(case)
    try:
        uow.session.flush()
    except IntegrityError:  # the same relief committed meanwhile
        uow.rollback()
        if key is not None:
            _refuse_duplicate(uow.session, key, kind, period)
        raise
    audit.record(uow.session, now, requested_by, audit.RELIEF_CASE, case.id, "requested", {}, case, reason)
    return case


def _refuse_duplicate(session, key: str, kind: str, period: str) -> None:
    existing = session.scalar(select(C.id).where(C.duplicate_key == key))
    if existing is not None:
        raise Conflict(f"this household already has a {kind} relief for {period}: case {existing}",
                       errors={"kind": [f"already granted or requested for {period} in case {existing}"]})


def get_case(session, relief_id: str, *, for_update: bool = False) -> models.ReliefCase:
    case = session.get(C, relief_id, with_for_update=for_update)
    if case is None:
        raise NotFound(f"relief case {relief_id} does not exist")
    return case


# An approval's case (locked) and its household in one round trip; built once (bench/assistance_approvals.py).
_CASE_AND_HOUSEHOLD = (select(C, models.HardshipHousehold)
                       .join(models.HardshipHousehold, models.HardshipHousehold.id == C.household_id)
                       .where(C.id == bindparam("relief_id")).with_for_update(of=C))


def approve(uow, now: datetime, relief_id: str, officer: str, note: str = "") -> models.ReliefCase:
    """One approval. The last one the amount needs charges the budget (refused with the
    remaining amount when it does not fit; nothing changes) and publishes relief.approved.

    Five statements: the case with its household; the case's UPDATE and the audit entry in one
    flush; the outbox row; the budget's guarded UPDATE last. Every approval of the year and kind
    updates that one budget row, whose lock is held until COMMIT: charged last, it is held for
    the COMMIT alone, not for the writes before it. A refused charge raises, and the unit of
    work rolls the case, the audit entry and the event back with it."""
    found = uow.session.execute(_CASE_AND_HOUSEHOLD, {"relief_id": relief_id}).one_or_none()
    if found is None:
        raise NotFound(f"relief case {relief_id} does not exist")
    case, household = found
    if case.status != CaseStatus.REQUESTED:
        raise Conflict(f"relief case {case.id} is {case.status}; only a requested case can be approved",
                       errors={"relief_id": [f"the case is {case.status}"]})
    if household.status != "active":
        raise Conflict(f"household {household.id} is {household.status}; its relief cannot be approved",
                       errors={"household_id": [f"the household is {household.status}"]})
    rules.check_approver(case.requested_by, list(case.approvers), officer)
    before = audit.snapshot(case, audit.RELIEF_CASE)
    _review(case, now, officer, rules.Decision.PASS, note)
    approvers = [*case.approvers, officer]
    last = len(approvers) >= case.approvals_needed
    if last:
        case.status = CaseStatus.APPROVED
        case.decided_by, case.decided_at, case.decision_note = officer, now, note or None
    case.approvers = approvers
    audit.record(uow.session, now, officer, audit.RELIEF_CASE, case.id,
                 "approved" if last else "passed_level", before, case, note)
    uow.session.flush()
    if last:
        data = {"relief_id": case.id, "household_id": case.household_id, "person_ref": case.person_ref,
                "kind": case.kind, "category": household.category, "amount_fen": case.amount_fen,
                "year": case.year, "approved_at": now.isoformat()}
        if case.kind == ReliefKind.RENT_REDUCTION:
            data.update(from_month=case.from_month, months=case.months)
        uow.publish("relief.approved", data)
        if case.kind == ReliefKind.IN_KIND:
            stock.reserve(uow.session, list(case.items))
        _charge_budget(uow.session, case.year, case.kind, case.total_fen)
    return case


def _charge_budget(session, year: int, kind: str, amount: int) -> None:
    """Take `amount` from the budget in one guarded UPDATE: concurrent approvals that together
    exceed it cannot both succeed."""
    if amount == 0:
        return
    done = session.execute(update(B).where(B.year == year, B.kind == kind, B.used_fen + amount <= B.total_fen)
                           .values(used_fen=B.used_fen + amount)).rowcount
    if done != 1:
        budget = session.scalar(select(B).where(B.year == year, B.kind == kind))
        if budget is None:
            raise rules.BudgetExceeded(f"there is no {year} {kind} relief budget; set one first", "amount_fen")
        rules.check_budget(budget.total_fen, budget.used_fen, amount, year, kind)
        raise rules.BudgetExceeded(f"the {year} {kind} budget cannot take {amount} fen", "amount_fen")


def _review(case, now: datetime, officer: str, decision: str, reason: str | None) -> None:
    """Keep the decision of the case's current level (its reviews: level, decision, reviewer,
    reason, time)."""
    case.reviews = [*(case.reviews or []), {"level": len(case.approvers or []) + 1, "decision": str(decision),
                                            "reviewer": officer, "reason": reason or None, "at": now.isoformat()}]


def return_for_correction(uow, now: datetime, relief_id: str, officer: str, reason: str) -> models.ReliefCase:
    """退回补正: the reviewer of the current level sends the case back to its requester with a
    reason; the levels passed so far are void (a corrected case is reviewed from level 1)."""
    case = get_case(uow.session, relief_id, for_update=True)
    rules.check_reviewable(case.status, case.id)
    rules.check_approver(case.requested_by, list(case.approvers), officer)
    before = audit.snapshot(case, audit.RELIEF_CASE)
    _review(case, now, officer, rules.Decision.RETURN, reason)
    case.status, case.approvers = CaseStatus.RETURNED, []
    audit.record(uow.session, now, officer, audit.RELIEF_CASE, case.id, "returned", before, case, reason)
    uow.session.flush()
    return case


def correct(uow, now: datetime, relief_id: str, officer: str, policy: ApprovalPolicy, reason: str, *,
            amount_fen: int | None = None, items: list | None = None, months: int | None = None) -> models.ReliefCase:
    """The requester corrects a returned case (its amount, goods or months; the reason says
    what was corrected) and it goes back to level 1, its levels reassessed under `policy`."""
    case = get_case(uow.session, relief_id, for_update=True)
    rules.check_corrector(case.status, case.requested_by, officer)
    amount = case.amount_fen if amount_fen is None else amount_fen
    goods = [dict(i) for i in (case.items if items is None else items)]
    span = case.months if months is None else months
    rules.check_case(case.kind, amount, span, case.from_month, goods)
    before = audit.snapshot(case, audit.RELIEF_CASE)
    case.amount_fen, case.items, case.months = amount, goods, span
    case.total_fen = rules.total_fen(case.kind, amount, span)
    case.approvals_needed, case.policy_version = policy.approvals_needed(case.total_fen), policy.version
    case.status, case.approvers, case.requested_by = CaseStatus.REQUESTED, [], officer
    audit.record(uow.session, now, officer, audit.RELIEF_CASE, case.id, "corrected", before, case, reason)
    uow.session.flush()
    return case


def reject(uow, now: datetime, relief_id: str, officer: str, reason: str) -> models.ReliefCase:
    """不予救助: the reviewer of the current level (or any district officer, for a case returned
    and not corrected) rejects with a reason; the case no longer blocks a new request."""
    case = get_case(uow.session, relief_id, for_update=True)
    if case.status not in (CaseStatus.REQUESTED, CaseStatus.RETURNED):
        raise Conflict(f"relief case {case.id} is {case.status}; only a requested or returned case can be rejected",
                       errors={"relief_id": [f"the case is {case.status}"]})
    before = audit.snapshot(case, audit.RELIEF_CASE)
    _review(case, now, officer, rules.Decision.REJECT, reason)
    case.status = CaseStatus.REJECTED
    case.duplicate_key = None  # a rejected case does not block a new request
    case.decided_by, case.decided_at, case.decision_note = officer, now, reason
    uow.publish("relief.rejected", {"relief_id": case.id, "household_id": case.household_id,
                                    "person_ref": case.person_ref, "kind": case.kind,
                                    "rejected_at": now.isoformat()})
    audit.record(uow.session, now, officer, audit.RELIEF_CASE, case.id, "rejected", before, case, reason)
    uow.session.flush()
    return case


def deliver(uow, now: datetime, relief_id: str, officer: str, recipient_confirmed: bool,
            note: str = "") -> models.ReliefCase:
    """The handover of an approved in-kind relief (实物发放), once, confirmed by the recipient:
    its reserved items leave the stock."""
    if not recipient_confirmed:
        raise InvalidRelief("the recipient must confirm the handover (签收)", "recipient_confirmed")
    case = get_case(uow.session, relief_id, for_update=True)
    if case.kind != ReliefKind.IN_KIND:
        raise Conflict(f"relief case {case.id} is {case.kind}; only goods are delivered",
                       errors={"relief_id": ["not an in-kind relief"]})
    if case.status != CaseStatus.APPROVED:
        raise Conflict(f"relief case {case.id} is {case.status}; only an approved case can be delivered",
                       errors={"relief_id": [f"the case is {case.status}"]})
    before = audit.snapshot(case, audit.RELIEF_CASE)
    stock.hand_over(uow.session, now, case.id, list(case.items), officer)
    case.status = CaseStatus.DELIVERED
    case.delivered_at, case.delivered_by, case.delivery_note = now, officer, note or None
    uow.publish("relief.delivered", {"relief_id": case.id, "household_id": case.household_id,
                                     "person_ref": case.person_ref, "items": list(case.items),
                                     "delivered_at": now.isoformat()})
    audit.record(uow.session, now, officer, audit.RELIEF_CASE, case.id, "delivered", before, case, note)
    uow.session.flush()
    return case


def cancel(uow, now: datetime, relief_id: str, officer: str, reason: str) -> models.ReliefCase:
    """Cancel an approved in-kind case that was not delivered: its reserved goods go back to
    stock and its value back to the budget. (Cash and rent reductions are with finance once
    approved; they are not cancelled here.)"""
    case = get_case(uow.session, relief_id, for_update=True)
    if case.kind != ReliefKind.IN_KIND or case.status != CaseStatus.APPROVED:
        raise Conflict(f"relief case {case.id} is {case.kind}, {case.status}; only an approved in-kind case that "
                       "was not delivered can be cancelled", errors={"relief_id": [f"the case is {case.status}"]})
    before = audit.snapshot(case, audit.RELIEF_CASE)
    stock.release(uow.session, list(case.items))
    if case.total_fen:
        uow.session.execute(update(B).where(B.year == case.year, B.kind == case.kind, B.used_fen >= case.total_fen)
                            .values(used_fen=B.used_fen - case.total_fen))
    case.status = CaseStatus.CANCELLED
    case.duplicate_key = None
    case.decided_by, case.decided_at, case.decision_note = officer, now, reason
    audit.record(uow.session, now, officer, audit.RELIEF_CASE, case.id, "cancelled", before, case, reason)
    uow.session.flush()
    return case


def find_cases(session, *, household_id=None, person_ref=None, kind=None, status=None, origin=None,
               page: int = 1, page_size: int = 50) -> tuple[int, list[models.ReliefCase]]:
    stmt = select(C)
    for column, value in ((C.household_id, household_id), (C.person_ref, person_ref), (C.kind, kind),
                          (C.status, status), (C.origin, origin)):
        if value is not None:
            stmt = stmt.where(column == value)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(C.requested_at.desc(), C.id).offset((page - 1) * page_size)
                           .limit(page_size)).all()
    return total, rows


def set_budget(uow, year: int, kind: str, total_fen: int) -> models.ReliefBudget:
    """Set the district's yearly budget of a kind; never below what is already used."""
    check_year(year)
    if kind not in set(ReliefKind):
        raise BadRequest(f"unknown relief kind {kind[:40]!r}", errors={"kind": [f"one of {', '.join(ReliefKind)}"]})
    budget = uow.session.scalar(select(B).where(B.year == year, B.kind == kind).with_for_update())
    if budget is None:
        budget = B(year=year, kind=kind, total_fen=total_fen, used_fen=0)
        uow.session.add(budget)
    elif total_fen < budget.used_fen:
        raise InvalidRelief(f"the {year} {kind} budget has {budget.used_fen} fen used already", "total_fen")
    else:
        budget.total_fen = total_fen
    uow.session.flush()
    return budget


def check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise BadRequest("year must be 2000 … 2100", errors={"year": ["2000 … 2100"]})


def budgets(session, year: int) -> list[models.ReliefBudget]:
    """The year's budgets (none for a year without any)."""
    return session.scalars(select(B).where(B.year == year).order_by(B.kind)).all()
