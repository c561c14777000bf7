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
