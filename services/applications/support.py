"""What the applications handlers share: the clock, the configurable timer, loading rows into
domain values and back, policies, points inputs and the (masked or full) views."""

from __future__ import annotations

import contextlib
import functools
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

from nameko.extensions import DependencyProvider
from nameko.timer import Timer
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from services.common.errors import Conflict, Forbidden, NotFound, Unprocessable
from services.common.events.contracts import utc_now
from services.common.identity import mask_id_number, mask_name, mask_phone

from . import models, repository
from .domain import lifecycle, points
from .domain.eligibility import ApplicantFacts, FactsError, Housing, completed_years
from .domain.lifecycle import Action, State, Transition
from .domain.policy import (
    DEFAULT_ELIGIBILITY_POLICY,
    DEFAULT_POINTS_POLICY,
    EligibilityPolicy,
    HardshipCategory,
    HonourLevel,
    HousingKind,
    PointsPolicy,
    PolicyError,
    Programme,
    tenths_to_decimal,
)

STAFF = ("enterprise_officer", "district_officer", "city_officer", "auditor")
INTAKE = ("enterprise_officer", "district_officer")
FULL_VIEW_ROLES = frozenset({"district_officer", "city_officer"})


class Clock(DependencyProvider):
    """`self.now()` → aware UTC now plus `offset`. Tests move the clock through the provider
    (`advance(days=...)`) to run a notice period without waiting for it."""

    def setup(self):
        self.offset = timedelta(0)

    def advance(self, **delta) -> None:
        self.offset += timedelta(**delta)

    def now(self) -> datetime:
        return utc_now() + self.offset

    def get_dependency(self, worker_ctx):
        return self.now


class ConfigTimer(Timer):
    """nameko's @timer with the interval read from the service config at setup."""

    def __init__(self, config_key: str, default: float, **kwargs):
        self.config_key = config_key
        super().__init__(interval=default, **kwargs)

    def setup(self):
        super().setup()
        self.interval = float(self.container.config.get(self.config_key, self.interval))
        if self.interval <= 0:
            raise ValueError(f"{self.config_key} must be > 0 seconds")


config_timer = ConfigTimer.decorator


@contextlib.contextmanager
def optimistic(application_id: str):
    """Turn SQLAlchemy's version-check failure into 409 naming the application."""
    try:
        yield
    except StaleDataError:
        raise Conflict(f"application {application_id} was changed by someone else meanwhile; "
                       "reload it and retry", errors={"version": ["stale"]}) from None


def unprocessable(exc: PolicyError | FactsError, prefix: str = "") -> Unprocessable:
    name = prefix + exc.field
    return Unprocessable(f"{name}: {exc.message}", errors={name: [exc.message]})


# -- rows <-> domain ----------------------------------------------------------------------------

