"""Complaints (投诉) and satisfaction (满意度): records, metrics and the staff report."""

from __future__ import annotations

import uuid
from collections import defaultdict

from prometheus_client import Counter
from sqlalchemy import select

from services.common.errors import Conflict, NotFound
from services.common.events.contracts import utc_now
from services.common.http import api

from . import models, schemas

OFFICERS = ("district_officer", "city_officer")
READERS = (*OFFICERS, "auditor")
COMPLAINTS = Counter("anju_allocation_complaints_total", "Complaints by category and outcome.",
                     ["district", "category", "event"])
SATISFACTION = Counter("anju_allocation_satisfaction_scores_total", "Satisfaction scores received.",
                       ["district", "score"])


def _project(session, project_id: str) -> None:
    if session.get(models.Project, project_id) is None:
        raise NotFound(f"project {project_id} does not exist", errors={"project_id": ["unknown project"]})


class QualityEndpoints:
    @api("POST", "/complaints", body=schemas.ComplaintIn, roles=OFFICERS, status=201,
         summary="Register a tenant's complaint")
    def file_complaint(self, req):
        with self.db.unit_of_work() as uow:
            _project(uow.session, req.body["project_id"])
            c = models.Complaint(id=str(uuid.uuid4()), status="open", opened_at=utc_now(), **req.body)
            uow.session.add(c)
            uow.commit()
        COMPLAINTS.labels(self.config.get("DISTRICT"), c.category, "filed").inc()
        return {"complaint_id": c.id, "status": "open"}

    @api("POST", "/complaints/<complaint_id>/resolve", body=schemas.ResolveIn, roles=OFFICERS,
         summary="Resolve a complaint")
    def resolve_complaint(self, req):
        with self.db.unit_of_work() as uow:
            c = uow.session.get(models.Complaint, req.path["complaint_id"])
            if c is None:
                raise NotFound(f"complaint {req.path['complaint_id']} does not exist")
            if c.status != "open":
                raise Conflict(f"complaint {c.id} is already {c.status}")
            c.status, c.resolved_at, c.resolution = "resolved", utc_now(), req.body["resolution"]
            uow.commit()
        COMPLAINTS.labels(self.config.get("DISTRICT"), c.category, "resolved").inc()
        hours = (c.resolved_at - c.opened_at).total_seconds() / 3600
        return {"complaint_id": c.id, "status": "resolved", "resolution_hours": round(hours, 2)}

    @api("POST", "/satisfaction", body=schemas.SatisfactionIn, roles=OFFICERS, status=201,
         summary="Record a satisfaction score (1–5) for a project")
    def add_satisfaction(self, req):
        with self.db.unit_of_work() as uow:
            _project(uow.session, req.body["project_id"])
            uow.session.add(models.SatisfactionScore(created_at=utc_now(), **req.body))
            uow.commit()
        SATISFACTION.labels(self.config.get("DISTRICT"), str(req.body["score"])).inc()
        return {"project_id": req.body["project_id"], "score": req.body["score"]}

    @api("GET", "/reports/service", roles=READERS,
         summary="Per project: complaints by category/status, mean resolution hours, mean satisfaction")
    def service_report(self, req):
        report: dict = defaultdict(lambda: {"complaints": defaultdict(lambda: {"open": 0, "resolved": 0}),
                                            "_hours": [], "_scores": []})
        with self.db.read() as s:
            for c in s.scalars(select(models.Complaint)):
                r = report[c.project_id]
                r["complaints"][c.category][c.status] += 1
                if c.resolved_at is not None:
                    r["_hours"].append((c.resolved_at - c.opened_at).total_seconds() / 3600)
            for project_id, score in s.execute(select(models.SatisfactionScore.project_id,
                                                      models.SatisfactionScore.score)):
                report[project_id]["_scores"].append(score)
        out = []
        for project_id in sorted(report):
            r = report[project_id]
            hours, scores = r["_hours"], r["_scores"]
            out.append({"project_id": project_id,
                        "complaints": {k: dict(v) for k, v in sorted(r["complaints"].items())},
                        "mean_resolution_hours": round(sum(hours) / len(hours), 2) if hours else None,
                        "satisfaction_responses": len(scores),
                        "mean_satisfaction": round(sum(scores) / len(scores), 2) if scores else None})
        return {"projects": out}
