"""Housing stock (房源): projects, units by JSON or CSV, unit status for maintenance."""

from __future__ import annotations

from sqlalchemy import select

from services.common.errors import BadRequest, Conflict, NotFound
from services.common.events.contracts import utc_now
from services.common.http import Api, api

from . import models, schemas
from .domain import csv_import
from .domain.stock import StatusTransitionError, UnitStatus, transition
from .persist import set_unit_status, unit_from_row

OFFICERS = ("district_officer", "city_officer")
READERS = (*OFFICERS, "auditor")
MAX_CSV_BYTES = 20 * 2**20


class RawBodyApi(Api):
    """An `@api` endpoint whose body is a file (text/csv, or multipart field `file`), handed
    to the method as bytes in `req.body`."""

    def _load_body(self, request):
        if request.content_length and request.content_length > MAX_CSV_BYTES:
            raise BadRequest("file too large", errors={"body": [f"at most {MAX_CSV_BYTES} bytes"]})
        if request.mimetype == "multipart/form-data":
            upload = request.files.get("file")
            if upload is None:
                raise BadRequest("multipart body needs a field named 'file'", errors={"file": ["missing"]})
            return upload.read()
        data = request.get_data(cache=True)
        if not data:
            raise BadRequest("a CSV body is required", errors={"body": ["missing"]})
        return data


raw_api = RawBodyApi.decorator


def _project(session, project_id: str) -> models.Project:
    project = session.get(models.Project, project_id)
    if project is None:
        raise NotFound(f"project {project_id} does not exist; create it with POST /projects")
    return project


def unit_view(u: models.Unit) -> dict:
    return {"unit_id": u.id, "project_id": u.project_id, "building": u.building, "number": u.number,
            "floor": u.floor, "rooms": u.rooms, "area_tenths": u.area_tenths, "beds": u.beds,
            "rent_fen": u.rent_fen, "category": u.category, "accessible": u.accessible, "status": u.status,
            "vacant_since": u.vacant_since}


class StockEndpoints:
    @api("POST", "/projects", body=schemas.ProjectIn, roles=OFFICERS, status=201,
         summary="Register a housing project (房源项目)")
    def create_project(self, req):
        with self.db.unit_of_work() as uow:
            if uow.session.get(models.Project, req.body["id"]) is not None:
                raise Conflict(f"project {req.body['id']} already exists")
            uow.session.add(models.Project(**req.body, created_at=utc_now()))
            uow.commit()
        return {"project_id": req.body["id"]}

    @api("POST", "/projects/<project_id>/units", body=schemas.UnitsIn, roles=OFFICERS, status=201,
         summary="Add units to a project's stock (房源入库); all or nothing")
    def add_units(self, req):
        project_id = req.path["project_id"]
        with self.db.unit_of_work() as uow:
            project = _project(uow.session, project_id)
            now = utc_now()
            units = [models.Unit(id=f"{project_id}-{u['building']}-{u['number']}",
                                 project_id=project_id, status="vacant", vacant_since=now, **u)
                     for u in req.body["units"]]
            uow.session.add_all(units)
            uow.publish("stock.units_added", {"project_id": project_id, "programme": project.programme,
                                              "unit_ids": [u.id for u in units], "count": len(units)})
            uow.commit()
        return {"project_id": project_id, "added": len(units)}

    @raw_api("POST", "/projects/<project_id>/units.csv", roles=OFFICERS, status=201,
             summary="Import units from CSV (text/csv, or multipart field 'file'): bad rows are "
                     "reported by line and column and the good rows import; a malformed file "
                     "imports nothing")
    def import_units_csv(self, req):
        project_id = req.path["project_id"]
        with self.db.unit_of_work() as uow:
            project = _project(uow.session, project_id)
            existing = {csv_import.unit_id_for(p, b, n) for p, b, n in uow.session.execute(
                select(models.Unit.project_id, models.Unit.building, models.Unit.number)
                .where(models.Unit.project_id == project_id))}
            existing |= set(uow.session.scalars(select(models.Unit.id).where(models.Unit.project_id == project_id)))
            try:
                units, errors = csv_import.parse_units_csv(
                    req.body, {project_id}, existing_unit_ids=existing,
                    max_unit_id_length=models.Unit.__table__.c.id.type.length)
            except csv_import.CsvFormatError as exc:
                raise BadRequest(f"malformed CSV, nothing imported: {exc}", errors={"file": [str(exc)]}) from None
            now = utc_now()
            uow.session.add_all([models.Unit(
                id=u.unit_id, project_id=u.project_id, building=u.building, number=u.number, floor=u.floor,
                rooms=u.rooms, area_tenths=u.area_tenths, beds=u.beds, rent_fen=u.rent_fen,
                category=u.category, accessible=u.accessible, status="vacant", vacant_since=now)
                for u in units])
            if units:
                uow.publish("stock.units_added", {"project_id": project_id, "programme": project.programme,
                                                  "unit_ids": [u.unit_id for u in units], "count": len(units)})
            uow.commit()
        return {"project_id": project_id, "added": len(units), "rejected_rows": len({e.line for e in errors}),
                "errors": [{"line": e.line, "column": e.column, "message": e.message} for e in errors]}

    @api("GET", "/projects/<project_id>/units", query=schemas.UnitsQuery, roles=READERS,
         summary="Units of a project, optionally by status")
    def list_units(self, req):
        with self.db.read() as s:
            _project(s, req.path["project_id"])
            stmt = select(models.Unit).where(models.Unit.project_id == req.path["project_id"])
            if req.query.get("status"):
                stmt = stmt.where(models.Unit.status == req.query["status"])
            return {"units": [unit_view(u) for u in s.scalars(stmt.order_by(models.Unit.id))]}

    @api("PUT", "/units/<path:unit_id>/status", body=schemas.UnitStatusIn, roles=OFFICERS,
         summary="Take a vacant unit into maintenance (维修) or back")
    def set_unit_status(self, req):
        unit_id, wanted = req.path["unit_id"], req.body["status"]
        with self.db.unit_of_work() as uow:
            row = uow.session.get(models.Unit, unit_id)
            if row is None:
                raise NotFound(f"unit {unit_id} does not exist")
            try:
                transition(unit_from_row(row), UnitStatus(wanted))
            except StatusTransitionError as exc:
                raise Conflict(str(exc)) from None
            set_unit_status(uow.session, unit_id, [row.status], wanted,
                            vacant_since=utc_now() if wanted == "vacant" else None)
            uow.commit()
        return {"unit_id": unit_id, "status": wanted}