def get_application(session, application_id: str, *, lock: bool = False) -> models.Application:
    stmt = select(models.Application).where(models.Application.id == application_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = session.scalars(stmt).first()
    if row is None:
        raise NotFound(f"application {application_id} not found")
    return row


def to_domain(row: models.Application) -> lifecycle.Application:
    state = State(row.state)
    # The domain consults only the time of the last transition; the audit trail lives in reviews.
    last = Transition(Action.SUBMIT, state, state, row.updated_at)
    return lifecycle.Application(
        programme=Programme(row.programme), state=state, policy_version=row.policy_version,
        needs_city_review=row.needs_city_review, notice_period_days=row.notice_period_days,
        first_submitted_at=row.first_submitted_at, notice_started_at=row.notice_started_at,
        notice_ends_at=row.notice_ends_at, open_objections=row.open_objections,
        objections_filed=row.objections_filed, history=(last,))


_LIFECYCLE_COLUMNS = ("policy_version", "needs_city_review", "notice_period_days", "first_submitted_at",
                      "notice_started_at", "notice_ends_at", "open_objections", "objections_filed")


def domain_changes(app: lifecycle.Application) -> dict:
    """The application columns that mirror the domain's lifecycle value."""
    changes = {name: getattr(app, name) for name in _LIFECYCLE_COLUMNS}
    changes.update(state=app.state.value, updated_at=app.history[-1].at)
    if app.is_terminal:
        changes["active_key"] = None
    return changes


def apply_domain(row: models.Application, app: lifecycle.Application) -> None:
    for name, value in domain_changes(app).items():
        setattr(row, name, value)


def active_key(person_ref: str, programme: str) -> str:
    return f"{person_ref}:{programme}"


def housing_of(row) -> Housing | None:
    if row.housing_kind is None:
        return None
    return Housing(HousingKind(row.housing_kind), Decimal(row.housing_area_hundredths or 0).scaleb(-2))


def facts_of(row: models.Application, applicant: models.Applicant, **override) -> ApplicantFacts:
    """Eligibility facts; `override` replaces declared values (the annual re-check's updates)."""
    missing = [name for name in ("enterprise", "hire_date", "union_member", "monthly_household_income_fen",
                                 "housing_kind") if getattr(row, name) is None]
    if applicant.phone is None:
        missing.append("applicant.phone")
    if missing:
        names = [m if "." in m else {"hire_date": "applicant.hire_date", "union_member": "applicant.union_member",
                                     "enterprise": "applicant.enterprise", "housing_kind": "housing"}.get(m, m)
                 for m in missing]
        raise Unprocessable(f"complete these before submitting: {', '.join(names)}",
                            errors={n: ["required before submit"] for n in names})
    values = dict(birth_date=applicant.birth_date, hire_date=row.hire_date, union_member=row.union_member,
                  household_size=row.household_size,
                  monthly_household_income_fen=row.monthly_household_income_fen,
                  housing=housing_of(row), programme=Programme(row.programme))
    values.update({k: v for k, v in override.items() if v is not None})
    try:
        return ApplicantFacts(**values)
    except FactsError as exc:
        raise unprocessable(exc) from None


# -- policies ------------------------------------------------------------------------------------

def _latest(session, kind: str) -> models.Policy | None:
    return session.scalars(select(models.Policy).where(models.Policy.kind == kind)
                           .order_by(models.Policy.version.desc()).limit(1)).first()


def default_document(kind: str, notice_days: int) -> dict:
    if kind == "eligibility":
        doc = DEFAULT_ELIGIBILITY_POLICY.to_dict()
        doc["notice_period_days"] = notice_days
        return doc
    return DEFAULT_POINTS_POLICY.to_dict()


def parse_policy(kind: str, document: dict, notice_days: int):
    """A stored document → policy; an eligibility document without notice_period_days takes
    the district's NOTICE_DAYS setting."""
    if kind == "eligibility":
        return EligibilityPolicy.from_dict({"notice_period_days": notice_days, **document})
    return PointsPolicy.from_dict(document)


def current_policy(session, kind: str, notice_days: int):
    """The newest stored version of a policy kind, or the built-in default."""
    row = _latest(session, kind)
    return parsed_policy(kind, row.document if row else None, notice_days)


def parsed_policy(kind: str, document: dict | None, notice_days: int):
    """A stored document (None: the built-in default) as a policy, parsed once per process for
    each distinct document: keyed by its content (which holds its version), so a version
    written, rolled back and written anew differently is never mistaken for the first."""
    if document is None:
        document = default_document(kind, notice_days)
    return _parse_once(kind, json.dumps(document, sort_keys=True, ensure_ascii=False), notice_days)


@functools.lru_cache(maxsize=64)
def _parse_once(kind: str, document_json: str, notice_days: int):
    return parse_policy(kind, json.loads(document_json), notice_days)


def points_policy(session, version: int) -> PointsPolicy:
    row = session.scalars(select(models.Policy).where(models.Policy.kind == "points",
                                                      models.Policy.version == version)).first()
    if row is None:
        if version == DEFAULT_POINTS_POLICY.version:
            return DEFAULT_POINTS_POLICY
        raise NotFound(f"points policy version {version} not found")
    return PointsPolicy.from_dict(row.document)


# -- points -----------------------------------------------------------------------------------

def priority_groups(frontline: bool, honour: str | None, hardship: str | None) -> list[str]:
    groups = []
    if frontline:
        groups.append("frontline")
    if honour:
        groups.append("model_worker")
    if hardship:
        groups.append("hardship")
    return groups


def points_input(row: models.Application, hardship: str | None, as_of: date) -> points.PointsInput:
    start = row.first_submitted_at.date() if row.first_submitted_at else as_of
    return points.PointsInput(
        years_of_service=completed_years(row.hire_date, as_of) if row.hire_date <= as_of else 0,
        household_size=row.household_size,
        hardship_category=HardshipCategory(hardship) if hardship else None,
        honour=HonourLevel(row.honour) if row.honour else None,
        frontline=row.frontline,
        months_waiting=points.completed_months(start, as_of))


def hardship_of(session, person_ref: str) -> str | None:
    status = session.get(models.HardshipStatus, person_ref)
    return status.category if status else None


def store_points(session, row: models.Application, policy: PointsPolicy, as_of: date,
                 now: datetime) -> points.PointsBreakdown:
    """Compute the application's points now and keep their inputs (the breakdown's source)."""
    hardship = hardship_of(session, row.person_ref)
    inp = points_input(row, hardship, as_of)
    breakdown = points.compute(inp, policy)
    record = session.get(models.ApplicationPoints, row.id)
    if record is None:
        record = models.ApplicationPoints(application_id=row.id)
        session.add(record)
    record.policy_version = policy.version
    record.as_of = as_of
    record.years_of_service = inp.years_of_service
    record.household_size = inp.household_size
    record.hardship_category = hardship
    record.honour = row.honour
    record.frontline = row.frontline
    record.months_waiting = inp.months_waiting
    record.total_tenths = breakdown.total_tenths
    record.computed_at = now
    return breakdown


def breakdown_of(session, record: models.ApplicationPoints) -> points.PointsBreakdown:
    inp = points.PointsInput(
        years_of_service=record.years_of_service, household_size=record.household_size,
        hardship_category=HardshipCategory(record.hardship_category) if record.hardship_category else None,
        honour=HonourLevel(record.honour) if record.honour else None,
        frontline=record.frontline, months_waiting=record.months_waiting)
    return points.compute(inp, points_policy(session, record.policy_version))


def points_text(tenths: int) -> str:
    return str(tenths_to_decimal(tenths))


# -- access and views ---------------------------------------------------------------------------

def check_intake_scope(principal, enterprise: str | None) -> None:
    """Enterprise officers act only for their own enterprise."""
    if principal.role == "enterprise_officer" and enterprise is not None and enterprise != principal.enterprise:
        raise Forbidden(f"enterprise officers act only for their own enterprise ({principal.enterprise}), "
                        f"not {enterprise}", errors={"applicant.enterprise": ["not your enterprise"]})


def sees_personal_data(principal, row: models.Application) -> bool:
    if principal is None:
        return False
    if principal.role in FULL_VIEW_ROLES:
        return True
    return principal.role == "enterprise_officer" and row.enterprise == principal.enterprise


def application_view(session, row, full: bool) -> dict:
    """An application as the API shows it, read from the database (row: ORM or Core record)."""
    applicant = repository.applicant_of(session, row.applicant_id)
    return render_application(row, applicant, full=full, **repository.view_parts(session, row))


def render_application(row, applicant, *, members, preferences, reviews, points_tenths, full: bool) -> dict:
    """The view from values in hand; `full` shows personal data, otherwise it is masked."""

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
                      "enterprise": row.enterprise, "hire_date": row.hire_date.isoformat() if row.hire_date else None,
                      "union_member": row.union_member, "honour": row.honour, "frontline": row.frontline,
                      "needs_accessible": row.needs_accessible},
        "members": [{"relation": m.relation, **person(m.name, m.id_number),
                     "monthly_income_fen": m.monthly_income_fen} for m in members],
        "household_size": row.household_size,
        "monthly_household_income_fen": row.monthly_household_income_fen,
        "housing": None if row.housing_kind is None else {
            "kind": row.housing_kind, "area_m2": str(Decimal(row.housing_area_hundredths or 0).scaleb(-2))},
        "preferences": list(preferences),
        "reviews": [{"level": r.level, "decision": r.decision, "reviewer": r.reviewer,
                     "at": r.at.isoformat(), "reasons": r.reasons} for r in reviews],
        "eligibility": row.eligibility,
        "needs_city_review": row.needs_city_review,
        "notice_started_at": row.notice_started_at.isoformat() if row.notice_started_at else None,
        "notice_ends_at": row.notice_ends_at.isoformat() if row.notice_ends_at else None,
        "open_objections": row.open_objections,
        "points": points_text(points_tenths) if points_tenths is not None else None,
        "approved_at": row.approved_at.isoformat() if row.approved_at else None,
        "allowed_actions": sorted(a.value for a in to_domain(row).allowed_actions()),
    }


def preferences_of(session, application_id: str) -> list[str]:
    return list(session.scalars(select(models.Preference.choice)
                                .where(models.Preference.application_id == application_id)
                                .order_by(models.Preference.rank)))


def page(session, stmt, page_no: int, page_size: int):
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.execute(stmt.limit(page_size).offset((page_no - 1) * page_size)).all()
    return total, rows
