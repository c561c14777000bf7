"""Points (积分): computed and stored with their inputs when an application enters the notice
and on approval, shown with the full breakdown, and recomputed — in bulk after a points-policy
change, per person when assistance registers or closes a hardship — with
`application.points_changed`."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.common import pg
from services.common.errors import Conflict
from services.common.stopwatch import NO_STOPWATCH

from . import models, repository, views
from .domain import points
from .domain.eligibility import completed_years
from .domain.policy import HardshipCategory, HonourLevel, PointsPolicy

EVENT_BATCH = 1000
HARDSHIP_CATEGORIES = frozenset(c.value for c in HardshipCategory)
_POINT_COLUMNS = ("policy_version", "as_of", "years_of_service", "household_size", "hardship_category", "honour",
                  "frontline", "months_waiting", "total_tenths", "computed_at")


def priority_groups(frontline: bool, honour: str | None, hardship: str | None) -> list[str]:
    groups = []
    if frontline:
        groups.append("frontline")
    if honour:
        groups.append("model_worker")
    if hardship:
        groups.append("hardship")
    return groups


def points_input(row: models.Application, hardship: str | None, as_of: date, calendar) -> points.PointsInput:
    """The points' inputs as of `as_of`; waiting counts from the district's date of the first
    submission (`calendar`)."""
    start = calendar.date_of(row.first_submitted_at) if row.first_submitted_at else as_of
    return points.PointsInput(
        years_of_service=completed_years(row.hire_date, as_of) if row.hire_date <= as_of else 0,
        household_size=row.household_size,
        hardship_category=HardshipCategory(hardship) if hardship else None,
        honour=HonourLevel(row.honour) if row.honour else None,
        frontline=row.frontline,
        months_waiting=points.completed_months(start, as_of))


def store_points(session, row: models.Application, policy: PointsPolicy, as_of: date,
                 now: datetime, calendar) -> points.PointsBreakdown:
    """Compute the application's points now and keep their inputs (the breakdown's source)."""
    hardship = repository.hardship_of(session, row.person_ref)
    inp = points_input(row, hardship, as_of, calendar)
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
    """A stored record's breakdown, under the policy version it was computed with."""
    inp = points.PointsInput(
        years_of_service=record.years_of_service, household_size=record.household_size,
        hardship_category=HardshipCategory(record.hardship_category) if record.hardship_category else None,
        honour=HonourLevel(record.honour) if record.honour else None,
        frontline=record.frontline, months_waiting=record.months_waiting)
    return points.compute(inp, repository.points_policy(session, record.policy_version))


def read_points(session, now: datetime, calendar, application_id: str, principal) -> dict:
    """The stored points with their breakdown; before any are stored, a preview as of the
    district's date today under the points policy in force. The inputs are shown only to those
    who see the application's personal data (roles.py)."""
    row = repository.get_application(session, application_id)
    full = views.sees_personal_data(principal, row)
    record = session.get(models.ApplicationPoints, row.id)
    if record is not None:
        return views.points_view(row.id, preview=False, as_of=record.as_of, breakdown=breakdown_of(session, record),
                                 full=full)
    if row.hire_date is None:
        raise Conflict("no points yet: the hire date is missing", errors={"applicant.hire_date": ["missing"]})
    today = calendar.date_of(now)
    policy = repository.current_points_policy(session)
    breakdown = points.compute(points_input(row, repository.hardship_of(session, row.person_ref), today, calendar),
                               policy)
    return views.points_view(row.id, preview=True, as_of=today, breakdown=breakdown, full=full)


def hardship_changed(uow, now: datetime, calendar, person_ref: str, category: str | None, household_id: str | None,
                     reason: str) -> dict:
    """assistance registered (category) or closed (None) a person's hardship: keep the status
    and recompute that person's approved applications under the points policy in force. The two
    events travel on separate queues, so either may come first: a closure is remembered per
    household (HardshipClosure), and a registration of a closed household changes nothing."""
    s = uow.session
    closing = category not in HARDSHIP_CATEGORIES
    if household_id and closing and s.get(models.HardshipClosure, household_id) is None:
        s.add(models.HardshipClosure(household_id=household_id, person_ref=person_ref, closed_at=now))
    elif household_id and not closing and s.get(models.HardshipClosure, household_id) is not None:
        # the registration of a household already closed, overtaken by its closure: too late
        category, closing = None, True
    status = s.get(models.HardshipStatus, person_ref)
    if status is None:
        status = models.HardshipStatus(person_ref=person_ref, household_id=household_id or "")
        s.add(status)
    if not closing or not household_id or status.household_id in (household_id, ""):
        # a closure clears only its own household's category, not a newer household's
        status.category = None if closing else category
        if household_id:
            status.household_id = household_id
    status.updated_at = now
    s.flush()
    return recompute_points(uow, repository.current_points_policy(s), calendar.date_of(now), now, reason, calendar,
                            person_ref=person_ref)


