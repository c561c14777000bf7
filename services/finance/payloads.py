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


def rent_invoiced(row: dict, on: date) -> dict:
    return {"invoice_id": row["id"], "tenancy_id": row["tenancy_id"], "month": row["month"],
            "period_start": row["period_start"].isoformat(), "period_end": row["period_end"].isoformat(),
            "days": row["days"], "gross_fen": row["gross_fen"], "reduction_fen": row["reduction_fen"],
            "amount_fen": row["amount_fen"], "due_on": row["due_on"].isoformat(), "issued_on": on.isoformat(),
            "entry_id": row["entry_id"]}


def rent_paid(account, payment, allocation) -> dict:
    return {"payment_id": payment.id, "tenancy_id": account.tenancy_id, "person_ref": account.person_ref,
            "amount_fen": payment.amount_fen, "paid_on": payment.paid_on.isoformat(), "entry_id": payment.entry_id,
            "owed_fen": allocation.owed_fen, "credit_fen": allocation.credit_fen,
            "recorded_at": iso_utc(payment.recorded_at)}


def rent_overdue(account, arrears, threshold: int) -> dict:
    return {"tenancy_id": account.tenancy_id, "person_ref": account.person_ref, "period": arrears.oldest_month,
            "days_overdue": arrears.days_overdue, "threshold_days": threshold, "bucket": arrears.bucket.value,
            "overdue_fen": arrears.overdue_fen, "owed_fen": arrears.owed_fen}
