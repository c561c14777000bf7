"""Feedback (投诉与满意度): tenants' complaints and their resolution, satisfaction scores, and
the staff's service report per project."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.errors import BadRequest, Conflict, NotFound

from . import models, repository


def file_complaint(uow, now: datetime, complaint: dict) -> models.Complaint:
    _project(uow.session, complaint["project_id"])
    c = models.Complaint(id=str(uuid.uuid4()), status="open", opened_at=now, **complaint)
    uow.session.add(c)
    return c


def resolve_complaint(uow, now: datetime, complaint_id: str, resolution: str) -> models.Complaint:
    c = get_complaint(uow.session, complaint_id)
    if c.status != "open":
        raise Conflict(f"complaint {c.id} is already {c.status}")
    c.status, c.resolved_at, c.resolution = "resolved", now, resolution
    return c


def add_satisfaction(uow, now: datetime, score: dict) -> None:
    _project(uow.session, score["project_id"])
    uow.session.add(models.SatisfactionScore(created_at=now, **score))


def service_report(session: Session) -> list[dict]:
    """Per project: complaints by category and status, mean resolution hours, mean satisfaction."""
    report: dict = defaultdict(lambda: {"complaints": defaultdict(lambda: {"open": 0, "resolved": 0}),
                                        "_hours": [], "_scores": []})
    for c in session.scalars(select(models.Complaint)):
        r = report[c.project_id]
        r["complaints"][c.category][c.status] += 1
        if c.resolved_at is not None:
            r["_hours"].append((c.resolved_at - c.opened_at).total_seconds() / 3600)
    for project_id, score in session.execute(select(models.SatisfactionScore.project_id,
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
    return out


def get_complaint(session: Session, complaint_id: str) -> models.Complaint:
    c = session.get(models.Complaint, complaint_id)
    if c is None:
        raise NotFound(f"complaint {complaint_id} does not exist")
    return c


def complaints_page(session: Session, q: dict) -> tuple[int, list[models.Complaint]]:
    """Complaints, newest first, by status, project and category."""
    c = models.Complaint
    stmt = select(c)
    for name in ("status", "project_id", "category"):
        if q.get(name):
            stmt = stmt.where(getattr(c, name) == q[name])
    return repository.page(session, stmt, (c.opened_at.desc(), c.id), q["page"], q["page_size"])


def _project(session: Session, project_id: str) -> None:
    """The project a complaint or score is about: one that exists (a 400 naming project_id)."""
    if session.get(models.Project, project_id) is None:
        raise BadRequest(f"project {project_id} does not exist", errors={"project_id": ["unknown project"]})
