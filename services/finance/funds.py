"""Funds (资金): receipts into a fund, project budgets, and disbursements in two steps —
a request holds the money (1002:<fund> → 1009:<fund>), another officer approves it (1009 →
the project's expense) or rejects it (1009 → back to 1002). Each step is a ledger entry, so
the fund's available balance is the 1002 sub-account and no request can take more than it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import func, select, update

from services.common.errors import Conflict, NotFound

from . import ledger, models, payloads, reliefs, repository
from .domain import chart
from .domain.funds import (
    AlreadyDecided,
    DisbursementStatus,
    check_budget,
    check_decider,
    check_new_budget,
    check_pending,
    use_project,
)
from .domain.ledger import Cause, EntryDraft, FutureDate, IdempotencyConflict, credit, debit

# -- receipts -------------------------------------------------------------------------------------


def record_receipt(uow, now: datetime, today: date, source: str, amount_fen: int, reference: str,
                   received_on: date, recorded_by: str, *, earmark_project_id: str | None = None,
                   for_relief: bool = False, posted_on: date | None = None, memo: str = "",
                   request_id: str | None = None, relief_order=reliefs.DEFAULT_SOURCE_ORDER) -> models.FundReceipt:
    """Record a receipt once per bank/voucher reference (another with the same reference is a
    409), post it (Dr the fund's bank sub-account / Cr the source's receipts) dated
    ``posted_on`` (default: the day received; never in the future, never in a closed month)
    and publish ``fund.received``. Money into the relief fund pays pending reliefs at once."""
    if received_on > today:
        raise FutureDate(f"received_on {received_on.isoformat()} is in the future (today is {today.isoformat()})",
                         "received_on")
    ledger.lock(uow, now)  # two receipts with one reference: the second sees the first
    if uow.session.scalar(select(models.FundReceipt.id).where(models.FundReceipt.reference == reference)):
        raise Conflict(f"a receipt with reference {reference!r} is already recorded")
    earmark = "relief" if for_relief else "project" if earmark_project_id else "general"
    account = chart.fund_account(source, earmark, earmark_project_id)
    receipt = models.FundReceipt(id=str(uuid.uuid4()), source=source, amount_fen=amount_fen, reference=reference,
                                 received_on=received_on.isoformat(), recorded_by=recorded_by, recorded_at=now,
                                 earmark=earmark, earmark_project_id=earmark_project_id, memo=memo,
                                 status="recorded")
    entry, _ = ledger.post_entry(uow, now, today, EntryDraft(
        kind="receipt", posted_on=posted_on or received_on, memo=memo or f"receipt {reference}",
        lines=(debit(account, amount_fen), credit(chart.income_account(source), amount_fen)),
        idempotency_id=f"fund_receipt:{receipt.id}", cause=Cause("fund_receipt", receipt.id, request_id=request_id),
        recorded_by=recorded_by), date_field="posted_on" if posted_on else "received_on")
    receipt.entry_id = entry.id
    uow.session.add(receipt)
    uow.publish("fund.received", payloads.fund_received(receipt, entry))
    if for_relief:
        reliefs.pay_pending(uow, now, today, relief_order)
    return receipt


def reverse_receipt(uow, now: datetime, today: date, receipt_id: str, reason: str, recorded_by: str,
                    request_id: str | None = None) -> tuple[models.FundReceipt, object]:
    """Correct a mis-recorded receipt by reversing its entry (the money must still be in the fund)."""
    ledger.lock(uow, now)
    receipt = uow.session.get(models.FundReceipt, receipt_id)
    if receipt is None:
        raise NotFound(f"no receipt {receipt_id}")
    if receipt.status != "recorded":
        raise AlreadyDecided(f"receipt {receipt.reference} is already {receipt.status}", "status")
    entry, _ = ledger.reverse_entry(uow, now, today, receipt.entry_id, reason=reason, recorded_by=recorded_by,
                                    request_id=request_id, allowed_kinds=frozenset({"receipt"}),
                                    cause=Cause("fund_receipt", receipt.id, request_id=request_id))
    receipt.status, receipt.reversal_entry_id = "reversed", entry.id
    uow.publish("fund.receipt_reversed", payloads.receipt_reversed(receipt, entry, reason))
    return receipt, entry


def receipts(session, *, source=None, earmark_project_id=None, earmark=None, status=None, received_from=None,
             received_to=None, reference=None, page=1, page_size=50) -> tuple[int, list[models.FundReceipt]]:
    R = models.FundReceipt
    stmt = select(R)
    for column, value in ((R.source, source), (R.earmark_project_id, earmark_project_id), (R.earmark, earmark),
                          (R.status, status), (R.reference, reference)):
        if value is not None:
            stmt = stmt.where(column == value)
    if received_from is not None:
        stmt = stmt.where(R.received_on >= received_from.isoformat())
    if received_to is not None:
        stmt = stmt.where(R.received_on <= received_to.isoformat())
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(R.received_on.desc(), R.recorded_at.desc(), R.id)
                           .offset((page - 1) * page_size).limit(page_size)).all()
    return total, list(rows)


def receipt(session, receipt_id: str) -> models.FundReceipt:
    row = session.get(models.FundReceipt, receipt_id)
    if row is None:
        raise NotFound(f"no receipt {receipt_id}")
    return row


# -- budgets --------------------------------------------------------------------------------------

def committed(session, project_id: str) -> int:
    """Approved plus still-held disbursements to the project."""
    D = models.DisbursementRequest
    return session.scalar(select(func.coalesce(func.sum(D.amount_fen), 0)).where(
        D.project_id == project_id, D.status.in_((DisbursementStatus.REQUESTED, DisbursementStatus.APPROVED)))) or 0


def set_project_budget(uow, now: datetime, project_id: str, amount_fen: int, set_by: str) -> models.ProjectBudget:
    ledger.lock(uow, now)  # serialised with requests, which read the budget under the same lock
    check_new_budget(project_id, amount_fen, committed(uow.session, project_id))
    budget = uow.session.get(models.ProjectBudget, project_id)
    if budget is None:
        budget = models.ProjectBudget(project_id=project_id, amount_fen=amount_fen, set_by=set_by, set_at=now)
        uow.session.add(budget)
    else:
        budget.amount_fen, budget.set_by, budget.set_at = amount_fen, set_by, now
    return budget


def project_budget(session, project_id: str) -> dict:
    budget = session.get(models.ProjectBudget, project_id)
    D = models.DisbursementRequest
    sums = dict(session.execute(select(D.status, func.sum(D.amount_fen)).where(D.project_id == project_id)
                                .group_by(D.status)).all())
    return {"project_id": project_id, "budget_fen": budget.amount_fen if budget else None,
            "approved_fen": int(sums.get("approved") or 0), "held_fen": int(sums.get("requested") or 0),
            "set_by": budget.set_by if budget else None, "set_at": budget.set_at if budget else None}


# -- two-step disbursements -----------------------------------------------------------------------

def request_disbursement(uow, now: datetime, today: date, *, source: str, amount_fen: int, purpose: str,
                         requested_by: str, project_id: str | None = None, earmark_project_id: str | None = None,
                         idempotency_id: str | None = None, request_id: str | None = None
                         ) -> tuple[models.DisbursementRequest, bool]:
    """Step one (申请): check the project's budget and hold the amount on the fund — the hold
    is refused when the fund's available balance is short. Returns (request, created)."""
    project = use_project(earmark_project_id, project_id)
    earmark = "project" if earmark_project_id else "general"
    fund, held = chart.fund_account(source, earmark, earmark_project_id), chart.held_account(source, earmark,
                                                                                            earmark_project_id)
    ledger.lock(uow, now)
    D = models.DisbursementRequest
    key = idempotency_id or f"disbursement_request:{uuid.uuid4()}"
    old = uow.session.scalar(select(D).where(D.idempotency_id == key))
    if old is not None:
        if (old.source, old.earmark_project_id, old.project_id, old.amount_fen, old.purpose) != (
                source, earmark_project_id, project, amount_fen, purpose):
            raise IdempotencyConflict(f"idempotency id {key!r} was already used for request {old.id} with other "
                                      "content", "idempotency_id")
        return old, False
    budget = uow.session.get(models.ProjectBudget, project)
    check_budget(project, budget.amount_fen if budget else None, committed(uow.session, project), amount_fen)
    request = D(id=str(uuid.uuid4()), idempotency_id=key, source=source, earmark_project_id=earmark_project_id,
                fund_account=fund, held_account=held, project_id=project, amount_fen=amount_fen, purpose=purpose,
                status=DisbursementStatus.REQUESTED.value, requested_by=requested_by, requested_at=now)
    entry, _ = ledger.post_entry(uow, now, today, EntryDraft(
        kind="hold", posted_on=today, memo=f"hold for disbursement request to {project}",
        lines=(debit(held, amount_fen), credit(fund, amount_fen)), idempotency_id=f"{request.id}:hold",
        cause=Cause("disbursement_request", request.id, request_id=request_id), recorded_by=requested_by),
        overdraft_field="amount_fen")
    request.hold_entry_id = entry.id
    uow.session.add(request)
    return request, True


