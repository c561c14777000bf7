"""Replies as the API shows them (schemas.…Out documents each): projects, units (area in m²),
pool entries (person_ref only), rounds (the secret only once drawn), offers, tenancies,
violations and complaints. Instants are datetime objects (the HTTP layer writes them as RFC
3339 UTC), calendar dates are dates."""

from __future__ import annotations

import json
from decimal import Decimal

from . import models
from .domain.lottery import COMBINATION_RULE
from .repository import round_inputs_digest
from .rounds import public_export_path


def points_text(tenths: int) -> str:
    """Points as the API and the events write them: an exact decimal with one place."""
    return f"{tenths // 10}.{tenths % 10}"


def area_text(tenths: int) -> str:
    """An area as the API writes it: m² with two decimals, like applications (655 → "65.50")."""
    return f"{Decimal(tenths).scaleb(-1):.2f}"


def project_view(p: models.Project, units: int) -> dict:
    return {"project_id": p.id, "name": p.name, "programme": p.programme, "supply_mode": p.supply_mode,
            "address": p.address, "created_at": p.created_at, "units": units}


def unit_view(u: models.Unit) -> dict:
    return {"unit_id": u.id, "project_id": u.project_id, "building": u.building, "number": u.number,
            "floor": u.floor, "rooms": u.rooms, "area_m2": area_text(u.area_tenths), "beds": u.beds,
            "rent_fen": u.rent_fen, "category": u.category, "accessible": u.accessible, "status": u.status,
            "vacant_since": u.vacant_since}


def pool_entry_view(r: models.PoolEntry) -> dict:
    return {"application_id": r.application_id, "person_ref": r.person_ref, "programme": r.programme,
            "points": points_text(r.points_tenths), "points_tenths": r.points_tenths,
            "breakdown": json.loads(r.breakdown), "household_size": r.household_size,
            "preferences": json.loads(r.preferences), "priority_groups": json.loads(r.priority_groups),
            "needs_accessible": r.needs_accessible, "status": r.status, "declines": r.declines,
            "suspended_until": r.suspended_until}


def round_view(r: models.Round) -> dict:
    out = {"round_id": r.id, "programme": r.programme, "status": r.status, "commitment": r.commitment,
           "public_value_source": r.public_value_source, "draw_date": r.draw_date,
           "quotas": dict(json.loads(r.quotas)), "quota_seats": dict(json.loads(r.quota_seats)),
           "fit_policy": json.loads(r.fit_policy), "respond_days": r.respond_days, "pool_size": r.pool_size,
           "unit_count": r.unit_count, "snapshot_digest": r.snapshot_digest,
           "inputs_digest": round_inputs_digest(r), "opened_at": r.opened_at}
    if r.status == "drawn":  # the secret is public only once drawn
        out.update(secret_hex=r.secret_hex, public_values=json.loads(r.public_values), seed_hex=r.seed_hex,
                   combination_rule=COMBINATION_RULE, results_digest=r.results_digest, matched=r.matched,
                   waitlisted=r.waitlisted, drawn_at=r.drawn_at, public_export_path=public_export_path(r.id))
    return out


def offer_view(o: models.Offer) -> dict:
    return {"offer_id": o.id, "round_id": o.round_id, "application_id": o.application_id,
            "person_ref": o.person_ref, "unit_id": o.unit_id, "status": o.status, "source": o.source,
            "seat": o.seat, "preference_index": o.preference_index, "offered_on": o.offered_on,
            "respond_by": o.respond_by, "answered_on": o.answered_on}


def tenancy_view(t: models.Tenancy) -> dict:
    return {"tenancy_id": t.id, "unit_id": t.unit_id, "project_id": t.project_id,
            "application_id": t.application_id, "person_ref": t.person_ref, "start": t.start, "end": t.end,
            "rent_fen": t.rent_fen, "status": t.status, "end_reason": t.end_reason, "ended_on": t.ended_on,
            "notice_end_on": t.notice_end_on, "violation_points": points_text(t.violation_points_tenths),
            "termination_open": t.termination_open}


def violation_view(v: models.Violation) -> dict:
    return {"violation_id": v.id, "tenancy_id": v.tenancy_id, "kind": v.kind, "note": v.note,
            "on": v.occurred_on, "period": v.period, "points": points_text(v.points_tenths),
            "total_points": points_text(v.total_after_tenths), "recorded_at": v.created_at}


def complaint_view(c: models.Complaint) -> dict:
    return {"complaint_id": c.id, "project_id": c.project_id, "category": c.category,
            "description": c.description, "status": c.status, "opened_at": c.opened_at,
            "resolved_at": c.resolved_at, "resolution": c.resolution}
