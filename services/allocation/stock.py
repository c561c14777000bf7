"""Housing stock (房源): projects, units by JSON or CSV, unit status for maintenance; the lists
and searches staff find them again with.

A unit's id is ``domain.stock.unit_id`` (``<project>-<building>-<number>``) whichever way it
came in. Units imported by CSV before that form kept their ``<project>/<building>/<number>``
id where something already refers to it (an offer, a tenancy, a round: migration 0004
renamed the others); such ids keep working everywhere (the status endpoint takes the path as
is, or percent-encoded), and every message names a unit by the id it has."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from services.common.errors import BadRequest, Conflict, NotFound

from . import models, repository, snapshots
from .domain import csv_import
from .domain import stock as rules
from .domain.csv_import import RowError
from .domain.stock import Unit, UnitStatus


def create_project(uow, now: datetime, project: dict) -> str:
    if uow.session.get(models.Project, project["id"]) is not None:
        raise Conflict(f"project {project['id']} already exists")
    uow.session.add(models.Project(**project, created_at=now))
    return project["id"]


def add_units(uow, now: datetime, project_id: str, units: Sequence[dict]) -> list[models.Unit]:
    """Add units, all or nothing; publish ``stock.units_added``. A unit already in the project
    (same building and number), one listed twice, or an id another unit has is refused naming
    the unit by its id."""
    session = uow.session
    project = _project(session, project_id)
    ids = [rules.unit_id(project_id, u["building"], u["number"]) for u in units]
    stored = {(b, n): i for i, b, n in session.execute(
        select(models.Unit.id, models.Unit.building, models.Unit.number).where(models.Unit.project_id == project_id))}
    taken = set(session.scalars(select(models.Unit.id).where(models.Unit.id.in_(set(ids)))))
    seen: dict[str, int] = {}
    for k, (u, uid) in enumerate(zip(units, ids, strict=True)):
        where = {"units": {str(k): {"number": None}}}
        if len(uid) > rules.UNIT_ID_MAX_LENGTH:
            where["units"][str(k)]["number"] = [f"unit id {uid} is longer than {rules.UNIT_ID_MAX_LENGTH} characters"]
            raise BadRequest(f"unit id {uid} is longer than {rules.UNIT_ID_MAX_LENGTH} characters; "
                             "shorten the building or number", errors=where)
        existing = stored.get((u["building"], u["number"]))
        if existing is not None:
            message = f"unit {existing} already exists (building {u['building']}, number {u['number']})"
        elif uid in seen:
            message = f"unit {uid} is listed twice (units {seen[uid]} and {k})"
        elif uid in taken:
            message = f"unit id {uid} is already taken by another unit; change the building or number"
        else:
            seen[uid] = k
            continue
        where["units"][str(k)]["number"] = [message]
        raise Conflict(message, errors=where)
    rows = [models.Unit(id=uid, project_id=project_id, status="vacant", vacant_since=now, **u)
            for u, uid in zip(units, ids, strict=True)]
    session.add_all(rows)
    uow.publish("stock.units_added", {"project_id": project_id, "programme": project.programme,
                                      "unit_ids": [u.id for u in rows], "count": len(rows)})
    return rows


def import_units_csv(uow, now: datetime, project_id: str, data: bytes,
                     encoding: str = "utf-8") -> tuple[list[Unit], list[RowError]]:
    """Import units from a CSV file: the good rows import and the bad ones come back as errors
    by line and column; a malformed file (csv_import.CsvFormatError) imports nothing."""
    session = uow.session
    project = _project(session, project_id)
    numbers = {(p, b, n): i for i, p, b, n in session.execute(
        select(models.Unit.id, models.Unit.project_id, models.Unit.building, models.Unit.number)
        .where(models.Unit.project_id == project_id))}
    prefix = rules.unit_id(project_id, "", "")[:-1]  # ids another project's units may share with ours
    taken = set(session.scalars(select(models.Unit.id).where(models.Unit.id.startswith(prefix, autoescape=True))))
    units, errors = csv_import.parse_units_csv(
        data, {project_id}, existing_unit_ids=taken, existing_numbers=numbers,
        encoding="utf-8-sig" if encoding == "utf-8" else encoding,
        max_unit_id_length=models.Unit.__table__.c.id.type.length)
    session.add_all([models.Unit(
        id=u.unit_id, project_id=u.project_id, building=u.building, number=u.number, floor=u.floor,
        rooms=u.rooms, area_tenths=u.area_tenths, beds=u.beds, rent_fen=u.rent_fen,
        category=u.category, accessible=u.accessible, status="vacant", vacant_since=now)
        for u in units])
    if units:
        uow.publish("stock.units_added", {"project_id": project_id, "programme": project.programme,
                                          "unit_ids": [u.unit_id for u in units], "count": len(units)})
    return units, errors


def units_of(session: Session, project_id: str, status: str | None = None) -> list[models.Unit]:
    """A project's units by id, optionally only those in ``status``."""
    _project(session, project_id)
    stmt = select(models.Unit).where(models.Unit.project_id == project_id)
    if status:
        stmt = stmt.where(models.Unit.status == status)
    return list(session.scalars(stmt.order_by(models.Unit.id)))