def _decide(uow, now, today, request_id: str, decided_by: str, approve: bool, reason: str | None,
            http_request_id: str | None):
    ledger.lock(uow, now)
    D = models.DisbursementRequest
    request = uow.session.get(D, request_id)
    if request is None:
        raise NotFound(f"no disbursement request {request_id}")
    check_pending(request.status)
    check_decider(request.requested_by, decided_by)
    amount = request.amount_fen
    if approve:
        lines = (debit(chart.project_expense(request.project_id), amount), credit(request.held_account, amount))
        memo = f"disbursement to {request.project_id}: {request.purpose}"[:500]
    else:
        lines = (debit(request.fund_account, amount), credit(request.held_account, amount))
        memo = f"release of the hold for request {request.id}"
    entry, _ = ledger.post_entry(uow, now, today, EntryDraft(
        kind="disbursement" if approve else "release", posted_on=today, memo=memo, lines=lines,
        idempotency_id=f"{request.id}:decision", cause=Cause("disbursement_request", request.id,
                                                             request_id=http_request_id),
        recorded_by=decided_by))
    status = DisbursementStatus.APPROVED if approve else DisbursementStatus.REJECTED
    changed = uow.session.execute(update(D).where(D.id == request.id, D.status == DisbursementStatus.REQUESTED)
                                  .values(status=status.value, decided_by=decided_by, decided_at=now,
                                          decided_on=today, decision_reason=reason, decision_entry_id=entry.id))
    if changed.rowcount != 1:
        raise AlreadyDecided("this request was decided by someone else meanwhile", "status")
    uow.session.refresh(request)
    if approve:
        uow.publish("fund.disbursed", payloads.fund_disbursed(request, entry, today))
    return request, entry


