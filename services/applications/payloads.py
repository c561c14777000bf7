"""The data of events that more than one use case publishes (the contracts are in schemas.py)."""

from __future__ import annotations

from services.common.events.contracts import iso_utc


def submitted(row, policy, resubmission: bool, at) -> dict:
    """application.submitted: by a direct create-and-submit and by a (re)submission."""
    return {"application_id": row.id, "person_ref": row.person_ref, "programme": row.programme,
            "enterprise": row.enterprise, "policy_version": policy.version, "resubmission": resubmission,
            "submitted_at": iso_utc(at)}


def rejected(row, stage: str, reasons: list[str], at) -> dict:
    """application.rejected: at a review level (stage "review") or by an upheld objection."""
    return {"application_id": row.id, "person_ref": row.person_ref, "programme": row.programme,
            "stage": stage, "reasons": reasons, "rejected_at": iso_utc(at)}
