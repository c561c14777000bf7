"""The data of the events finance publishes (contracts in schemas.py), built in one place each."""

from __future__ import annotations

from datetime import date

from services.common.events.contracts import iso_utc

from . import schemas  # noqa: F401 - registers the contracts of the events built here


def fund_received(receipt, entry) -> dict:
    data = {"receipt_id": receipt.id, "source": receipt.source, "amount_fen": receipt.amount_fen,
            "received_on": receipt.received_on, "earmark": receipt.earmark, "entry_id": entry.id,
            "posted_on": entry.posted_on.isoformat()}
    if receipt.earmark_project_id:
        data["earmark_project_id"] = receipt.earmark_project_id
    return data


def receipt_reversed(receipt, entry, reason: str) -> dict:
    return {"receipt_id": receipt.id, "source": receipt.source, "amount_fen": receipt.amount_fen,
            "earmark": receipt.earmark, "entry_id": entry.id, "reversed_on": entry.posted_on.isoformat(),
            "reason": reason}


def fund_disbursed(request, entry, on: date) -> dict:
    data = {"disbursement_id": request.id, "source": request.source, "project_id": request.project_id,
            "amount_fen": request.amount_fen, "purpose": request.purpose, "approved_on": on.isoformat(),
            "entry_id": entry.id}
    if request.earmark_project_id:
        data["earmark_project_id"] = request.earmark_project_id
    return data


def relief_paid(row, entry, draws) -> dict:
    return {"relief_id": row.relief_id, "household_id": row.household_id, "person_ref": row.person_ref,
            "category": row.category, "year": row.year, "amount_issued_fen": row.amount_issued_fen,
            "amount_paid_fen": row.amount_paid_fen, "paid_at": iso_utc(row.paid_at),
            "paid_on": row.paid_on.isoformat(), "entry_id": entry.id,
            "sources": [{"source": account.split(":")[1], "amount_fen": fen} for account, fen in draws]}


def rent_invoiced(row: dict, on: date, person_ref: str) -> dict:
    """Kept small: a billing run publishes one per tenancy (20,000 a month), each validated
    against its contract; the statement has the details (period, days, gross). The tenant's
    person_ref lets notify send the bill (租金账单) to the tenant."""
    return {"invoice_id": row["id"], "tenancy_id": row["tenancy_id"], "person_ref": person_ref, "month": row["month"],
            "amount_fen": row["amount_fen"], "reduction_fen": row["reduction_fen"],
            "due_on": row["due_on"].isoformat(), "entry_id": row["entry_id"]}


def rent_paid(account, payment, allocation) -> dict:
    return {"payment_id": payment.id, "tenancy_id": account.tenancy_id, "person_ref": account.person_ref,
            "amount_fen": payment.amount_fen, "paid_on": payment.paid_on.isoformat(), "entry_id": payment.entry_id,
            "owed_fen": allocation.owed_fen, "credit_fen": allocation.credit_fen,
            "recorded_at": iso_utc(payment.recorded_at)}


def rent_overdue(account, arrears, threshold: int) -> dict:
    return {"tenancy_id": account.tenancy_id, "person_ref": account.person_ref, "period": arrears.oldest_month,
            "days_overdue": arrears.days_overdue, "threshold_days": threshold, "bucket": arrears.bucket.value,
            "overdue_fen": arrears.overdue_fen, "owed_fen": arrears.owed_fen}


def loan_approved(loan, at) -> dict:
    return {"loan_id": loan.id, "person_ref": loan.person_ref, "product_code": loan.product_code,
            "amount_fen": loan.amount_fen, "term_months": loan.term_months, "method": loan.method,
            "annual_rate": loan.annual_rate, "subsidy_share": loan.subsidy_share, "approved_at": iso_utc(at)}


def loan_disbursed(loan, instalments, entry) -> dict:
    first = instalments[0]
    return {"loan_id": loan.id, "person_ref": loan.person_ref, "amount_fen": loan.amount_fen,
            "disbursed_on": loan.disbursed_on.isoformat(), "term_months": loan.term_months, "entry_id": entry.id,
            "first_due_fen": first.borrower_due_fen,
            "total_interest_fen": sum(i.interest_fen for i in instalments),
            "total_subsidy_fen": sum(i.subsidy_fen for i in instalments)}


def loan_paid(loan, tx, state) -> dict:
    return {"loan_id": loan.id, "person_ref": loan.person_ref, "transaction_id": tx.id, "kind": tx.kind,
            "amount_fen": tx.amount_fen, "paid_on": tx.paid_on.isoformat(), "entry_id": tx.entry_id,
            "principal_left_fen": state.principal_left_fen, "arrears_fen": state.arrears_fen,
            "credit_fen": state.credit_fen}


def loan_settled(loan, tx) -> dict:
    return {"loan_id": loan.id, "person_ref": loan.person_ref, "settled_on": tx.paid_on.isoformat(),
            "amount_fen": tx.amount_fen, "transaction_id": tx.id}


def loan_overdue(loan, state, instalment: int, threshold: int) -> dict:
    return {"loan_id": loan.id, "person_ref": loan.person_ref, "instalment": instalment,
            "days_overdue": state.days_overdue, "threshold_days": threshold, "bucket": state.bucket.value,
            "arrears_fen": sum(d.outstanding_fen for d in state.overdue)}