def approve_disbursement(uow, now: datetime, today: date, request_id: str, approved_by: str,
                         http_request_id: str | None = None):
    """Step two (审批): someone other than the requester posts the held money to the project."""
    return _decide(uow, now, today, request_id, approved_by, True, None, http_request_id)


def reject_disbursement(uow, now: datetime, today: date, request_id: str, rejected_by: str, reason: str,
                        http_request_id: str | None = None):
    """Step two, refused: someone other than the requester releases the hold, with the reason."""
    return _decide(uow, now, today, request_id, rejected_by, False, reason, http_request_id)


def disbursement_requests(session, *, status=None, project_id=None, source=None, requested_by=None,
                          decided_from=None, decided_to=None, page=1, page_size=50):
    D = models.DisbursementRequest
    stmt = select(D)
    for column, value in ((D.status, status), (D.project_id, project_id), (D.source, source),
                          (D.requested_by, requested_by)):
        if value is not None:
            stmt = stmt.where(column == value)
    if decided_from is not None:
        stmt = stmt.where(D.decided_on >= decided_from)
    if decided_to is not None:
        stmt = stmt.where(D.decided_on <= decided_to)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(D.requested_at.desc(), D.id)
                           .offset((page - 1) * page_size).limit(page_size)).all()
    return total, list(rows)


def disbursement_request(session, request_id: str) -> models.DisbursementRequest:
    row = session.get(models.DisbursementRequest, request_id)
    if row is None:
        raise NotFound(f"no disbursement request {request_id}")
    return row


# -- balances per fund ----------------------------------------------------------------------------

def fund_balances(session) -> list[dict]:
    """Every fund with money seen: available (1002), held for pending requests (1009), balance."""
    funds: dict[tuple, dict] = {}
    for r in repository.fund_accounts(session):
        key = (r.fund_source, r.earmark, r.project_id)
        f = funds.setdefault(key, {"source": r.fund_source, "earmark": r.earmark, "project_id": r.project_id,
                                   "account": chart.fund_account(*key), "available_fen": 0, "held_fen": 0})
        f["held_fen" if r.held else "available_fen"] += r.balance_fen  # bank: debit-normal
    for f in funds.values():
        f["balance_fen"] = f["available_fen"] + f["held_fen"]
    return [funds[k] for k in sorted(funds, key=lambda k: (k[0], k[1], k[2] or ""))]