def recompute_points(uow, policy: PointsPolicy, as_of: date, now: datetime, reason: str, calendar,
                     person_ref: str | None = None, watch=NO_STOPWATCH) -> dict:
    """Recompute the points of every approved application (or one person's), persist them with
    their inputs and publish `application.points_changed` in batches of 1000, all in `uow`'s
    transaction. A policy change publishes only the totals that changed; a hardship change
    publishes the person's applications whatever their total (their priority groups changed).
    Returns the counts; `watch` (a bench's Stopwatch) gets the laps load, compute, persist, events."""
    s = uow.session
    a, h, p = (models.Application.__table__, models.HardshipStatus.__table__, models.ApplicationPoints.__table__)
    stmt = (select(a.c.id, a.c.person_ref, a.c.hire_date, a.c.first_submitted_at, a.c.household_size, a.c.honour,
                   a.c.frontline, h.c.category, p.c.total_tenths)
            .select_from(a.outerjoin(h, h.c.person_ref == a.c.person_ref).outerjoin(p, p.c.application_id == a.c.id))
            .where(a.c.state == "approved"))
    if person_ref is not None:
        stmt = stmt.where(a.c.person_ref == person_ref)
    rows = s.execute(stmt).all()
    watch.lap("load")
    hardship = {c.value: c for c in HardshipCategory}
    date_of = calendar.date_of
    honours = {c.value: c for c in HonourLevel}
    inputs = []
    for r in rows:
        years = completed_years(r.hire_date, as_of) if r.hire_date <= as_of else 0
        start = date_of(r.first_submitted_at) if r.first_submitted_at else as_of
        months = points.completed_months(start, as_of)
        inputs.append(points.PointsInput(years, r.household_size, hardship.get(r.category), honours.get(r.honour),
                                         r.frontline, months))
    totals = points.recompute_totals(inputs, policy)
    watch.lap("compute")
    records = [(r.id, policy.version, as_of, i.years_of_service, i.household_size, r.category, r.honour,
                r.frontline, i.months_waiting, total, now) for r, i, total in zip(rows, inputs, totals, strict=True)]
    _upsert_points(s, records)
    watch.lap("persist")
    changes = [{"application_id": r.id, "person_ref": r.person_ref, "points": views.points_text(total),
                "points_tenths": total, "priority_groups": priority_groups(r.frontline, r.honour, r.category)}
               for r, total in zip(rows, totals, strict=True) if person_ref is not None or total != r.total_tenths]
    for start in range(0, len(changes), EVENT_BATCH):
        uow.publish("application.points_changed", {"policy_version": policy.version, "reason": reason,
                                                   "changes": changes[start:start + EVENT_BATCH]})
    watch.lap("events")
    return {"recomputed": len(rows), "changed": len(changes), "events": -(-len(changes) // EVENT_BATCH)}


_UPSERT_SQL = (
    # One INSERT … SELECT FROM unnest(arrays) ON CONFLICT per chunk: a handful of round trips
    # instead of one per row, the columns sent as array literals.
    "INSERT INTO application_points (application_id, policy_version, as_of, years_of_service, "
    "household_size, hardship_category, honour, frontline, months_waiting, total_tenths, computed_at) "
    "SELECT id, %(version)s, %(as_of)s, y, hs, hc, ho, f, m, t, %(now)s FROM unnest("
    "%(id)s::varchar[], %(y)s::int[], %(hs)s::int[], %(hc)s::varchar[], %(ho)s::varchar[], "
    "%(f)s::boolean[], %(m)s::int[], %(t)s::int[]) AS u(id, y, hs, hc, ho, f, m, t) "
    "ON CONFLICT (application_id) DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in _POINT_COLUMNS))
_UPSERT_CHUNK = 50_000


def _upsert_points(session, records: list[tuple]) -> None:
    if not records:
        return
    if pg.is_postgresql(session):
        _, version, as_of, *_, now = records[0]
        arr = pg.array_literal
        for start in range(0, len(records), _UPSERT_CHUNK):
            cols = list(zip(*records[start:start + _UPSERT_CHUNK], strict=True))
            pg.execute_driver(session, _UPSERT_SQL, {
                "version": version, "as_of": as_of, "now": now, "id": arr(cols[0]), "y": arr(cols[3]),
                "hs": arr(cols[4]), "hc": arr(cols[5]), "ho": arr(cols[6]), "f": arr(cols[7]),
                "m": arr(cols[8]), "t": arr(cols[9])})
        return
    p = models.ApplicationPoints.__table__
    stmt = sqlite_insert(p)
    stmt = stmt.on_conflict_do_update(index_elements=[p.c.application_id],
                                      set_={c: stmt.excluded[c] for c in _POINT_COLUMNS})
    keys = ("application_id",) + _POINT_COLUMNS
    session.execute(stmt, [dict(zip(keys, rec, strict=True)) for rec in records])
