"""Annual re-check (年审) and revocation (退出): approved applications are checked again with
updated income, household and housing data; a failing one waits for a district officer, whose
confirmation revokes it (eligibility.revoked)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from services.common.errors import Conflict, NotFound, Unprocessable
from services.common.events.contracts import iso_utc

from . import models, repository, roles, views
from .domain import eligibility
from .domain.eligibility import Housing
from .domain.lifecycle import STATE_WORDS, State
from .domain.policy import HousingKind


def _refused(i: int, name: str, detail: str, error: str) -> Unprocessable:
    """A 422 about the i-th update's `name` (the field only this use case can number)."""
    field = f"updates.{i}.{name}"
    return Unprocessable(f"{field}: {detail}", errors={field: [error]})


def run_recheck(uow, now: datetime, as_of: date, updates: list[dict], principal, notice_days: int) -> dict:
    """Re-check each updated application under the eligibility policy in force: "keep", or
    "pending" with the failing rules as reasons. Nothing is revoked here."""
    s = uow.session
    policy = repository.current_policy(s, "eligibility", notice_days)
    recheck = models.Recheck(id=str(uuid.uuid4()), as_of=as_of, created_by=principal.ref, created_at=now)
    s.add(recheck)
    s.flush()
    items, seen = [], set()
    for i, upd in enumerate(updates):
        app_id = upd["application_id"]
        row = s.get(models.Application, app_id)
        if row is None:
            raise _refused(i, "application_id", f"application {app_id} not found", "not found")
        if row.state != State.APPROVED.value:
            raise _refused(i, "application_id", f"application {app_id} is {STATE_WORDS[State(row.state)]}; only "
                           "approved applications are re-checked", f"state {row.state}")
        if app_id in seen:
            raise _refused(i, "application_id", f"application {app_id} listed twice", "duplicate")
        seen.add(app_id)
        housing = upd["housing"]
        override = {"monthly_household_income_fen": upd["monthly_household_income_fen"],
                    "household_size": upd["household_size"], "union_member": upd["union_member"],
                    "housing": Housing(HousingKind(housing["kind"]), Decimal(housing["area_m2"]))
                    if housing else None}
        facts = repository.facts_of(row, s.get(models.Applicant, row.applicant_id), **override)
        try:
            result = eligibility.recheck(facts, policy, as_of)
        except eligibility.FactsError as exc:
            raise _refused(i, exc.field, exc.message, exc.message) from None
        # "<rule>: 中文 / English": the rule's code leads, as eligibility.revoked has always carried it
        reasons = [f"{r.rule.value}: {r.reasons['zh']} / {r.reasons['en']}" for r in result.revocation_reasons]
        outcome = "keep" if result.keeps_eligibility else "pending"
        s.add(models.RecheckItem(recheck_id=recheck.id, application_id=app_id, outcome=outcome,
                                 result=result.result.to_dict(), reasons=reasons))
        items.append({"application_id": app_id, "outcome": outcome, "reasons": reasons})
    return {"recheck_id": recheck.id, "as_of": as_of.isoformat(), "items": items,
            "pending": sum(1 for it in items if it["outcome"] == "pending")}


def read_recheck(session, recheck_id: str, principal) -> dict:
    """A re-check run and each application's outcome; in full (values and reasons) for district
    and city officers, else each rule's pass or fail and the failing rules' names (roles.py)."""
    full = principal is not None and principal.role in roles.FULL_VIEW
    recheck = session.get(models.Recheck, recheck_id)
    if recheck is None:
        raise NotFound(f"re-check {recheck_id} not found")
    items = session.scalars(select(models.RecheckItem).where(models.RecheckItem.recheck_id == recheck_id)
                            .order_by(models.RecheckItem.application_id)).all()
    return {"recheck_id": recheck.id, "as_of": recheck.as_of.isoformat(), "created_by": recheck.created_by,
            "created_at": recheck.created_at, "items": [
                {"application_id": it.application_id, "outcome": it.outcome,
                 "reasons": it.reasons if full else _failed_rules(it.result),
                 "result": views.eligibility_view(it.result, full), "confirmed_by": it.confirmed_by,
                 "confirmed_at": it.confirmed_at}
                for it in items]}


def _failed_rules(result: dict) -> list[str]:
    return [eligibility.RULE_WORDS[eligibility.Rule(r["rule"])] for r in result["rules"] if not r["passed"]]


def confirm_recheck(uow, now: datetime, recheck_id: str, application_id: str, principal) -> dict:
    """A district officer confirms a failed re-check: the application is revoked."""
    s = uow.session
    item = s.get(models.RecheckItem, (recheck_id, application_id))
    if item is None:
        raise NotFound(f"application {application_id} is not in re-check {recheck_id}")
    if item.outcome != "pending":
        done = "kept its eligibility" if item.outcome == "keep" else "was revoked already"
        raise Conflict(f"application {application_id} {done} in this re-check; only a failed re-check waiting "
                       "for confirmation can be confirmed", errors={"outcome": [item.outcome]})
    row = repository.get_application(s, application_id)
    at = repository.transition_time(row, now)
    repository.apply_domain(row, repository.to_domain(row).revoke(at, item.reasons))
    item.outcome, item.confirmed_by, item.confirmed_at = "revoked", principal.ref, at
    uow.publish("eligibility.revoked", {"application_id": row.id, "person_ref": row.person_ref,
                                        "programme": row.programme, "reasons": list(item.reasons),
                                        "revoked_at": iso_utc(at)})
    return {"application_id": row.id, "state": row.state, "reasons": item.reasons}
