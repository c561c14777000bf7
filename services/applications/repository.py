"""Rows (申请记录): reading and writing applications' tables, rows ↔ domain values, the version
guards, and the stored policies (read and parsed once per distinct document).

The busy paths. Every worker's application passes through create and submit, so these two go
through SQLAlchemy Core, without the ORM's identity map and flush planning: one statement per
table, the applicant written by an upsert, the version check done by the UPDATE itself, and the
reply built from the values just written instead of read back. Statements are built once at
import with bound parameters (building one per call cost more CPU than running it). The ORM
models stay the schema; the quieter use cases keep using them (`get_application` and below).
"""

from __future__ import annotations

import contextlib
import functools
import json
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from types import SimpleNamespace

from sqlalchemy import (
    Boolean,
    Integer,
    String,
    bindparam,
    column,
    delete,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import object_session
from sqlalchemy.orm.exc import StaleDataError

from services.common import paging
from services.common.errors import Conflict, NotFound, Unprocessable

from . import models
from .domain import lifecycle
from .domain.eligibility import ApplicantFacts, Housing
from .domain.lifecycle import Action, State, Transition
from .domain.policy import (
    DEFAULT_ELIGIBILITY_POLICY,
    DEFAULT_POINTS_POLICY,
    EligibilityPolicy,
    HousingKind,
    PointsPolicy,
    Programme,
)

APPLICATIONS = models.Application.__table__
APPLICANTS = models.Applicant.__table__
MEMBERS = models.HouseholdMember.__table__
PREFERENCES = models.Preference.__table__
REVIEWS = models.Review.__table__
POINTS = models.ApplicationPoints.__table__
POLICIES = models.Policy.__table__
CLAIMS = models.HouseholdClaim.__table__

_APPLICANT_VIEW = (APPLICANTS.c.name, APPLICANTS.c.id_number, APPLICANTS.c.birth_date, APPLICANTS.c.phone,
                   APPLICANTS.c.email)
_APPLICATION_COLUMNS = tuple(c.name for c in APPLICATIONS.columns)

_INSERT_APPLICATION = insert(APPLICATIONS)
_INSERT_MEMBERS = insert(MEMBERS)
_INSERT_PREFERENCES = insert(PREFERENCES)
_INSERT_CLAIMS = insert(CLAIMS)
_DELETE_MEMBERS = delete(MEMBERS).where(MEMBERS.c.application_id == bindparam("application_id"))
_DELETE_PREFERENCES = delete(PREFERENCES).where(PREFERENCES.c.application_id == bindparam("application_id"))
_DELETE_CLAIMS = delete(CLAIMS).where(CLAIMS.c.application_id == bindparam("application_id"))
# PostgreSQL: a create's household, preferences and household claims in one statement (one
# round trip instead of three; the arrays are bound as parameters).
_ARRAY = {"m_position": Integer, "m_relation": String, "m_name": String, "m_id_number": String,
          "m_person_ref": String, "m_income": postgresql.BIGINT, "p_rank": Integer, "p_choice": String,
          "c_person_ref": String, "c_relation": String}
_DETAILS_PG = text("""
WITH m AS (
    INSERT INTO household_members (application_id, position, relation, name, id_number, person_ref,
                                   monthly_income_fen)
    SELECT :application_id, u.* FROM unnest(CAST(:m_position AS integer[]), CAST(:m_relation AS varchar[]),
        CAST(:m_name AS varchar[]), CAST(:m_id_number AS varchar[]), CAST(:m_person_ref AS varchar[]),
        CAST(:m_income AS bigint[])) AS u
), p AS (
    INSERT INTO preferences (application_id, rank, choice)
    SELECT :application_id, u.* FROM unnest(CAST(:p_rank AS integer[]), CAST(:p_choice AS varchar[])) AS u
)
INSERT INTO household_claims (programme, person_ref, application_id, relation)
SELECT :programme, u.person_ref, :application_id, u.relation
FROM unnest(CAST(:c_person_ref AS varchar[]), CAST(:c_relation AS varchar[])) AS u (person_ref, relation)
ORDER BY u.person_ref
""").bindparams(*(bindparam(name, type_=postgresql.ARRAY(kind)) for name, kind in _ARRAY.items()))
_APPLICANT = select(*_APPLICANT_VIEW).where(APPLICANTS.c.id == bindparam("applicant_id"))
# Members and preferences in one round trip (a view needs both): tagged rows of one shape.
_DETAILS = union_all(
    select(literal("m").label("kind"), MEMBERS.c.position.label("pos"), MEMBERS.c.relation.label("a"),
           MEMBERS.c.name.label("b"), MEMBERS.c.id_number.label("c"), MEMBERS.c.monthly_income_fen.label("d"))
    .where(MEMBERS.c.application_id == bindparam("application_id")),
    select(literal("p"), PREFERENCES.c.rank, PREFERENCES.c.choice, null(), null(), null())
    .where(PREFERENCES.c.application_id == bindparam("application_id")),
).order_by("kind", "pos")
_REVIEWS = (select(REVIEWS.c.level, REVIEWS.c.decision, REVIEWS.c.reviewer, REVIEWS.c.at, REVIEWS.c.reasons)
            .where(REVIEWS.c.application_id == bindparam("application_id")).order_by(REVIEWS.c.id))
_POINTS = select(POINTS.c.total_tenths).where(POINTS.c.application_id == bindparam("application_id"))
_SAVE = (update(APPLICATIONS)
         .where(APPLICATIONS.c.id == bindparam("where_id"), APPLICATIONS.c.version == bindparam("where_version")))


def record(**values) -> SimpleNamespace:
    """A plain record with attribute access, as the views and `to_domain` read rows."""
    return SimpleNamespace(**values)


_APPLICANT_KEYS = ("id", "district", "person_ref", "id_number", "birth_date", "updated_at", "name", "name_masked",
                   "phone", "email")
_SCOPE_KEYS = {"may_correct": Boolean(), "caller_enterprise": String()}


@cache
def _upsert_applicant(dialect: str):
    """INSERT … ON CONFLICT (district, person_ref) DO UPDATE … WHERE <the caller may> RETURNING,
    as typed text. The caller may change a known person's name and contact data when
    ``:may_correct`` (a district officer) or when the person has no active application of an
    enterprise other than ``:caller_enterprise``; otherwise the row is left alone and nothing
    is returned (the caller refuses): the scope rule costs no round trip.

    SQLAlchemy (2.0.58) gives the dialects' INSERT constructs no cache key, so the upsert
    would be compiled again on every create (~6 % of a submission's CPU); compiled once here
    and kept as a text() statement with the same bind and result types, it is cached like
    any other statement."""
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(APPLICANTS)
    excluded = stmt.excluded
    # Written out: the subquery refers to the row in conflict (applicants.…), which SQLAlchemy
    # does not correlate inside an INSERT's ON CONFLICT clause.
    may = text("(:may_correct OR NOT EXISTS (SELECT 1 FROM applications AS held "
               "WHERE held.person_ref = applicants.person_ref AND held.active_key IS NOT NULL "
               "AND (held.enterprise IS NULL OR held.enterprise <> :caller_enterprise)))")
    stmt = stmt.on_conflict_do_update(
        index_elements=[APPLICANTS.c.district, APPLICANTS.c.person_ref],
        set_={"name": excluded.name, "name_masked": excluded.name_masked,
              "phone": func.coalesce(excluded.phone, APPLICANTS.c.phone),
              "email": func.coalesce(excluded.email, APPLICANTS.c.email),
              "updated_at": excluded.updated_at},
        where=may,
    ).returning(APPLICANTS.c.id, *_APPLICANT_VIEW)
    sql = str(stmt.compile(dialect=module.dialect(paramstyle="named"), column_keys=list(_APPLICANT_KEYS)))
    returned = (APPLICANTS.c.id, *_APPLICANT_VIEW)
    return (text(sql).bindparams(*(bindparam(k, type_=APPLICANTS.c[k].type) for k in _APPLICANT_KEYS),
                                 *(bindparam(k, type_=t) for k, t in _SCOPE_KEYS.items()))
            .columns(*(column(c.name, c.type) for c in returned)))


@cache
def _load_for_change(dialect: str, policy_kind: str):
    latest = (select(POLICIES.c.document).where(POLICIES.c.kind == policy_kind)
              .order_by(POLICIES.c.version.desc()).limit(1).scalar_subquery().label("latest_policy"))
    stmt = (select(APPLICATIONS, *(c.label("applicant_" + c.name) for c in _APPLICANT_VIEW), latest)
            .join(APPLICANTS, APPLICANTS.c.id == APPLICATIONS.c.applicant_id)
            .where(APPLICATIONS.c.id == bindparam("application_id")))
    return stmt.with_for_update(of=APPLICATIONS) if dialect == "postgresql" else stmt


def upsert_applicant(session, values: dict) -> SimpleNamespace | None:
    """Insert the applicant or, if this person is already known in the district, refresh the
    name and any contact data given — when the caller may (`values`' may_correct and
    caller_enterprise, see `_upsert_applicant`). Returns the row as stored (its id may be the
    old one), or None when the caller may not change this person."""
    conn = session.connection()
    row = conn.execute(_upsert_applicant(conn.dialect.name), values).first()
    return None if row is None else record(**row._mapping)


def active_elsewhere(session, person_ref: str, enterprise: str | None, other_than: str) -> bool:
    """The person has an active application (other than `other_than`) of an enterprise other
    than `enterprise`."""
    a = models.Application
    return session.scalar(select(func.count()).select_from(a).where(
        a.person_ref == person_ref, a.active_key.is_not(None), a.id != other_than,
        or_(a.enterprise.is_(None), a.enterprise != enterprise))) > 0


def insert_application(session, values: dict, members: list[dict], preferences: list[str],
                       claims: list[tuple[str, str]]) -> None:
    """The application, its household, preferences and household claims ((person_ref,
    relation), the applicant's first). A person already in another active application of the
    programme fails the claims' primary key: IntegrityError, nothing kept."""
    session.connection().execute(_INSERT_APPLICATION, values)
    _insert_details(session, values["id"], values["programme"], members, preferences, claims)


def replace_details(session, application_id: str, programme: str, members: list[dict], preferences: list[str],
                    claims: list[tuple[str, str]]) -> None:
    """An edit's household, preferences and claims replace the old ones."""
    conn = session.connection()
    for statement in (_DELETE_MEMBERS, _DELETE_PREFERENCES, _DELETE_CLAIMS):
        conn.execute(statement, {"application_id": application_id})
    _insert_details(session, application_id, programme, members, preferences, claims)


def _insert_details(session, application_id: str, programme: str, members: list[dict], preferences: list[str],
                    claims: list[tuple[str, str]]) -> None:
    # Claims go in person_ref order: two households sharing people then wait on the same first
    # key instead of each holding one the other needs (a deadlock on PostgreSQL).
    claims = sorted(claims)
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(_DETAILS_PG, {
            "application_id": application_id, "programme": programme,
            "m_position": [m["position"] for m in members], "m_relation": [m["relation"] for m in members],
            "m_name": [m["name"] for m in members], "m_id_number": [m["id_number"] for m in members],
            "m_person_ref": [m["person_ref"] for m in members],
            "m_income": [m["monthly_income_fen"] for m in members],
            "p_rank": list(range(1, len(preferences) + 1)), "p_choice": list(preferences),
            "c_person_ref": [ref for ref, _ in claims], "c_relation": [relation for _, relation in claims]})
        return
    if members:
        conn.execute(_INSERT_MEMBERS, [dict(m, application_id=application_id) for m in members])
    if preferences:
        conn.execute(_INSERT_PREFERENCES, [dict(application_id=application_id, rank=rank, choice=choice)
                                           for rank, choice in enumerate(preferences, start=1)])
    conn.execute(_INSERT_CLAIMS, [dict(programme=programme, person_ref=ref, application_id=application_id,
                                       relation=relation) for ref, relation in claims])


def claim_holder(session, programme: str, person_refs: list[str], other_than: str | None = None):
    """The first of `person_refs` already in an active application of `programme` (other than
    `other_than`): (person_ref, application_id), or None."""
    stmt = (select(CLAIMS.c.person_ref, CLAIMS.c.application_id)
            .where(CLAIMS.c.programme == programme, CLAIMS.c.person_ref.in_(person_refs)))
    if other_than is not None:
        stmt = stmt.where(CLAIMS.c.application_id != other_than)
    found = {ref: app for ref, app in session.execute(stmt)}
    return next(((ref, found[ref]) for ref in person_refs if ref in found), None)


def load_for_change(session, application_id: str, policy_kind: str):
    """The application (locked FOR UPDATE on PostgreSQL), its applicant's data and the newest
    stored document of `policy_kind` (None: the built-in default), in one round trip; None if
    there is no such application."""
    conn = session.connection()
    row = conn.execute(_load_for_change(conn.dialect.name, policy_kind), {"application_id": application_id}).first()
    if row is None:
        return None
    m = row._mapping
    application = record(**{name: m[name] for name in _APPLICATION_COLUMNS})
    applicant = record(**{c.name: m["applicant_" + c.name] for c in _APPLICANT_VIEW})
    return application, applicant, m["latest_policy"]


def save_changes(session, application: SimpleNamespace, changes: dict) -> None:
    """``UPDATE … SET changes, version = version + 1 WHERE id = … AND version = <read>``; no row
    matched means someone else changed it meanwhile (the ORM's own StaleDataError, so the
    same 409). `application` then carries the new values."""
    version = application.version
    done = session.connection().execute(_SAVE, {**changes, "version": version + 1, "where_id": application.id,
                                                "where_version": version}).rowcount
    if done != 1:
        raise StaleDataError(f"application {application.id} is no longer at version {version}")
    vars(application).update(changes, version=version + 1)


def applicant_of(session, applicant_id: str):
    return session.connection().execute(_APPLICANT, {"applicant_id": applicant_id}).one()


def reviews_of(session, application_id: str) -> list:
    return session.connection().execute(_REVIEWS, {"application_id": application_id}).all()


def points_total(session, application_id: str) -> int | None:
    return session.connection().execute(_POINTS, {"application_id": application_id}).scalar()


def view_parts(session, application) -> dict:
    """What an application's view shows besides its own row; rows that cannot exist yet are
    not queried (no reviews before the first submit, no points before the public notice)."""
    members, preferences = [], []
    for kind, _pos, a, b, c, d in session.connection().execute(_DETAILS, {"application_id": application.id}):
        if kind == "m":
            members.append(record(relation=a, name=b, id_number=c, monthly_income_fen=d))
        else:
            preferences.append(a)
    return {"members": members, "preferences": preferences,
            "reviews": reviews_of(session, application.id) if application.first_submitted_at else [],
            "points_tenths": points_total(session, application.id) if application.notice_started_at else None,
            "revocation_pending": (application.state == State.APPROVED.value
                                   and revocation_pending(session, application.id))}


def revocation_pending(session, application_id: str) -> bool:
    """A failed re-check of the application waits for a district officer's confirmation."""
    items = models.RecheckItem
    return session.scalar(select(func.count()).select_from(items).where(
        items.application_id == application_id, items.outcome == "pending")) > 0


# -- the ORM rows (the quieter use cases) ---------------------------------------------------------

def get_application(session, application_id: str, *, lock: bool = False) -> models.Application:
    stmt = select(models.Application).where(models.Application.id == application_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = session.scalars(stmt).first()
    if row is None:
        raise NotFound(f"application {application_id} not found")
    return row


def active_application(session, key: str) -> str | None:
    """The id of the application holding `active_key` (this person's active one in a programme)."""
    return session.scalar(select(models.Application.id).where(models.Application.active_key == key))


def active_key(person_ref: str, programme: str) -> str:
    return f"{person_ref}:{programme}"


def applicant_by_ref(session, person_ref: str) -> models.Applicant | None:
    return session.scalars(select(models.Applicant).where(models.Applicant.person_ref == person_ref)).first()


def hardship_of(session, person_ref: str) -> str | None:
    status = session.get(models.HardshipStatus, person_ref)
    return status.category if status else None


def preferences_of(session, application_id: str) -> list[str]:
    return list(session.scalars(select(models.Preference.choice)
                                .where(models.Preference.application_id == application_id)
                                .order_by(models.Preference.rank)))


def page(session, stmt, page_no: int, page_size: int):
    """(total, rows) of one page of `stmt`, in its own order."""
    return paging.select_page(session, stmt, (), page_no, page_size, rows=True)


# -- optimistic locking ---------------------------------------------------------------------------

def check_version(row, expected: int | None) -> None:
    """The version the caller last saw (None: not given) must still be the row's."""
    if expected is not None and expected != row.version:
        state = lifecycle.STATE_WORDS[State(row.state)]
        changed = row.updated_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
        raise Conflict(f"application {row.id} is at version {row.version}, not {expected}: it was last changed at "
                       f"{changed} and is now {state}; reload it", errors={"version": [f"current is {row.version}"]})


@contextlib.contextmanager
def optimistic(application_id: str):
    """Around a unit of work: the row changed between our read and our write (SQLAlchemy's
    version check, or `save_changes`' WHERE version = …) → 409 naming the application."""
    try:
        yield
    except StaleDataError:
        raise Conflict(f"application {application_id} was changed by someone else meanwhile; "
                       "reload it and retry", errors={"version": ["stale"]}) from None


# -- rows <-> domain ------------------------------------------------------------------------------

def to_domain(row) -> lifecycle.Application:
    """The lifecycle value of an application row (ORM or Core record)."""
    state = State(row.state)
    # The domain consults only the time of the last transition; the audit trail lives in reviews.
    last = Transition(Action.SUBMIT, state, state, row.updated_at)
    return lifecycle.Application(
        programme=Programme(row.programme), state=state, policy_version=row.policy_version,
        needs_city_review=row.needs_city_review, notice_period_days=row.notice_period_days,
        first_submitted_at=row.first_submitted_at, notice_started_at=row.notice_started_at,
        notice_ends_at=row.notice_ends_at, open_objections=row.open_objections,
        objections_filed=row.objections_filed, history=(last,))


def transition_time(row, now: datetime) -> datetime:
    """When the application's next transition happens: now, or its last change if the clock
    reads earlier than that (the domain refuses a history that goes back in time)."""
    return max(now, row.updated_at)


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
    """Copy the domain's lifecycle value onto the row; an application that ends gives up its
    dedup keys (its active_key and its household's claims) in the same transaction."""
    for name, value in domain_changes(app).items():
        setattr(row, name, value)
    if app.is_terminal:
        object_session(row).connection().execute(_DELETE_CLAIMS, {"application_id": row.id})


def housing_of(row) -> Housing | None:
    if row.housing_kind is None:
        return None
    return Housing(HousingKind(row.housing_kind), Decimal(row.housing_area_hundredths or 0).scaleb(-2))


_BEFORE_SUBMIT = ("enterprise", "hire_date", "union_member", "monthly_household_income_fen", "housing_kind")
_FIELD_NAMES = {"hire_date": "applicant.hire_date", "union_member": "applicant.union_member",
                "enterprise": "applicant.enterprise", "housing_kind": "housing"}


def facts_of(row, applicant, **override) -> ApplicantFacts:
    """Eligibility facts; `override` replaces declared values (the annual re-check's updates).
    An application missing a fact the rules need is a 422 listing every missing field (by its
    name in the request)."""
    missing = [name for name in _BEFORE_SUBMIT if getattr(row, name) is None]
    if applicant.phone is None:
        missing.append("applicant.phone")
    if missing:
        names = [_FIELD_NAMES.get(m, m) for m in missing]
        raise Unprocessable(f"complete these before submitting: {', '.join(names)}",
                            errors={n: ["required before submit"] for n in names})
    values = dict(birth_date=applicant.birth_date, hire_date=row.hire_date, union_member=row.union_member,
                  household_size=row.household_size,
                  monthly_household_income_fen=row.monthly_household_income_fen,
                  housing=housing_of(row), programme=Programme(row.programme))
    values.update({k: v for k, v in override.items() if v is not None})
    return ApplicantFacts(**values)


# -- policies: versioned documents, each parsed once ----------------------------------------------

def latest_policy_row(session, kind: str) -> models.Policy | None:
    return session.scalars(select(models.Policy).where(models.Policy.kind == kind)
                           .order_by(models.Policy.version.desc()).limit(1)).first()


def policy_rows(session, kind: str) -> list[models.Policy]:
    """Every stored version of a policy kind, oldest first (the built-in version 1 is not stored)."""
    return session.scalars(select(models.Policy).where(models.Policy.kind == kind)
                           .order_by(models.Policy.version)).all()


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
    row = latest_policy_row(session, kind)
    return parsed_policy(kind, row.document if row else None, notice_days)


def current_points_policy(session) -> PointsPolicy:
    """The points policy in force (a points document does not depend on NOTICE_DAYS)."""
    return current_policy(session, "points", 0)


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
    """The points policy of a given version (the one a stored breakdown was computed under)."""
    row = session.scalars(select(models.Policy).where(models.Policy.kind == "points",
                                                      models.Policy.version == version)).first()
    if row is None:
        if version == DEFAULT_POINTS_POLICY.version:
            return DEFAULT_POINTS_POLICY
        raise NotFound(f"points policy version {version} not found")
    return PointsPolicy.from_dict(row.document)
