"""Housing stock (房源): projects, units by JSON or CSV, unit status for maintenance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.errors import Conflict, NotFound

from . import models, repository
from .domain import csv_import
from .domain.csv_import import RowError
from .domain.stock import Unit, UnitStatus, transition


def create_project(uow, now: datetime, project: dict) -> str:
    if uow.session.get(models.Project, project["id"]) is not None:
        raise Conflict(f"project {project['id']} already exists")
    uow.session.add(models.Project(**project, created_at=now))
    return project["id"]


def add_units(uow, now: datetime, project_id: str, units: Sequence[dict]) -> list[models.Unit]:
    """Add units, all or nothing; publish ``stock.units_added``."""
    project = _project(uow.session, project_id)
    rows = [models.Unit(id=f"{project_id}-{u['building']}-{u['number']}",
                        project_id=project_id, status="vacant", vacant_since=now, **u)
            for u in units]
    uow.session.add_all(rows)
    uow.publish("stock.units_added", {"project_id": project_id, "programme": project.programme,
                                      "unit_ids": [u.id for u in rows], "count": len(rows)})
    return rows


def import_units_csv(uow, now: datetime, project_id: str, data: bytes) -> tuple[list[Unit], list[RowError]]:
    """Import units from a CSV file: the good rows import and the bad ones come back as errors
    by line and column; a malformed file (csv_import.CsvFormatError) imports nothing."""
    session = uow.session
    project = _project(session, project_id)
    existing = {csv_import.unit_id_for(p, b, n) for p, b, n in session.execute(
        select(models.Unit.project_id, models.Unit.building, models.Unit.number)
        .where(models.Unit.project_id == project_id))}
    existing |= set(session.scalars(select(models.Unit.id).where(models.Unit.project_id == project_id)))
    units, errors = csv_import.parse_units_csv(data, {project_id}, existing_unit_ids=existing,
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


def set_unit_status(uow, now: datetime, unit_id: str, wanted: str) -> None:
    """Take a vacant unit into maintenance (维修) or back, as domain.stock allows."""
    row = uow.session.get(models.Unit, unit_id)
    if row is None:
        raise NotFound(f"unit {unit_id} does not exist")
    transition(repository.unit_from_row(row), UnitStatus(wanted))
    repository.set_unit_status(uow.session, unit_id, [row.status], wanted,
                               vacant_since=now if wanted == "vacant" else None)


def _project(session: Session, project_id: str) -> models.Project:
    project = session.get(models.Project, project_id)
    if project is None:
        raise NotFound(f"project {project_id} does not exist; create it with POST /projects")
    return project
