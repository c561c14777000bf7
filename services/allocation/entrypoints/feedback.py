"""Feedback (投诉与满意度) endpoints: complaints (filed, resolved, found again), satisfaction
scores, the service report; and their Prometheus counters."""

from __future__ import annotations

from prometheus_client import Counter

from services.common import paging
from services.common.http import api

from .. import feedback, roles, schemas, views

COMPLAINTS = Counter("anju_allocation_complaints_total", "Complaints by category and outcome.",
                     ["district", "category", "event"])
SATISFACTION = Counter("anju_allocation_satisfaction_scores_total", "Satisfaction scores received.",
                       ["district", "score"])


class FeedbackEntrypoints:
    @api("POST", "/complaints", body=schemas.ComplaintIn, roles=roles.RECORD_FEEDBACK, status=201,
         response=schemas.ComplaintFiledOut, summary="Register a tenant's complaint")
    def file_complaint(self, req):
        with self.db.unit_of_work() as uow:
            c = feedback.file_complaint(uow, self.clock.now(), req.body)
            uow.commit()
        COMPLAINTS.labels(self.config.get("DISTRICT"), c.category, "filed").inc()
        return {"complaint_id": c.id, "status": "open"}

    @api("GET", "/complaints", query=schemas.ComplaintsQuery, roles=roles.SEE_FEEDBACK,
         response=schemas.ComplaintsPageOut, summary="Complaints, newest first, by status, project and category")
    def list_complaints(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: feedback.complaints_page(s, q), views.complaint_view)

    @api("GET", "/complaints/<complaint_id>", roles=roles.SEE_FEEDBACK, response=schemas.ComplaintOut,
         summary="A complaint")
    def get_complaint(self, req):
        with self.db.read() as s:
            return views.complaint_view(feedback.get_complaint(s, req.path["complaint_id"]))

    @api("POST", "/complaints/<complaint_id>/resolve", body=schemas.ResolveIn, roles=roles.RECORD_FEEDBACK,
         response=schemas.ComplaintResolvedOut, summary="Resolve a complaint")
    def resolve_complaint(self, req):
        with self.db.unit_of_work() as uow:
            c = feedback.resolve_complaint(uow, self.clock.now(), req.path["complaint_id"], req.body["resolution"])
            uow.commit()
        COMPLAINTS.labels(self.config.get("DISTRICT"), c.category, "resolved").inc()
        hours = (c.resolved_at - c.opened_at).total_seconds() / 3600
        return {"complaint_id": c.id, "status": "resolved", "resolution_hours": round(hours, 2)}

    @api("POST", "/satisfaction", body=schemas.SatisfactionIn, roles=roles.RECORD_FEEDBACK, status=201,
         response=schemas.SatisfactionOut, summary="Record a satisfaction score (1–5) for a project")
    def add_satisfaction(self, req):
        with self.db.unit_of_work() as uow:
            feedback.add_satisfaction(uow, self.clock.now(), req.body)
            uow.commit()
        SATISFACTION.labels(self.config.get("DISTRICT"), str(req.body["score"])).inc()
        return {"project_id": req.body["project_id"], "score": req.body["score"]}

    @api("GET", "/reports/service", roles=roles.SEE_FEEDBACK, response=schemas.ServiceReportOut,
         summary="Per project: complaints by category/status, mean resolution hours, mean satisfaction")
    def service_report(self, req):
        with self.db.read() as s:
            return {"projects": feedback.service_report(s)}
