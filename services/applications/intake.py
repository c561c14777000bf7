"""Intake (申请): drafts, edits, submit with the eligibility pre-check, view, withdraw, points."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from services.common.errors import Conflict, Unprocessable
from services.common.events.contracts import iso_utc
from services.common.http import api
from services.common.identity import mask_name, parse_resident_id, person_ref

from . import models, schemas
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
    facts_of,
    get_application,
    hardship_of,
    optimistic,
    points_input,
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

    def _write_details(self, session, row: models.Application, applicant: models.Applicant, body: dict,
                       principal, *, fresh: bool = False) -> None:
        """Copy the request's facts onto the application (and contact data onto the applicant);
        `fresh`: a new application, so there are no members or preferences to replace."""
        a = body["applicant"]
        enterprise = a["enterprise"]
        if enterprise is None and principal.role == "enterprise_officer":
            enterprise = principal.enterprise
        check_intake_scope(principal, enterprise)
        applicant.name = a["name"]
        applicant.name_masked = mask_name(a["name"])
        applicant.phone = a["phone"] or applicant.phone
        applicant.email = a["email"] or applicant.email
        applicant.updated_at = self.clock()
        row.enterprise = enterprise
        row.hire_date = a["hire_date"]
        if row.hire_date is not None and row.hire_date < applicant.birth_date:
            raise Unprocessable("applicant.hire_date is before the birth date in the ID number",
                                errors={"applicant.hire_date": ["before birth date"]})
        row.union_member = a["union_member"]
        row.honour = a["honour"]
        row.frontline = a["frontline"]
        row.needs_accessible = a["needs_accessible"]
        row.monthly_household_income_fen = body["monthly_household_income_fen"]
        housing = body["housing"]
        row.housing_kind = housing["kind"] if housing else None
        row.housing_area_hundredths = int(Decimal(housing["area_m2"]) * 100) if housing else None
        members = body["members"]
        ids = [parse_resident_id(m["id_number"]).number for m in members]
        if applicant.id_number in ids or len(set(ids)) != len(ids):
            raise Unprocessable("a household member is listed twice (or is the applicant)",
                                errors={"members": ["duplicate person"]})
        row.household_size = 1 + len(members)
        if not fresh:
            session.execute(delete(models.HouseholdMember).where(models.HouseholdMember.application_id == row.id))
            session.execute(delete(models.Preference).where(models.Preference.application_id == row.id))
        session.flush()
        for i, (m, number) in enumerate(zip(members, ids, strict=True)):
            session.add(models.HouseholdMember(application_id=row.id, position=i, relation=m["relation"],
                                               name=m["name"], id_number=number, person_ref=self._ref(number),
                                               monthly_income_fen=m["monthly_income_fen"]))
        for rank, choice in enumerate(body["preferences"], start=1):
            session.add(models.Preference(application_id=row.id, rank=rank, choice=choice))

    @api("POST", "/applications", body=schemas.ApplicationIn, roles=INTAKE, status=201,
         summary="Save a draft application (staff enter it on the worker's behalf)")
    def create_application(self, req):
        body = req.body
        number = parse_resident_id(body["applicant"]["id_number"]).number
        ref = self._ref(number)
        key = active_key(ref, body["programme"])
        now = self.clock()
        application_id = str(uuid.uuid4())
        try:
            # One transaction does the dedup check, the writes and the reply's read (no second
            # session); the unique active_key still decides a race.
            with self.db.unit_of_work() as uow:
                s = uow.session
                existing = s.scalar(select(models.Application.id).where(models.Application.active_key == key))
                if existing is None:
                    applicant = s.scalars(select(models.Applicant).where(
                        models.Applicant.district == uow.district,
                        models.Applicant.person_ref == ref)).first()
                    if applicant is None:
                        applicant = models.Applicant(id=str(uuid.uuid4()), district=uow.district, person_ref=ref,
                                                     id_number=number,
                                                     birth_date=parse_resident_id(number).birth_date)
                        s.add(applicant)
                    draft = DomainApplication.new(Programme(body["programme"]))
                    row = models.Application(
                        id=application_id, applicant_id=applicant.id, person_ref=ref, district=uow.district,
                        programme=body["programme"], state=draft.state.value, active_key=key,
                        needs_city_review=False, notice_period_days=0, open_objections=0, objections_filed=0,
                        created_by=req.principal.ref, created_at=now, updated_at=now)
                    s.add(row)
                    self._write_details(s, row, applicant, body, req.principal, fresh=True)
                    view = application_view(s, row, full=True)
                    uow.commit()
        except (Conflict, IntegrityError):  # at commit, or at an autoflush before it
            existing = self._existing_active(key)
            if existing:  # lost a race with another create for the same person and programme
                raise self._dedup_conflict(existing, body["programme"]) from None
            raise Conflict("another request for this person was saved at the same moment; retry") from None
        if existing:
            raise self._dedup_conflict(existing, body["programme"])
        return view

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
            self._write_details(uow.session, row, applicant, body, req.principal)
            row.updated_at = max(self.clock(), row.updated_at)
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
            row = get_application(s, application_id, lock=True)
            check_intake_scope(req.principal, row.enterprise)
            if req.body["version"] is not None and req.body["version"] != row.version:
                raise Conflict(f"application {application_id} is at version {row.version}",
                               errors={"version": [f"current is {row.version}"]})
            app = to_domain(row)
            now = max(self.clock(), row.updated_at)
            policy = current_policy(s, "eligibility", self.notice_days())
            submitted = app.submit(now, policy)  # refuses a forbidden transition before anything else
            facts = facts_of(row, s.get(models.Applicant, row.applicant_id))
            try:
                result = eligibility.check(facts, policy, now.date())
            except eligibility.FactsError as exc:
                raise Unprocessable(f"{exc.field}: {exc.message}", errors={exc.field: [exc.message]}) from None
            if not result.eligible:
                failed = ", ".join(r.rule.value for r in result.failed)
                raise Unprocessable(f"eligibility pre-check failed: {failed}",
                                    errors={"eligibility": result.to_dict()})
            resubmission = row.first_submitted_at is not None
            apply_domain(row, submitted)
            row.eligibility = result.to_dict()
            uow.publish("application.submitted", {
                "application_id": row.id, "person_ref": row.person_ref, "programme": row.programme,
                "enterprise": row.enterprise, "policy_version": policy.version, "resubmission": resubmission,
                "submitted_at": iso_utc(now)})
            s.flush()  # the version check and the new version, before the reply is read
            view = application_view(s, row, full=True)  # in the same transaction: no second session
            uow.commit()
        return view

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
