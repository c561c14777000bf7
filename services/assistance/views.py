"""Hardship households as the API shows them: by real name only to the district's officers
(who run the registry, 实名制); masked to everyone else."""

from __future__ import annotations

from services.common.identity import mask_id_number

from . import models, roles
from .domain.support import is_overdue


def household_view(h: models.HardshipHousehold, principal) -> dict:
    full = roles.sees_real_names(principal)
    return {"household_id": h.id, "person_ref": h.person_ref, "category": h.category, "status": h.status,
            "name": h.name if full else h.name_masked,
            "id_number": h.id_number if full else mask_id_number(h.id_number),
            "masked": not full, "registered_at": h.registered_at, "next_review_on": h.next_review_on,
            "review_officer": h.review_officer, "verified_by": h.verified_by, "verified_at": h.verified_at,
            "evidence": list(h.evidence) if h.evidence is not None else None, "housing_stage": h.housing_stage}


def review_due_view(h: models.HardshipHousehold, today) -> dict:
    return {"household_id": h.id, "person_ref": h.person_ref, "name_masked": h.name_masked, "category": h.category,
            "next_review_on": h.next_review_on, "review_officer": h.review_officer,
            "overdue": h.next_review_on < today}


def not_moved_in_view(h: models.HardshipHousehold) -> dict:
    return {"household_id": h.id, "person_ref": h.person_ref, "name_masked": h.name_masked, "category": h.category,
            "housing_stage": h.housing_stage, "unit_id": h.housing_unit_id, "since": h.housing_stage_at,
            "reason": h.not_moved_in_reason, "reason_by": h.not_moved_in_reason_by}


def case_view(c: models.ReliefCase) -> dict:
    """A relief case: known by household and person_ref (the name lives in the registry)."""
    return {"relief_id": c.id, "household_id": c.household_id, "person_ref": c.person_ref, "kind": c.kind,
            "origin": c.origin, "reason": c.reason, "amount_fen": c.amount_fen, "total_fen": c.total_fen,
            "from_month": c.from_month, "months": c.months, "items": list(c.items or []), "year": c.year,
            "period": c.period, "status": c.status, "approvals_needed": c.approvals_needed,
            "level": len(c.approvers or []) + 1, "policy_version": c.policy_version,
            "approvers": list(c.approvers or []), "reviews": list(c.reviews or []),
            "requested_by": c.requested_by, "requested_at": c.requested_at,
            "decided_by": c.decided_by, "decided_at": c.decided_at, "decision_note": c.decision_note,
            "delivered_at": c.delivered_at}


def budget_view(b: models.ReliefBudget) -> dict:
    return {"year": b.year, "kind": b.kind, "total_fen": b.total_fen, "used_fen": b.used_fen,
            "remaining_fen": b.total_fen - b.used_fen}


def referral_view(r: models.Referral) -> dict:
    return {"referral_id": r.id, "household_id": r.household_id, "person_ref": r.person_ref,
            "tenancy_id": r.tenancy_id, "period": r.period, "days_overdue": r.days_overdue, "status": r.status,
            "outcome": r.outcome, "note": r.note, "opened_at": r.opened_at, "closed_at": r.closed_at}


def stock_view(s: models.StockItem) -> dict:
    return {"item": s.item, "quantity": s.quantity, "reserved": s.reserved, "available": s.quantity - s.reserved}


def follow_up_view(f: models.FollowUp, today) -> dict:
    return {"follow_up_id": f.id, "plan_id": f.plan_id, "household_id": f.household_id, "due_on": f.due_on,
            "officer": f.officer, "note": f.note, "outcome": f.outcome, "outcome_note": f.outcome_note,
            "done_at": f.done_at, "overdue": is_overdue(f.due_on, today, f.done_at is not None)}


def plan_view(p: models.SupportPlan, visits, today) -> dict:
    return {"plan_id": p.id, "household_id": p.household_id, "goal": p.goal, "note": p.note, "status": p.status,
            "outcome": p.outcome, "opened_by": p.opened_by, "opened_at": p.opened_at, "closed_at": p.closed_at,
            "follow_ups": [follow_up_view(f, today) for f in visits]}


def audit_view(a: models.AuditEntry) -> dict:
    return {"seq": a.id, "entity": a.entity, "entity_id": a.entity_id, "action": a.action, "actor": a.actor,
            "role": a.role, "at": a.at, "changes": dict(a.changes or {}), "reason": a.reason}
