"""Application records (申请记录) through SQLAlchemy Core, for the intake's busy paths.

Every worker's application passes through create and submit, so these two skip the ORM's
identity map and flush planning: one statement per table, the applicant written by an upsert,
the version check done by the UPDATE itself, and the reply built from the values just written
instead of read back. Statements are built once at import with bound parameters (building
one per call cost more CPU than running it). The ORM models stay the schema; the quieter
handlers keep using them.
"""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace

from sqlalchemy import bindparam, column, delete, func, insert, literal, null, select, text, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.exc import StaleDataError

from . import models

APPLICATIONS = models.Application.__table__
APPLICANTS = models.Applicant.__table__
MEMBERS = models.HouseholdMember.__table__
PREFERENCES = models.Preference.__table__
REVIEWS = models.Review.__table__
POINTS = models.ApplicationPoints.__table__
POLICIES = models.Policy.__table__

_APPLICANT_VIEW = (APPLICANTS.c.name, APPLICANTS.c.id_number, APPLICANTS.c.birth_date, APPLICANTS.c.phone,
                   APPLICANTS.c.email)
_APPLICATION_COLUMNS = tuple(c.name for c in APPLICATIONS.columns)

_INSERT_APPLICATION = insert(APPLICATIONS)
_INSERT_MEMBERS = insert(MEMBERS)
_INSERT_PREFERENCES = insert(PREFERENCES)
_DELETE_MEMBERS = delete(MEMBERS).where(MEMBERS.c.application_id == bindparam("application_id"))
_DELETE_PREFERENCES = delete(PREFERENCES).where(PREFERENCES.c.application_id == bindparam("application_id"))
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
    """A plain record with attribute access, as the views and `support.to_domain` read rows."""
    return SimpleNamespace(**values)


_APPLICANT_KEYS = ("id", "district", "person_ref", "id_number", "birth_date", "updated_at", "name", "name_masked",
                   "phone", "email")


@cache
def _upsert_applicant(dialect: str):
    """INSERT … ON CONFLICT (district, person_ref) DO UPDATE … RETURNING, as typed text.

    SQLAlchemy (2.0.58) gives the dialects' INSERT constructs no cache key, so the upsert
    would be compiled again on every create (~6 % of a submission's CPU); compiled once here
    and kept as a text() statement with the same bind and result types, it is cached like
    any other statement."""
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(APPLICANTS)
    excluded = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=[APPLICANTS.c.district, APPLICANTS.c.person_ref],
        set_={"name": excluded.name, "name_masked": excluded.name_masked,
              "phone": func.coalesce(excluded.phone, APPLICANTS.c.phone),
              "email": func.coalesce(excluded.email, APPLICANTS.c.email),
              "updated_at": excluded.updated_at},
    ).returning(APPLICANTS.c.id, *_APPLICANT_VIEW)
    sql = str(stmt.compile(dialect=module.dialect(paramstyle="named"), column_keys=list(_APPLICANT_KEYS)))
    returned = (APPLICANTS.c.id, *_APPLICANT_VIEW)
    return (text(sql).bindparams(*(bindparam(k, type_=APPLICANTS.c[k].type) for k in _APPLICANT_KEYS))
            .columns(*(column(c.name, c.type) for c in returned)))


@cache
def _load_for_change(dialect: str, policy_kind: str):
    latest = (select(POLICIES.c.document).where(POLICIES.c.kind == policy_kind)
              .order_by(POLICIES.c.version.desc()).limit(1).scalar_subquery().label("latest_policy"))
    stmt = (select(APPLICATIONS, *(c.label("applicant_" + c.name) for c in _APPLICANT_VIEW), latest)
            .join(APPLICANTS, APPLICANTS.c.id == APPLICATIONS.c.applicant_id)
            .where(APPLICATIONS.c.id == bindparam("application_id")))
    return stmt.with_for_update(of=APPLICATIONS) if dialect == "postgresql" else stmt


def upsert_applicant(session, values: dict) -> SimpleNamespace:
    """Insert the applicant or, if this person is already known in the district, refresh the
    name and any contact data given; returns the row as stored (its id may be the old one)."""
    conn = session.connection()
    row = conn.execute(_upsert_applicant(conn.dialect.name), values).one()
    return record(**row._mapping)


def insert_application(session, values: dict, members: list[dict], preferences: list[str]) -> None:
    session.connection().execute(_INSERT_APPLICATION, values)
    _insert_details(session, values["id"], members, preferences)


def replace_details(session, application_id: str, members: list[dict], preferences: list[str]) -> None:
    """An edit's household and preferences replace the old ones."""
    conn = session.connection()
    conn.execute(_DELETE_MEMBERS, {"application_id": application_id})
    conn.execute(_DELETE_PREFERENCES, {"application_id": application_id})
    _insert_details(session, application_id, members, preferences)


def _insert_details(session, application_id: str, members: list[dict], preferences: list[str]) -> None:
    conn = session.connection()
    if members:
        conn.execute(_INSERT_MEMBERS, [dict(m, application_id=application_id) for m in members])
    if preferences:
        conn.execute(_INSERT_PREFERENCES, [dict(application_id=application_id, rank=rank, choice=choice)
                                           for rank, choice in enumerate(preferences, start=1)])


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
            "points_tenths": points_total(session, application.id) if application.notice_started_at else None}
