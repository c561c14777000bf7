"""Annual re-check (年审) and revocation (退出), needs survey (调查摸底), and the RPC queries."""

from __future__ import annotations

import uuid
from decimal import Decimal

from nameko.rpc import rpc
from sqlalchemy import select

from services.common.errors import Conflict, NotFound, Unprocessable
from services.common.events.contracts import iso_utc
from services.common.http import api

from . import models, schemas
from .domain import eligibility, survey
from .domain.eligibility import Housing
from .domain.lifecycle import State
from .domain.policy import HousingKind
from .support import (
    STAFF,
    application_view,
    apply_domain,
    current_policy,
    facts_of,
    get_application,
    optimistic,
    to_domain,
)


class RecheckMixin:
    @api("POST", "/rechecks", body=schemas.RecheckIn, roles=("district_officer", "city_officer"), status=201,
         summary="Run the annual re-check for approved applications with updated income/housing data; "
                 "failing ones wait for a district officer's confirmation")
    def run_recheck(self, req):
        body = req.body
        now = self.clock()
        with self.db.unit_of_work() as uow:
            s = uow.session
            policy = current_policy(s, "eligibility", self.notice_days())
            recheck = models.Recheck(id=str(uuid.uuid4()), as_of=body["as_of"], created_by=req.principal.ref,
                                     created_at=now)
            s.add(recheck)
            s.flush()
            items, seen = [], set()
            for i, upd in enumerate(body["updates"]):
                field = f"updates.{i}.application_id"
                app_id = upd["application_id"]
                row = s.get(models.Application, app_id)
                if row is None:
                    raise Unprocessable(f"{field}: application {app_id} not found", errors={field: ["not found"]})
                if row.state != State.APPROVED.value:
                    raise Unprocessable(f"{field}: application {app_id} is {row.state}; only approved applications "
                                        "are re-checked", errors={field: [f"state {row.state}"]})
                if app_id in seen:
                    raise Unprocessable(f"{field}: application {app_id} listed twice", errors={field: ["duplicate"]})
                seen.add(app_id)
                housing = upd["housing"]
                override = {"monthly_household_income_fen": upd["monthly_household_income_fen"],
                            "household_size": upd["household_size"], "union_member": upd["union_member"],
                            "housing": Housing(HousingKind(housing["kind"]), Decimal(housing["area_m2"]))
                            if housing else None}
                facts = facts_of(row, s.get(models.Applicant, row.applicant_id), **override)
                try:
                    result = eligibility.recheck(facts, policy, body["as_of"])
                except eligibility.FactsError as exc:
                    raise Unprocessable(f"updates.{i}.{exc.field}: {exc.message}",
                                        errors={f"updates.{i}.{exc.field}": [exc.message]}) from None
                reasons = [f"{r.rule.value}: {r.reasons['zh']} / {r.reasons['en']}" for r in result.revocation_reasons]
                outcome = "keep" if result.keeps_eligibility else "pending"
                s.add(models.RecheckItem(recheck_id=recheck.id, application_id=app_id, outcome=outcome,
                                         result=result.result.to_dict(), reasons=reasons))
                items.append({"application_id": app_id, "outcome": outcome, "reasons": reasons})
            uow.commit()
        return {"recheck_id": recheck.id, "as_of": body["as_of"].isoformat(), "items": items,
                "pending": sum(1 for it in items if it["outcome"] == "pending")}

    @api("GET", "/rechecks/<recheck_id>", roles=STAFF, summary="A re-check run and each application's outcome")
    def read_recheck(self, req):
        recheck_id = req.path["recheck_id"]
        with self.db.read() as s:
            recheck = s.get(models.Recheck, recheck_id)
            if recheck is None:
                raise NotFound(f"re-check {recheck_id} not found")
            items = s.scalars(select(models.RecheckItem).where(models.RecheckItem.recheck_id == recheck_id)
                              .order_by(models.RecheckItem.application_id)).all()
            return {"recheck_id": recheck.id, "as_of": recheck.as_of.isoformat(), "created_by": recheck.created_by,
                    "created_at": recheck.created_at, "items": [
                        {"application_id": it.application_id, "outcome": it.outcome, "reasons": it.reasons,
                         "result": it.result, "confirmed_by": it.confirmed_by, "confirmed_at": it.confirmed_at}
                        for it in items]}

    @api("POST", "/rechecks/<recheck_id>/items/<application_id>/confirm", roles=("district_officer",),
         summary="Confirm a failed re-check: the application is revoked (退出) and eligibility.revoked published")
    def confirm_recheck(self, req):
        recheck_id = req.path["recheck_id"]
        application_id = req.path["application_id"]
        now = self.clock()
        with optimistic(application_id), self.db.unit_of_work() as uow:
            s = uow.session
            item = s.get(models.RecheckItem, (recheck_id, application_id))
            if item is None:
                raise NotFound(f"application {application_id} is not in re-check {recheck_id}")
            if item.outcome != "pending":
                raise Conflict(f"re-check item is {item.outcome}; only pending (failed) items can be confirmed",
                               errors={"outcome": [item.outcome]})
            row = get_application(s, application_id)
            at = max(now, row.updated_at)
            apply_domain(row, to_domain(row).revoke(at, item.reasons))
            item.outcome, item.confirmed_by, item.confirmed_at = "revoked", req.principal.ref, at
            uow.publish("eligibility.revoked", {"application_id": row.id, "person_ref": row.person_ref,
                                                "programme": row.programme, "reasons": list(item.reasons),
                                                "revoked_at": iso_utc(at)})
            uow.commit()
            return {"application_id": row.id, "state": row.state, "reasons": item.reasons}

    @api("GET", "/survey", query=schemas.SurveyQuery, roles=STAFF,
         summary="Needs survey (调查摸底): counts by enterprise, programme, household size, housing, income band")
    def needs_survey(self, req):
        a = models.Application
        with self.db.read() as s:
            rows = s.execute(select(a.enterprise, a.programme, a.household_size, a.housing_kind,
                                    a.monthly_household_income_fen)
                             .where(a.state.notin_([State.DRAFT.value, State.WITHDRAWN.value]))).all()
        records = [{"enterprise": r.enterprise, "programme": r.programme, "household_size": r.household_size,
                    "housing_kind": r.housing_kind,
                    "monthly_income_per_capita_fen": -(-r.monthly_household_income_fen // r.household_size)}
                   for r in rows]
        return survey.aggregate(records, suppress_below=req.query["suppress_below"]).to_dict()

    # -- RPC (queries for other services) ------------------------------------------------------

    @rpc
    def get_contact(self, person_ref):
        """Contact details for notify at send time: phone and e-mail (the owner's copy) and a masked name."""
        with self.db.read() as s:
            applicant = s.scalars(select(models.Applicant).where(models.Applicant.person_ref == person_ref)).first()
            if applicant is None:
                return None
            return {"person_ref": person_ref, "phone": applicant.phone, "email": applicant.email,
                    "name_masked": applicant.name_masked}

    @rpc
    def get_application(self, application_id):
        """An application with its personal data masked (None when unknown)."""
        with self.db.read() as s:
            row = s.get(models.Application, application_id)
            if row is None:
                return None
            view = application_view(s, row, full=False)
        return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in view.items()}
