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


def rent_account_view(a: models.RentAccount) -> dict:
    return {"tenancy_id": a.tenancy_id, "person_ref": a.person_ref, "unit_id": a.unit_id, "project_id": a.project_id,
            "start": a.start, "end": a.end, "ended_on": a.ended_on, "rent_fen": a.rent_fen, "status": a.status,
            "invoiced_fen": a.invoiced_fen, "paid_fen": a.paid_fen, "owed_fen": a.invoiced_fen - a.applied_fen,
            "credit_fen": a.paid_fen - a.applied_fen}


def rent_invoice_view(i: models.RentInvoice) -> dict:
    return {"invoice_id": i.id, "month": i.month, "period_start": i.period_start, "period_end": i.period_end,
            "days": i.days, "gross_fen": i.gross_fen, "reduction_fen": i.reduction_fen, "amount_fen": i.amount_fen,
            "paid_fen": i.paid_fen, "paid_off_on": i.paid_off_on, "due_on": i.due_on}


def rent_invoice_line_view(i: models.RentInvoice) -> dict:
    return {"tenancy_id": i.tenancy_id, **rent_invoice_view(i)}


def rent_payment_view(p: models.RentPayment, replayed: bool = False) -> dict:
    return {"payment_id": p.id, "tenancy_id": p.tenancy_id, "reference": p.reference, "paid_on": p.paid_on,
            "amount_fen": p.amount_fen, "status": p.status, "entry_id": p.entry_id,
            "reversal_reason": p.reversal_reason, "replayed": replayed}


def arrears_view(a) -> dict:
    return {"owed_fen": a.owed_fen, "overdue_fen": a.overdue_fen, "days_overdue": a.days_overdue,
            "oldest_month": a.oldest_month, "bucket": a.bucket.value, "buckets": a.buckets}


def rent_statement_view(st: dict) -> dict:
    return {"account": rent_account_view(st["account"]), "invoices": [rent_invoice_view(i) for i in st["invoices"]],
            "payments": [rent_payment_view(p) for p in st["payments"]], "arrears": arrears_view(st["arrears"])}


def product_view(p: models.LoanProduct) -> dict:
    return {"code": p.code, "name": p.name, "annual_rate": p.annual_rate, "subsidy_share": p.subsidy_share,
            "max_amount_fen": p.max_amount_fen, "terms": [int(t) for t in p.terms.split(",")], "method": p.method,
            "penalty_rate": p.penalty_rate, "grace_days": p.grace_days,
            "allocation_order": p.allocation_order.split(",")}


def loan_view(loan: models.Loan, state=None, due_on=None) -> dict:
    out = {"loan_id": loan.id, "product_code": loan.product_code, "person_ref": loan.person_ref,
           "amount_fen": loan.amount_fen, "term_months": loan.term_months, "method": loan.method,
           "annual_rate": loan.annual_rate, "subsidy_share": loan.subsidy_share, "status": loan.status,
           "applied_by": loan.applied_by, "decided_by": loan.decided_by, "disbursed_on": loan.disbursed_on,
           "settled_on": loan.settled_on, "schedule": []}
    if state is not None:
        dues = {d.number: d for d in state.dues}
        out.update(principal_left_fen=state.principal_left_fen, arrears_fen=state.arrears_fen,
                   credit_fen=state.credit_fen, days_overdue=state.days_overdue, bucket=state.bucket.value)
        out["schedule"] = [
            {"number": i.number, "due_on": dues[i.number].due_on if i.number in dues else due_on(i.number),
             "principal_fen": i.principal_fen, "interest_fen": i.interest_fen, "subsidy_fen": i.subsidy_fen,
             "borrower_interest_fen": i.borrower_interest_fen, "borrower_due_fen": i.borrower_due_fen,
             "remaining_fen": i.remaining_fen,
             "penalty_fen": dues[i.number].penalty_fen if i.number in dues else None,
             "paid_fen": sum(dues[i.number].paid.values()) if i.number in dues else None}
            for i in state.instalments]
    return out


def loan_tx_view(tx: models.LoanTransaction, state, replayed: bool = False) -> dict:
    return {"transaction_id": tx.id, "loan_id": tx.loan_id, "kind": tx.kind, "amount_fen": tx.amount_fen,
            "paid_on": tx.paid_on, "entry_id": tx.entry_id, "replayed": replayed,
            "principal_left_fen": state.principal_left_fen, "arrears_fen": state.arrears_fen,
            "credit_fen": state.credit_fen, "status": "settled" if state.settled_on else "active"}
