"""Stock (房源) endpoints: projects, units by JSON or CSV, maintenance status; finding projects
and units again."""

from __future__ import annotations

from services.common import paging
from services.common.http import api

from .. import roles, schemas, stock, views
from .uploads import MAX_CSV_BYTES, raw_api

CSV_SUMMARY = (
    f"Import units from CSV (body text/csv, or multipart field 'file'; at most {MAX_CSV_BYTES // 2**20} MB). "
    "Header, columns in any order: project_id,building,number,floor,rooms,area_m2,beds,rent_fen,category,"
    "accessible — area_m2 in m² (recorded to 0.1 m², e.g. 65.5), rent_fen the monthly rent in fen, "
    "accessible 1/0, true/false, yes/no or 是/否, numbers within the bounds of a JSON unit. Bad rows are "
    "reported by line and column and the good rows import; a malformed file imports nothing")


class StockEntrypoints:
    @api("POST", "/projects", body=schemas.ProjectIn, roles=roles.MANAGE_STOCK, status=201,
         response=schemas.ProjectCreatedOut, summary="Register a housing project (房源项目)")
    def create_project(self, req):
        with self.db.unit_of_work() as uow:
            project_id = stock.create_project(uow, self.clock.now(), req.body)
            uow.commit()
        return {"project_id": project_id}

    @api("GET", "/projects", query=schemas.ProjectsQuery, roles=roles.SEE_STOCK, response=schemas.ProjectsPageOut,
         summary="Projects, by programme, supply mode, part of the name or address")
    def list_projects(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: stock.projects_page(s, q), lambda row: views.project_view(*row))

    @api("GET", "/projects/<project_id>", roles=roles.SEE_STOCK, response=schemas.ProjectOut,
         summary="A project and its number of units")
    def get_project(self, req):
        with self.db.read() as s:
            return views.project_view(*stock.get_project(s, req.path["project_id"]))

    @api("POST", "/projects/<project_id>/units", body=schemas.UnitsIn, roles=roles.MANAGE_STOCK, status=201,
         response=schemas.UnitsAddedOut,
         summary="Add units to a project's stock (房源入库); all or nothing. A unit's id is "
                 "<project>-<building>-<number>")
    def add_units(self, req):
        project_id = req.path["project_id"]
        with self.db.unit_of_work() as uow:
            units = stock.add_units(uow, self.clock.now(), project_id, req.body["units"])
            uow.commit()
        return {"project_id": project_id, "added": len(units), "unit_ids": [u.id for u in units]}

    @raw_api("POST", "/projects/<project_id>/units.csv", query=schemas.CsvImportQuery, roles=roles.MANAGE_STOCK,
             status=201, response=schemas.CsvImportOut, summary=CSV_SUMMARY)
    def import_units_csv(self, req):
        project_id = req.path["project_id"]
        with self.db.unit_of_work() as uow:
            units, errors = stock.import_units_csv(uow, self.clock.now(), project_id, req.body,
                                                   req.query["encoding"])
            uow.commit()
        return {"project_id": project_id, "added": len(units), "unit_ids": [u.unit_id for u in units],
                "rejected_rows": len({e.line for e in errors}),
                "errors": [{"line": e.line, "column": e.column, "message": e.message} for e in errors]}

    @api("GET", "/projects/<project_id>/units", query=schemas.UnitsQuery, roles=roles.SEE_STOCK,
         response=schemas.UnitListOut, summary="Units of a project, optionally by status (all of them; "
                                               "GET /units pages and filters)")
    def list_units(self, req):
        with self.db.read() as s:
            units = stock.units_of(s, req.path["project_id"], req.query.get("status"))
            return {"units": [views.unit_view(u) for u in units]}

    @api("GET", "/units", query=schemas.UnitSearchQuery, roles=roles.SEE_STOCK, response=schemas.UnitsPageOut,
         summary="Units, by id, project, status, category, kind (flat or bed) and building")
    def search_units(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: stock.units_page(s, q), views.unit_view)

    @api("GET", "/units/<unit_id>", roles=roles.SEE_STOCK, response=schemas.UnitOut,
         summary="A unit (an id of the old form with '/' is found by GET /units?unit_id=)")
    def get_unit(self, req):
        with self.db.read() as s:
            return views.unit_view(stock.get_unit(s, req.path["unit_id"]))

    @api("PUT", "/units/<path:unit_id>/status", body=schemas.UnitStatusIn, roles=roles.MANAGE_STOCK,
         response=schemas.UnitStatusOut,
         summary="Take a vacant unit into maintenance (维修) or back; a unit let, on offer or reserved "
                 "changes only through its tenancy or offer")
    def set_unit_status(self, req):
        with self.db.unit_of_work() as uow:
            unit = stock.set_unit_status(uow, self.clock.now(), req.path["unit_id"], req.body["status"])
            uow.commit()
        return {"unit_id": unit.id, "status": unit.status}
