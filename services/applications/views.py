"""Replies as the API shows them: an application (its personal data masked unless the caller
may see it), its points, the review queue and the public notice board."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from services.common.events.contracts import iso_utc
from services.common.identity import mask_id_number, mask_name, mask_phone

from . import repository, roles
from .domain import survey
from .domain.lifecycle import Action, State
from .domain.policy import tenths_to_decimal


def sees_personal_data(principal, row) -> bool:
    """roles.py's rule for one application."""
    return roles.sees_personal_data(principal, row.enterprise)


def income_band(row) -> str | None:
    """The household's monthly income per person as a band (domain/survey.py), or None."""
    if row.monthly_household_income_fen is None:
        return None
    return survey.income_band(-(-row.monthly_household_income_fen // row.household_size))


def eligibility_view(result: dict | None, full: bool) -> dict | None:
    """A stored eligibility result; masked: pass or fail per rule, without values or reasons."""
    if result is None or full:
        return result
    return {"policy_version": result["policy_version"], "checked_on": result["checked_on"],
            "eligible": result["eligible"], "rules": [{"rule": r["rule"], "passed": r["passed"]}
                                                      for r in result["rules"]]}


def application_view(session, row, full: bool, now) -> dict:
    """An application as the API shows it, read from the database (row: ORM or Core record)."""
    applicant = repository.applicant_of(session, row.applicant_id)
    return render_application(row, applicant, full=full, now=now, **repository.view_parts(session, row))


def allowed_actions(row, now, revocation_pending: bool = False) -> list[str]:
    """What the endpoints accept for this application at `now`, from the domain's one source
    (`refusal`), and revocation only while a failed re-check waits for confirmation (the one
    way to revoke)."""
    allowed = repository.to_domain(row).allowed_actions(now)
    return sorted(a.value for a in allowed if a is not Action.REVOKE or revocation_pending)


def render_application(row, applicant, *, members, preferences, reviews, points_tenths, full: bool, now,
                       revocation_pending: bool = False) -> dict:
    """The view from values in hand; `full` shows personal data, otherwise it is masked;
    `allowed_actions` as of `now`."""

    def person(name, id_number):
        return {"name": name if full else mask_name(name),
                "id_number": id_number if full else mask_id_number(id_number)}

    return {
        "application_id": row.id, "version": row.version, "state": row.state, "district": row.district,
        "programme": row.programme, "person_ref": row.person_ref, "masked": not full,
        "applicant": {**person(applicant.name, applicant.id_number),
                      "phone": (applicant.phone if full else mask_phone(applicant.phone or "")) or None,
                      "email": applicant.email if full else None,
                      "birth_date": applicant.birth_date.isoformat() if full else None,
                      "enterprise": row.enterprise,
                      "hire_date": row.hire_date.isoformat() if full and row.hire_date else None,
                      "union_member": row.union_member, "honour": row.honour, "frontline": row.frontline,
                      "needs_accessible": row.needs_accessible},
        "members": [{"relation": m.relation, **person(m.name, m.id_number),
                     "monthly_income_fen": m.monthly_income_fen if full else None} for m in members],
        "household_size": row.household_size,
        "monthly_household_income_fen": row.monthly_household_income_fen if full else None,
        "income_band": income_band(row),
        "housing": None if row.housing_kind is None else {
            "kind": row.housing_kind,
            "area_m2": str(Decimal(row.housing_area_hundredths or 0).scaleb(-2)) if full else None},
        "preferences": list(preferences),
        "reviews": [{"level": r.level, "decision": r.decision, "reviewer": r.reviewer,
                     "at": r.at, "reasons": r.reasons} for r in reviews],
        "eligibility": eligibility_view(row.eligibility, full),
        "needs_city_review": row.needs_city_review,
        "notice_started_at": row.notice_started_at,
        "notice_ends_at": row.notice_ends_at,
        "open_objections": row.open_objections,
        "points": points_text(points_tenths) if points_tenths is not None else None,
        "approved_at": row.approved_at,
        "allowed_actions": allowed_actions(row, now, revocation_pending),
    }


def stored_application(session, application_id: str, now) -> dict:
    """The application as stored now, personal data shown (for its own staff, after a change)."""
    return application_view(session, repository.get_application(session, application_id), full=True, now=now)


def plain(value):
    """A view for RPC callers (whose serializer knows no datetime): every instant as the HTTP
    replies and events show it (RFC 3339, UTC, "Z"), every date as ISO 8601, at any depth."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def status(row) -> dict:
    """The reply to a transition: where the application is now."""
    return {"application_id": row.id, "state": row.state, "version": row.version}


def points_text(tenths: int) -> str:
    return str(tenths_to_decimal(tenths))


def points_view(application_id: str, *, preview: bool, as_of, breakdown, full: bool = True) -> dict:
    """Points with their breakdown; masked (roles.py): each rule's points without its input."""
    lines = breakdown.to_dict()
    if not full:
        lines = {**lines, "lines": [{**line, "input": None} for line in lines["lines"]]}
    return {"application_id": application_id, "preview": preview, "as_of": as_of.isoformat(),
            "points": str(breakdown.total), "points_tenths": breakdown.total_tenths, "breakdown": lines}


def queue_item(r) -> dict:
    return {"application_id": r.id, "version": r.version, "programme": r.programme, "enterprise": r.enterprise,
            "state": r.state, "name_masked": r.name_masked, "first_submitted_at": r.first_submitted_at,
            "waiting_since": r.updated_at}


def objection_item(o, full: bool) -> dict:
    status = ("open" if o.resolved_at is None else "merged" if o.duplicate_of
              else "upheld" if o.upheld else "dismissed")
    return {"objection_id": o.id, "status": status, "reason": o.reason if full else None, "filed_at": o.filed_at,
            "resolved_at": o.resolved_at, "resolved_by": o.resolved_by, "duplicate_of": o.duplicate_of,
            "note": o.note}


def list_item(r) -> dict:
    return {"application_id": r.id, "version": r.version, "state": r.state, "programme": r.programme,
            "enterprise": r.enterprise, "name_masked": r.name_masked, "person_ref": r.person_ref,
            "household_size": r.household_size,
            "points": points_text(r.total_tenths) if r.total_tenths is not None else None,
            "first_submitted_at": r.first_submitted_at, "updated_at": r.updated_at, "created_at": r.created_at}


def notice_item(r) -> dict:
    return {"application_id": r.id, "name_masked": r.name_masked, "enterprise": r.enterprise,
            "programme": r.programme, "points": points_text(r.total_tenths) if r.total_tenths is not None else None,
            "notice_ends_at": r.notice_ends_at, "objection_pending": r.state == State.OBJECTED.value}
