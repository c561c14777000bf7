"""Intake (申请): drafts, edits, submit with the eligibility pre-check, view, withdraw, points."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.common.errors import Conflict, NotFound, Unprocessable
from services.common.events.contracts import iso_utc
from services.common.http import api
from services.common.identity import mask_name, parse_resident_id, person_ref

from . import models, repository, schemas
from .domain import eligibility
from .domain import points as domain_points
from .domain.lifecycle import Application as DomainApplication
from .domain.lifecycle import State
from .domain.policy import Programme
from .support import (
    INTAKE,
    STAFF,
    active_key,
    application_view,
    apply_domain,
    breakdown_of,
    check_intake_scope,
    current_policy,
    domain_changes,
    facts_of,
    get_application,
    hardship_of,
    optimistic,
    parsed_policy,
    points_input,
    render_application,
    sees_personal_data,
    to_domain,
)

EDITABLE_STATES = (State.DRAFT.value, State.RETURNED.value)


class IntakeMixin:
    def notice_days(self) -> int:
        return int(self.config.get("NOTICE_DAYS", 7))

    def _ref(self, id_number: str) -> str:
        return person_ref(id_number, str(self.config["PERSON_REF_KEY"]).encode())

    def _existing_active(self, key: str) -> str | None:
        with self.db.read() as session:
            return session.scalar(select(models.Application.id).where(models.Application.active_key == key))

    def _dedup_conflict(self, existing: str, programme: str) -> Conflict:
        return Conflict(f"this person already has an active {programme} application: {existing}",
                        errors={"application_id": [existing]})

    def _details(self, body: dict, principal, id_number: str, birth_date) -> tuple[dict, dict, list, list]:
        """The request's facts, checked, as column values: (application columns, the applicant's
        name and contact data, household member rows, preference choices best first)."""
        a = body["applicant"]
        enterprise = a["enterprise"]
        if enterprise is None and principal.role == "enterprise_officer":
            enterprise = principal.enterprise
        check_intake_scope(principal, enterprise)
        if a["hire_date"] is not None and a["hire_date"] < birth_date:
            raise Unprocessable("applicant.hire_date is before the birth date in the ID number",
                                errors={"applicant.hire_date": ["before birth date"]})
        members = body["members"]
        ids = [parse_resident_id(m["id_number"]).number for m in members]
        if id_number in ids or len(set(ids)) != len(ids):
            raise Unprocessable("a household member is listed twice (or is the applicant)",
                                errors={"members": ["duplicate person"]})
        housing = body["housing"]
        columns = dict(
            enterprise=enterprise, hire_date=a["hire_date"], union_member=a["union_member"], honour=a["honour"],
            frontline=a["frontline"], needs_accessible=a["needs_accessible"],
            monthly_household_income_fen=body["monthly_household_income_fen"],
            housing_kind=housing["kind"] if housing else None,
            housing_area_hundredths=int(Decimal(housing["area_m2"]) * 100) if housing else None,
            household_size=1 + len(members))
        contact = dict(name=a["name"], name_masked=mask_name(a["name"]), phone=a["phone"] or None,
                       email=a["email"] or None)
        member_rows = [dict(position=i, relation=m["relation"], name=m["name"], id_number=number,
                            person_ref=self._ref(number), monthly_income_fen=m["monthly_income_fen"])
                       for i, (m, number) in enumerate(zip(members, ids, strict=True))]
        return columns, contact, member_rows, list(body["preferences"])

    def _pre_check(self, app, row, applicant, policy, now) -> dict:
        """Submit in the domain, then the eligibility pre-check: the column changes, or a 422
        listing every rule (the caller's transaction then writes nothing)."""
        submitted = app.submit(now, policy)  # refuses a forbidden transition before anything else
        try:
            result = eligibility.check(facts_of(row, applicant), policy, now.date())
        except eligibility.FactsError as exc:
            raise Unprocessable(f"{exc.field}: {exc.message}", errors={exc.field: [exc.message]}) from None
        if not result.eligible:
            failed = ", ".join(r.rule.value for r in result.failed)
            raise Unprocessable(f"eligibility pre-check failed: {failed}", errors={"eligibility": result.to_dict()})
        return {**domain_changes(submitted), "eligibility": result.to_dict()}

    @staticmethod
    def _submitted(uow, row, policy, resubmission: bool, now) -> None:
        uow.publish("application.submitted", {
            "application_id": row.id, "person_ref": row.person_ref, "programme": row.programme,
            "enterprise": row.enterprise, "policy_version": policy.version, "resubmission": resubmission,
            "submitted_at": iso_utc(now)})

    @api("POST", "/applications", body=schemas.ApplicationIn, roles=INTAKE, status=201,
         summary="Save a draft application (staff enter it on the worker's behalf); with "
                 "\"submit\": true it is submitted at once (pre-check failed → 422, nothing saved)")
    def create_application(self, req):
        body = req.body
        resident = parse_resident_id(body["applicant"]["id_number"])
        number = resident.number
        columns, contact, members, preferences = self._details(body, req.principal, number, resident.birth_date)
        ref = self._ref(number)
        key = active_key(ref, body["programme"])
        now = self.clock()
        application_id = str(uuid.uuid4())
        draft = DomainApplication.new(Programme(body["programme"]))
        try:
            # The unique active_key is the dedup: a second active application for this person and
            # programme fails its INSERT (also when two creates race), and nothing is written.
            with self.db.unit_of_work() as uow:
                s = uow.session
                applicant = repository.upsert_applicant(s, dict(
                    id=str(uuid.uuid4()), district=uow.district, person_ref=ref, id_number=number,
                    birth_date=resident.birth_date, updated_at=now, **contact))
                row = repository.record(
                    id=application_id, version=1, applicant_id=applicant.id, person_ref=ref, district=uow.district,
                    programme=body["programme"], state=draft.state.value, active_key=key, needs_city_review=False,
                    notice_period_days=0, open_objections=0, objections_filed=0, policy_version=None,
                    first_submitted_at=None, notice_started_at=None, notice_ends_at=None, approved_at=None,
                    created_by=req.principal.ref, created_at=now, updated_at=now, **columns)
                if body["submit"]:  # written once, already submitted
                    policy = current_policy(s, "eligibility", self.notice_days())
                    vars(row).update(self._pre_check(draft, row, applicant, policy, now))
                repository.insert_application(s, vars(row), members, preferences)
                if body["submit"]:
                    self._submitted(uow, row, policy, False, now)
                uow.commit()
        except (Conflict, IntegrityError):
            existing = self._existing_active(key)
            if existing:  # this person already has an active application in this programme
                raise self._dedup_conflict(existing, body["programme"]) from None
            raise Conflict("another request for this person was saved at the same moment; retry") from None
        vars(row).setdefault("eligibility", None)  # a draft's is SQL NULL (not written above)
        return render_application(row, applicant, members=[repository.record(**m) for m in members],
                                  preferences=preferences, reviews=[], points_tenths=None, full=True)

    @api("PUT", "/applications/<application_id>", body=schemas.ApplicationIn, roles=INTAKE,
         summary="Edit a draft or an application returned for correction")
    def edit_application(self, req):
        application_id = req.path["application_id"]
        body = req.body
        number = parse_resident_id(body["applicant"]["id_number"]).number
        with optimistic(application_id), self.db.unit_of_work() as uow:
            row = get_application(uow.session, application_id, lock=True)
            check_intake_scope(req.principal, row.enterprise)
            if row.state not in EDITABLE_STATES:
                raise Conflict(f"application {application_id} is {row.state}; only draft or returned "
                               "applications can be edited", errors={"state": [row.state]})
            if body["version"] is not None and body["version"] != row.version:
                raise Conflict(f"application {application_id} is at version {row.version}, not {body['version']}",
                               errors={"version": [f"current is {row.version}"]})
            applicant = uow.session.get(models.Applicant, row.applicant_id)
            if number != applicant.id_number:
                raise Unprocessable("applicant.id_number cannot change; withdraw and apply anew",
                                    errors={"applicant.id_number": ["cannot change"]})
            if body["programme"] != row.programme:
                raise Unprocessable("programme cannot change; withdraw and apply anew",
                                    errors={"programme": ["cannot change"]})
            columns, contact, members, preferences = self._details(body, req.principal, applicant.id_number,
                                                                   applicant.birth_date)
            now = max(self.clock(), row.updated_at)
            for name, value in columns.items():
                setattr(row, name, value)
            applicant.name, applicant.name_masked = contact["name"], contact["name_masked"]
            applicant.phone = contact["phone"] or applicant.phone
            applicant.email = contact["email"] or applicant.email
            applicant.updated_at = now
            row.updated_at = now
            repository.replace_details(uow.session, row.id, members, preferences)
            uow.commit()
        with self.db.read() as session:
            return application_view(session, get_application(session, application_id), full=True)

    @api("POST", "/applications/<application_id>/submit", body=schemas.VersionIn, roles=INTAKE,
         summary="Submit: validate everything and run the eligibility pre-check (422 with every rule "
                 "when it fails; the application then stays as it was)")
    def submit_application(self, req):
        application_id = req.path["application_id"]
        with optimistic(application_id), self.db.unit_of_work() as uow:
            s = uow.session
            loaded = repository.load_for_change(s, application_id, "eligibility")
            if loaded is None:
                raise NotFound(f"application {application_id} not found")
            row, applicant, policy_document = loaded
            check_intake_scope(req.principal, row.enterprise)
            if req.body["version"] is not None and req.body["version"] != row.version:
                raise Conflict(f"application {application_id} is at version {row.version}",
                               errors={"version": [f"current is {row.version}"]})
            now = max(self.clock(), row.updated_at)
            policy = parsed_policy("eligibility", policy_document, self.notice_days())
            changes = self._pre_check(to_domain(row), row, applicant, policy, now)
            resubmission = row.first_submitted_at is not None
            parts = repository.view_parts(s, row)  # read before the change: reviews only on a resubmission
            repository.save_changes(s, row, changes)
            self._submitted(uow, row, policy, resubmission, now)
            uow.commit()
        return render_application(row, applicant, full=True, **parts)

    @api("GET", "/applications/<application_id>", roles=STAFF,
         summary="An application (personal data masked unless you are its district or enterprise staff)")
    def read_application(self, req):
        application_id = req.path["application_id"]
        with self.db.read() as session:
            row = get_application(session, application_id)
            return application_view(session, row, full=sees_personal_data(req.principal, row))

    @api("GET", "/applications/<application_id>/points", roles=STAFF,
         summary="Points with the full breakdown (rule, input, points, cap)")
    def read_points(self, req):
        application_id = req.path["application_id"]
        with self.db.read() as session:
            row = get_application(session, application_id)
            record = session.get(models.ApplicationPoints, row.id)
            if record is not None:
                breakdown = breakdown_of(session, record)
                return {"application_id": row.id, "preview": False, "as_of": record.as_of.isoformat(),
                        "points": str(breakdown.total), "points_tenths": breakdown.total_tenths,
                        "breakdown": breakdown.to_dict()}
            if row.hire_date is None:
                raise Conflict("no points yet: the hire date is missing", errors={"applicant.hire_date": ["missing"]})
            today = self.clock().date()
            policy = current_policy(session, "points", self.notice_days())
            breakdown = domain_points.compute(points_input(row, hardship_of(session, row.person_ref), today), policy)
            return {"application_id": row.id, "preview": True, "as_of": today.isoformat(),
                    "points": str(breakdown.total), "points_tenths": breakdown.total_tenths,
                    "breakdown": breakdown.to_dict()}

    @api("POST", "/applications/<application_id>/withdraw", body=schemas.VersionIn, roles=INTAKE,
         summary="Withdraw (撤回) at any non-terminal point, approved included")
    def withdraw_application(self, req):
        application_id = req.path["application_id"]
        with optimistic(application_id), self.db.unit_of_work() as uow:
            row = get_application(uow.session, application_id, lock=True)
            check_intake_scope(req.principal, row.enterprise)
            if req.body["version"] is not None and req.body["version"] != row.version:
                raise Conflict(f"application {application_id} is at version {row.version}",
                               errors={"version": [f"current is {row.version}"]})
            now = max(self.clock(), row.updated_at)
            apply_domain(row, to_domain(row).withdraw(now, req.body["reasons"]))
            uow.publish("application.withdrawn", {"application_id": row.id, "person_ref": row.person_ref,
                                                  "programme": row.programme, "withdrawn_at": iso_utc(now)})
            uow.commit()
            return {"application_id": row.id, "state": row.state, "version": row.version}
