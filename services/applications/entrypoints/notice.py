"""NoticeEntrypoints: the public notice board, objections, and closing the notices that are
due (by timer, or by a district officer now)."""

from __future__ import annotations

import logging

from services.common.http import api
from services.common.ratelimit import RateLimit
from services.common.timers import config_timer

from .. import notice, repository, roles, schemas

log = logging.getLogger(__name__)
#: Anonymous objections: per client address, in each replica (see services/common/ratelimit.py).
OBJECTIONS_PER_CLIENT = RateLimit(5, 3600)


class NoticeEntrypoints:
    @api("GET", "/public/notices", query=schemas.PageQuery, public=True, response=schemas.NoticeBoardOut,
         summary="The public notice board (公示): masked names, enterprise, programme, points, notice end")
    def public_notices(self, req):
        with self.db.read() as session:
            return notice.public_notices(session, req.query["page"], req.query["page_size"])

    @api("POST", "/applications/<application_id>/objections", body=schemas.ObjectionIn, public=True, status=201,
         limit=OBJECTIONS_PER_CLIENT, response=schemas.ObjectionFiledOut,
         summary="File an objection (异议) during the notice period; anyone may. At most 5 per hour from one "
                 "address (counted by each replica: N replicas allow up to 5 × N), and at most 5 open on one "
                 "application (429 until the district office has dealt with one). The reason is seen only by "
                 "the district office, never published")
    def file_objection(self, req):
        application_id = req.path["application_id"]
        now = self.clock.now()
        with repository.optimistic(application_id), self.db.unit_of_work() as uow:
            objection, row = notice.file_objection(uow, now, application_id, req.body["reason"])
            uow.commit()
        return {"objection_id": objection.id, "application_id": row.id, "state": row.state}

    @api("GET", "/applications/<application_id>/objections", roles=roles.READ, response=schemas.ObjectionListOut,
         summary="The objections to an application, oldest first, open and resolved; the reasons are "
                 + roles.WHO_SEES_PERSONAL_DATA)
    def list_objections(self, req):
        with self.db.read() as session:
            return notice.objections_of(session, req.path["application_id"], req.principal)

    @api("POST", "/applications/<application_id>/objections/merge", body=schemas.MergeObjectionsIn,
         roles=roles.RESOLVE_OBJECTION, response=schemas.MergedOut,
         summary="Merge duplicate objections: the duplicates are closed into one open objection, which stays "
                 "open and decides for them all when it is resolved")
    def merge_objections(self, req):
        application_id = req.path["application_id"]
        now = self.clock.now()
        with repository.optimistic(application_id), self.db.unit_of_work() as uow:
            kept, row = notice.merge_objections(uow, now, application_id, req.body["into"], req.body["duplicates"],
                                                req.principal)
            uow.commit()
        return {"objection_id": kept.id, "application_id": row.id, "state": row.state,
                "open_objections": row.open_objections}

    @api("POST", "/objections/<objection_id>/resolve", body=schemas.ResolveIn, roles=roles.RESOLVE_OBJECTION,
         response=schemas.ObjectionFiledOut,
         summary="Resolve an objection: upheld rejects the application, dismissed lets the notice continue")
    def resolve_objection(self, req):
        now = self.clock.now()
        with self.db.unit_of_work() as uow:
            objection, row = notice.resolve_objection(uow, now, self.clock.calendar, req.path["objection_id"],
                                                      req.body["upheld"],
                                                      req.body["note"], req.principal)
            uow.commit()
        return {"objection_id": objection.id, "application_id": row.id, "state": row.state}

    @config_timer("NOTICE_CLOSE_INTERVAL_SECONDS", 60.0)
    def close_notices_timer(self):
        closed = notice.close_due_notices(self.db, self.clock.now(), self.clock.calendar)
        if closed:
            log.info("closed %d notice(s)", len(closed))

    @api("POST", "/admin/notices/close", roles=roles.CLOSE_NOTICES, idempotent=False,
         response=schemas.ClosedNoticesOut,
         summary="Close every notice that is due now, in batches (what the timer does), and list the approved "
                 "applications; `remaining` counts those still due (changed meanwhile): call again later")
    def close_notices_now(self, req):
        now = self.clock.now()
        closed = notice.close_due_notices(self.db, now, self.clock.calendar)
        with self.db.read() as session:
            remaining = notice.count_due_notices(session, now)
        return {"closed": closed, "count": len(closed), "remaining": remaining}
