"""Replies as the finance API shows them. Amounts stay integer fen; sides are spelt out."""

from __future__ import annotations

from datetime import date

from . import models


def entry_view(e, replayed: bool = False) -> dict:
    lines = [{"line_no": n, "account": ln.account, "side": ln.side, "amount_fen": abs(ln.amount_fen)}
             for n, ln in enumerate(e.lines, 1)]
    return {"entry_id": e.id, "seq": e.seq, "posted_on": e.posted_on, "kind": e.kind, "memo": e.memo,
            "idempotency_id": e.idempotency_id,
            "cause": {"type": e.cause_type, "id": e.cause_id, "event_id": e.event_id, "request_id": e.request_id},
            "recorded_by": e.recorded_by, "recorded_at": e.recorded_at, "reverses": e.reverses, "reason": e.reason,
            "lines": lines, "debit_total_fen": sum(ln.amount_fen for ln in e.lines if ln.amount_fen > 0),
            "prev_hash": e.prev_hash, "hash": e.hash, "replayed": replayed}


def account_view(a, balance_fen: int) -> dict:
    return {"code": a.code, "name": a.name, "type": a.type.value, "no_overdraft": a.no_overdraft,
            "postable": a.postable, "closed": a.closed, "parent": a.parent, "fund_source": a.fund_source,
            "earmark": a.earmark, "project_id": a.project_id, "category": a.category,
            "balance_fen": a.natural(balance_fen)}


def receipt_view(r: models.FundReceipt) -> dict:
    return {"receipt_id": r.id, "source": r.source, "amount_fen": r.amount_fen, "reference": r.reference,
            "received_on": date.fromisoformat(r.received_on), "earmark": r.earmark,
            "earmark_project_id": r.earmark_project_id, "memo": r.memo, "status": r.status, "entry_id": r.entry_id,
            "reversal_entry_id": r.reversal_entry_id, "recorded_by": r.recorded_by, "recorded_at": r.recorded_at}


def request_view(d: models.DisbursementRequest) -> dict:
    return {"request_id": d.id, "status": d.status, "source": d.source, "earmark_project_id": d.earmark_project_id,
            "project_id": d.project_id, "amount_fen": d.amount_fen, "purpose": d.purpose,
            "fund_account": d.fund_account, "idempotency_id": d.idempotency_id, "requested_by": d.requested_by,
            "requested_at": d.requested_at, "hold_entry_id": d.hold_entry_id, "decided_by": d.decided_by,
            "decided_at": d.decided_at, "decided_on": d.decided_on, "decision_reason": d.decision_reason,
            "decision_entry_id": d.decision_entry_id}


def relief_view(r: models.ReliefPayment) -> dict:
    return {"relief_id": r.relief_id, "household_id": r.household_id, "person_ref": r.person_ref,
            "category": r.category, "year": r.year, "status": r.status, "amount_issued_fen": r.amount_issued_fen,
            "amount_paid_fen": r.amount_paid_fen, "pending_reason": r.pending_reason, "approved_at": r.approved_at,
            "received_at": r.received_at, "paid_at": r.paid_at, "paid_on": r.paid_on, "entry_id": r.entry_id,
            "event_id": r.event_id}


def page(total: int, q: dict, key: str, items: list) -> dict:
    return {"total": total, "page": q["page"], "page_size": q["page_size"], key: items}
