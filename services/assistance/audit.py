"""The audit trail (审计留痕): every state change of a hardship household or a relief case is
written, in the same transaction as the change, as one append-only entry — who (the actor:
``principal.ref`` for staff, ``system:<event>`` for events), the role they acted in, when, what
changed field by field and the reason given. Auditors, city and district officers read it;
nobody can change it (the database refuses UPDATE and DELETE, models.AuditEntry).

Only the fields below are tracked: a household's real name and ID number are never copied here
(the masked name is), so the trail can be shown to auditors as it is."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from . import models
from .domain.audit import changes, role_of

A = models.AuditEntry

HOUSEHOLD = "household"
RELIEF_CASE = "relief_case"
ENTITIES = (HOUSEHOLD, RELIEF_CASE)

TRACKED = {
    HOUSEHOLD: ("name_masked", "category", "status", "closed_reason", "closed_note", "next_review_on",
                "review_officer", "verified_by", "verified_at", "evidence", "housing_stage", "housing_unit_id",
                "not_moved_in_reason"),
    RELIEF_CASE: ("household_id", "kind", "origin", "reason", "amount_fen", "total_fen", "from_month", "months",
                  "items", "period", "status", "policy_version", "approvals_needed", "approvers", "requested_by",
                  "decided_by", "decision_note", "delivered_by", "delivery_note"),
}


def snapshot(row, entity: str) -> dict:
    """The tracked fields of `row` as JSON-ready values (dates as ISO text, lists copied)."""
    return {f: _plain(getattr(row, f, None)) for f in TRACKED[entity]}


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [dict(v) if isinstance(v, dict) else v for v in value]
    return value


def record(session, now: datetime, actor: str, entity: str, entity_id: str, action: str, before: dict,
           row, reason: str | None = None) -> models.AuditEntry:
    """Append the entry for one change of `row` (its snapshot taken before is `before`; {} for a
    new record)."""
    entry = A(entity=entity, entity_id=entity_id, action=action, actor=actor, role=role_of(actor), at=now,
              changes=changes(before, snapshot(row, entity)), reason=reason or None)
    session.add(entry)
    return entry


def history(session, *, entity: str | None = None, entity_id: str | None = None, actor: str | None = None,
            page: int = 1, page_size: int = 50) -> tuple[int, list[models.AuditEntry]]:
    """Entries oldest first (the order they were written), filtered."""
    stmt = select(A)
    for column, value in ((A.entity, entity), (A.entity_id, entity_id), (A.actor, actor)):
        if value is not None:
            stmt = stmt.where(column == value)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(A.id).offset((page - 1) * page_size).limit(page_size)).all()
    return total, rows
