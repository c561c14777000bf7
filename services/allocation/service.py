"""The allocation nameko service (skeleton: projects and units; rounds come with their issue)."""

from __future__ import annotations

from services.common.db import Database
from services.common.errors import Conflict, NotFound
from services.common.events.contracts import utc_now
from services.common.http import api
from services.common.service import PlatformService

from . import models, schemas

OFFICERS = ("district_officer", "city_officer")


class AllocationService(PlatformService):
    name = "allocation"
    db = Database(models.metadata)

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
            project = uow.session.get(models.Project, project_id)
            if project is None:
                raise NotFound(f"project {project_id} does not exist; create it with POST /projects")
            units = [models.Unit(id=f"{project_id}-{u['building']}-{u['number']}",
                                 project_id=project_id, status="vacant", **u)
                     for u in req.body["units"]]
            uow.session.add_all(units)
            uow.publish("stock.units_added", {"project_id": project_id, "programme": project.programme,
                                              "unit_ids": [u.id for u in units], "count": len(units)})
            uow.commit()
        return {"project_id": project_id, "added": len(units)}