def get_unit(session: Session, unit_id: str) -> models.Unit:
    unit = session.get(models.Unit, unit_id)
    if unit is None:
        raise NotFound(f"unit {unit_id} does not exist")
    return unit


def get_project(session: Session, project_id: str) -> tuple[models.Project, int]:
    project = _project(session, project_id)
    return project, session.scalar(select(func.count()).where(models.Unit.project_id == project_id))


def projects_page(session: Session, q: dict) -> tuple[int, list[tuple[models.Project, int]]]:
    """Projects by id, filtered by programme, supply mode and part of the name or address;
    each with its number of units."""
    p = models.Project
    stmt = select(p)
    if q.get("programme"):
        stmt = stmt.where(p.programme == q["programme"])
    if q.get("supply_mode"):
        stmt = stmt.where(p.supply_mode == q["supply_mode"])
    if q.get("name"):
        stmt = stmt.where(or_(p.name.contains(q["name"], autoescape=True),
                              p.address.contains(q["name"], autoescape=True)))
    total, rows = repository.page(session, stmt, (p.id,), q["page"], q["page_size"])
    counts = dict(session.execute(select(models.Unit.project_id, func.count()).where(
        models.Unit.project_id.in_([r.id for r in rows])).group_by(models.Unit.project_id)).all())
    return total, [(r, counts.get(r.id, 0)) for r in rows]


def units_page(session: Session, q: dict) -> tuple[int, list[models.Unit]]:
    """Units by id, filtered by id, project, status, category, kind (flat or bed) and building."""
    u = models.Unit
    stmt = select(u)
    for name in ("unit_id", "project_id", "status", "category", "building"):
        if q.get(name):
            stmt = stmt.where((u.id if name == "unit_id" else getattr(u, name)) == q[name])
    if q.get("kind"):
        stmt = stmt.where(u.beds > 0 if q["kind"] == "bed" else u.beds == 0)
    return repository.page(session, stmt, (u.id,), q["page"], q["page_size"])


def set_unit_status(uow, now: datetime, unit_id: str, wanted: str) -> models.Unit:
    """Take a vacant unit into maintenance (维修) or back, as domain.stock allows staff: never a
    unit with an active tenancy (it leaves occupied only by move-out), one on offer or reserved,
    or one frozen in a round that has not been drawn yet (the round's published snapshot holds
    it: the draw would fail)."""
    session = uow.session
    row = get_unit(session, unit_id)
    active = session.scalar(select(models.Tenancy.id).where(models.Tenancy.unit_id == unit_id,
                                                            models.Tenancy.status == "active"))
    rules.transition_by_staff(repository.unit_from_row(row), UnitStatus(wanted), active_tenancy=active)
    if wanted == UnitStatus.MAINTENANCE:
        for round_id, draw_date, frozen in session.execute(select(
                models.Round.id, models.Round.draw_date, models.Round.units_snapshot).where(
                models.Round.status == "opened")):
            if unit_id in snapshots.frozen_unit_ids(frozen):
                raise Conflict(f"unit {unit_id} is on offer in round {round_id}, to be drawn on {draw_date}; it "
                               f"can go into maintenance once the round is drawn and the unit is free again")
    repository.set_unit_status(session, unit_id, [row.status], wanted,
                               vacant_since=now if wanted == "vacant" else None)
    session.refresh(row)
    return row


def _project(session: Session, project_id: str) -> models.Project:
    project = session.get(models.Project, project_id)
    if project is None:
        raise NotFound(f"project {project_id} does not exist; create it with POST /projects")
    return project
