"""Intake (申请): drafts, edits, submission with the eligibility pre-check, withdrawal, and the
application as staff see it."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy.exc import IntegrityError

from services.common.errors import Conflict, NotFound, Unprocessable
from services.common.events.contracts import iso_utc
from services.common.identity import ResidentId, mask_name, parse_resident_id, person_ref
from services.common.roles import ENTERPRISE_OFFICER

from . import models, payloads, repository, views
from .domain import eligibility
from .domain.lifecycle import Application as DomainApplication
from .domain.policy import PROGRAMME_WORDS, Programme
from .roles import check_intake_scope, corrects_any_applicant, outside_scope


class NewApplication(NamedTuple):
    """A create request, checked and turned into column values before a unit of work opens."""

    programme: str
    submit: bool
    resident: ResidentId
    person_ref: str
    active_key: str
    columns: dict  # the application's facts
    contact: dict  # the applicant's name and contact data
    members: list[dict]  # household member rows
    preferences: list[str]  # best first
    claims: list[tuple[str, str]]  # (person_ref, relation) of everyone in the household, the applicant first


def new_application(body: dict, principal, ref_key: bytes) -> NewApplication:
    """The create request's checks that need no database (enterprise scope, hire date after
    birth, no person listed twice), and its values as the tables hold them."""
    resident = parse_resident_id(body["applicant"]["id_number"])
    columns, contact, members, preferences = _details(body, principal, resident.number, resident.birth_date,
                                                      ref_key)
    ref = person_ref(resident.number, ref_key)
    return NewApplication(body["programme"], body["submit"], resident, ref,
                          repository.active_key(ref, body["programme"]), columns, contact, members, preferences,
                          _claims(ref, members))


def create_application(uow, now, today, new: NewApplication, principal, notice_days: int) -> dict:
    """Save a draft or (new.submit) an application already submitted, with its event; a failed
    pre-check (as of `today`, the district's date) raises before anything is written. Returns
    the view of what was written."""
    s = uow.session
    draft = DomainApplication.new(Programme(new.programme))
    applicant = repository.upsert_applicant(s, dict(
        id=str(uuid.uuid4()), district=uow.district, person_ref=new.person_ref, id_number=new.resident.number,
        birth_date=new.resident.birth_date, updated_at=now, may_correct=corrects_any_applicant(principal),
        caller_enterprise=principal.enterprise, **new.contact))
    if applicant is None:
        raise outside_scope("file for them here or change their name and contact data")
    row = repository.record(
        id=str(uuid.uuid4()), version=1, applicant_id=applicant.id, person_ref=new.person_ref,
        district=uow.district, programme=new.programme, state=draft.state.value, active_key=new.active_key,
        needs_city_review=False, notice_period_days=0, open_objections=0, objections_filed=0, policy_version=None,
        first_submitted_at=None, notice_started_at=None, notice_ends_at=None, approved_at=None,
        created_by=principal.ref, created_at=now, updated_at=now, **new.columns)
    if new.submit:  # written once, already submitted
        policy = repository.current_policy(s, "eligibility", notice_days)
        vars(row).update(_pre_check(draft, row, applicant, policy, now, today))
    try:
        repository.insert_application(s, vars(row), new.members, new.preferences, new.claims)
    except IntegrityError:
        # The dedup is the database's: the unique active_key refuses a second active
        # application of this person in the programme, the household claims' key a person who
        # is already in another active household of it (also when two creates race). Nothing
        # is written.
        uow.rollback()
        raise _second_active(s, new) from None
    if new.submit:
        uow.publish("application.submitted", payloads.submitted(row, policy, False, now))
    vars(row).setdefault("eligibility", None)  # a draft's is SQL NULL (not written above)
    return views.render_application(row, applicant, members=[repository.record(**m) for m in new.members],
                                    preferences=new.preferences, reviews=[], points_tenths=None, full=True, now=now)


def _second_active(session, new: NewApplication) -> Conflict:
    existing = repository.active_application(session, new.active_key)
    words = PROGRAMME_WORDS[Programme(new.programme)]
    if existing:  # this person already has an active application in this programme
        return Conflict(f"this person already has an active {words} application: {existing}",
                        errors={"application_id": [existing]})
    return (_household_conflict(session, new.programme, new.claims, new.members)
            or Conflict("another request for this household was saved at the same moment; retry"))


def _claims(applicant_ref: str, members: list[dict]) -> list[tuple[str, str]]:
    return [(applicant_ref, "applicant"), *((m["person_ref"], m["relation"]) for m in members)]


def _household_conflict(session, programme: str, claims: list[tuple[str, str]], members: list[dict],
                        other_than: str | None = None) -> Conflict | None:
    """A 409 naming the active application of `programme` that already holds someone of this
    household, or None."""
    held = repository.claim_holder(session, programme, [ref for ref, _ in claims], other_than)
    if held is None:
        return None
    ref, application_id = held
    position = next(i for i, (r, _) in enumerate(claims) if r == ref)
    who = ("the applicant" if position == 0
           else f"household member {mask_name(members[position - 1]['name'])} ({members[position - 1]['relation']})")
    field = "applicant.id_number" if position == 0 else f"members.{position - 1}.id_number"
    return Conflict(f"{who} is already in the household of the active {PROGRAMME_WORDS[Programme(programme)]} "
                    f"application {application_id}; a person may be in one active application per programme",
                    errors={"application_id": [application_id], field: ["in another active household"]})


def edit_application(uow, now, application_id: str, body: dict, principal, ref_key: bytes) -> None:
    """Replace a draft's (or a returned application's) facts, household and preferences."""
    number = parse_resident_id(body["applicant"]["id_number"]).number
    row = repository.get_application(uow.session, application_id, lock=True)
    check_intake_scope(principal, row.enterprise)
    at = repository.transition_time(row, now)
    edited = repository.to_domain(row).edit(at)  # only a draft or a returned application
    repository.check_version(row, body["version"])
    applicant = uow.session.get(models.Applicant, row.applicant_id)
    contact = _contact(body)
    if (_changes_person(applicant, contact) and not corrects_any_applicant(principal)
            and repository.active_elsewhere(uow.session, row.person_ref, principal.enterprise, row.id)):
        raise outside_scope("change their name and contact data (the application's other facts may be edited)")
    if number != applicant.id_number:
        raise Unprocessable("applicant.id_number cannot change; withdraw and apply anew",
                            errors={"applicant.id_number": ["cannot change"]})
    if body["programme"] != row.programme:
        raise Unprocessable("programme cannot change; withdraw and apply anew",
                            errors={"programme": ["cannot change"]})
    columns, _, members, preferences = _details(body, principal, applicant.id_number, applicant.birth_date, ref_key)
    claims = _claims(row.person_ref, members)
    conflict = _household_conflict(uow.session, row.programme, claims, members, other_than=row.id)
    if conflict is not None:
        raise conflict
    repository.apply_domain(row, edited)
    for name, value in columns.items():
        setattr(row, name, value)
    applicant.name, applicant.name_masked = contact["name"], contact["name_masked"]
    applicant.phone = contact["phone"] or applicant.phone
    applicant.email = contact["email"] or applicant.email
    applicant.updated_at = at
    row.updated_at = at
    try:
        repository.replace_details(uow.session, row.id, row.programme, members, preferences, claims)
    except IntegrityError:  # a create or edit that took one of these people committed meanwhile
        uow.rollback()
        raise (_household_conflict(uow.session, row.programme, claims, members, other_than=row.id)
               or Conflict("another request for this household was saved at the same moment; retry")) from None


def submit_application(uow, now, today, application_id: str, version: int | None, principal,
                       notice_days: int) -> dict:
    """Submit (or resubmit after a return) under the newest eligibility policy, checked as of
    `today` (the district's date); a failed pre-check raises and the application stays as it
    was. Returns the submitted view."""
    s = uow.session
    loaded = repository.load_for_change(s, application_id, "eligibility")
    if loaded is None:
        raise NotFound(f"application {application_id} not found")
    row, applicant, policy_document = loaded
    check_intake_scope(principal, row.enterprise)
    repository.check_version(row, version)
    at = repository.transition_time(row, now)
    policy = repository.parsed_policy("eligibility", policy_document, notice_days)
    changes = _pre_check(repository.to_domain(row), row, applicant, policy, at, today)
    resubmission = row.first_submitted_at is not None
    parts = repository.view_parts(s, row)  # read before the change: reviews only on a resubmission
    repository.save_changes(s, row, changes)
    uow.publish("application.submitted", payloads.submitted(row, policy, resubmission, at))
    return views.render_application(row, applicant, full=True, now=at, **parts)


def withdraw_application(uow, now, application_id: str, version: int | None, reasons: list[str],
                         principal) -> models.Application:
    """撤回 at any non-terminal point (approved included): application.withdrawn."""
    row = repository.get_application(uow.session, application_id, lock=True)
    check_intake_scope(principal, row.enterprise)
    repository.check_version(row, version)
    at = repository.transition_time(row, now)
    repository.apply_domain(row, repository.to_domain(row).withdraw(at, reasons))
    uow.publish("application.withdrawn", {"application_id": row.id, "person_ref": row.person_ref,
                                          "programme": row.programme, "withdrawn_at": iso_utc(at)})
    return row


def read_application(session, now, application_id: str, principal) -> dict:
    """An application, its personal data masked unless `principal` is its district's or
    enterprise's staff; what may be done with it as of `now`."""
    row = repository.get_application(session, application_id)
    return views.application_view(session, row, full=views.sees_personal_data(principal, row), now=now)


# -- the shared steps -------------------------------------------------------------------------------

def _details(body: dict, principal, id_number: str, birth_date, ref_key: bytes) -> tuple[dict, dict, list, list]:
    """The request's facts, checked, as column values: (application columns, the applicant's
    name and contact data, household member rows, preference choices best first)."""
    a = body["applicant"]
    enterprise = a["enterprise"]
    if enterprise is None and principal.role == ENTERPRISE_OFFICER:
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
    contact = _contact(body)
    member_rows = [dict(position=i, relation=m["relation"], name=m["name"], id_number=number,
                        person_ref=person_ref(number, ref_key), monthly_income_fen=m["monthly_income_fen"])
                   for i, (m, number) in enumerate(zip(members, ids, strict=True))]
    return columns, contact, member_rows, list(body["preferences"])


def _contact(body: dict) -> dict:
    """The applicant's name and contact data as the applicants table holds them."""
    a = body["applicant"]
    return dict(name=a["name"], name_masked=mask_name(a["name"]), phone=a["phone"] or None, email=a["email"] or None)


def _changes_person(applicant, contact: dict) -> bool:
    """Would storing `contact` change what is stored of the person (a phone or e-mail not given
    keeps the stored one)?"""
    return (contact["name"] != applicant.name or contact["phone"] not in (None, applicant.phone)
            or contact["email"] not in (None, applicant.email))


def _pre_check(app: DomainApplication, row, applicant, policy, at, today) -> dict:
    """Submit in the domain, then the eligibility pre-check: the column changes, or a 422
    listing every rule (the caller's transaction then writes nothing)."""
    submitted = app.submit(at, policy)  # refuses a forbidden transition before anything else
    result = eligibility.check(repository.facts_of(row, applicant), policy, today)
    if not result.eligible:
        failed = ", ".join(eligibility.RULE_WORDS[r.rule] for r in result.failed)
        raise Unprocessable(f"not eligible under the policy in force: {failed} (each rule's reason is in "
                            "errors.eligibility); nothing was changed", errors={"eligibility": result.to_dict()})
    return {**repository.domain_changes(submitted), "eligibility": result.to_dict()}
