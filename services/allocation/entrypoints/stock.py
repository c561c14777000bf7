"""Stock (房源) endpoints: projects, units by JSON or CSV, maintenance status."""

from __future__ import annotations

from services.common.http import api

from .. import roles, schemas, stock, views
from .uploads import raw_api


class StockEntrypoints:
    @api("POST", "/projects", body=schemas.ProjectIn, roles=roles.MANAGE_STOCK, status=201,
         summary="Register a housing project (房源项目)")
    def create_project(self, req):
        with self.db.unit_of_work() as uow:
            project_id = stock.create_project(uow, self.clock.now(), req.body)
            uow.commit()
        return {"project_id": project_id}

    @api("POST", "/projects/<project_id>/units", body=schemas.UnitsIn, roles=roles.MANAGE_STOCK, status=201,
         summary="Add units to a project's stock (房源入库); all or nothing")
    def add_units(self, req):
        project_id = req.path["project_id"]
        with self.db.unit_of_work() as uow:
            units = stock.add_units(uow, self.clock.now(), project_id, req.body["units"])
            uow.commit()
        return {"project_id": project_id, "added": len(units)}

    @raw_api("POST", "/projects/<project_id>/units.csv", roles=roles.MANAGE_STOCK, status=201,
             summary="Import units from CSV (text/csv, or multipart field 'file'): bad rows are "
                     "reported by line and column and the good rows import; a malformed file "
                     "imports nothing")
    def import_units_csv(self, req):
        project_id = req.path["project_id"]
        with self.db.unit_of_work() as uow:
            units, errors = stock.import_units_csv(uow, self.clock.now(), project_id, req.body)
            uow.commit()
        return {"project_id": project_id, "added": len(units), "rejected_rows": len({e.line for e in errors}),
                "errors": [{"line": e.line, "column": e.column, "message": e.message} for e in errors]}

    @api("GET", "/projects/<project_id>/units", query=schemas.UnitsQuery, roles=roles.SEE_STOCK,
         summary="Units of a project, optionally by status")
    def list_units(self, req):
        with self.db.read() as s:
            units = stock.units_of(s, req.path["project_id"], req.query.get("status"))
            return {"units": [views.unit_view(u) for u in units]}

    @api("PUT", "/units/<path:unit_id>/status", body=schemas.UnitStatusIn, roles=roles.MANAGE_STOCK,
         summary="Take a vacant unit into maintenance (维修) or back")
    def set_unit_status(self, req):
        unit_id, wanted = req.path["unit_id"], req.body["status"]
        with self.db.unit_of_work() as uow:
            stock.set_unit_status(uow, self.clock.now(), unit_id, wanted)
            uow.commit()
        return {"unit_id": unit_id, "status": wanted}
