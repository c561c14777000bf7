"""ReviewEntrypoints: a review level's decision, and the queue each level works from."""

from __future__ import annotations

from services.common.http import api

from .. import repository, review, roles, schemas, views


class ReviewEntrypoints:
    @api("POST", "/applications/<application_id>/reviews", body=schemas.ReviewIn, roles=roles.REVIEW,
         response=schemas.StatusOut,
         summary="Review at one level: pass, return for correction, or reject (reasons required for the latter)")
    def review_application(self, req):
        application_id = req.path["application_id"]
        body = req.body
        now = self.clock.now()
        with repository.optimistic(application_id), self.db.unit_of_work() as uow:
            row = review.review_application(uow, now, self.clock.calendar, application_id, body["level"],
                                            body["decision"],
                                            body["version"], body["reasons"], req.principal)
            uow.commit()
            return views.status(row)

    @api("GET", "/review-queue", query=schemas.QueueQuery, roles=roles.READ, response=schemas.QueueOut,
         summary="Applications waiting for a review level, oldest first, with filters and pagination")
    def review_queue(self, req):
        q = req.query
        with self.db.read() as session:
            return review.review_queue(session, req.principal, q["level"], q["programme"], q["enterprise"],
                                       q["page"], q["page_size"])
