"""Three-level review (三级审核), public notice (公示), objections (异议) and approval."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select

from services.common.errors import Conflict, Forbidden, NotFound, Unprocessable
from services.common.events.contracts import iso_utc
from services.common.http import api

from . import models, schemas
from .domain.lifecycle import AWAITING_LEVEL, ReviewLevel, State
from .support import (
    STAFF,
    apply_domain,
    config_timer,
    current_policy,
    get_application,
    optimistic,
    page,
    points_text,
    preferences_of,
    priority_groups,
    store_points,
    to_domain,
)

log = logging.getLogger(__name__)
REVIEWER_ROLE = {ReviewLevel.ENTERPRISE: "enterprise_officer", ReviewLevel.DISTRICT: "district_officer",
                 ReviewLevel.CITY: "city_officer"}
STATE_FOR_LEVEL = {level: state for state, level in AWAITING_LEVEL.items()}


class ReviewMixin:
    # -- effects of entering a state (shared by review, objection resolution and closing) ------

    def _after_transition(self, uow, row: models.Application, before: str, now) -> None:
        if row.state == State.IN_NOTICE.value and before not in (State.IN_NOTICE.value, State.OBJECTED.value):
            policy = current_policy(uow.session, "points", self.notice_days())
            breakdown = store_points(uow.session, row, policy, now.date(), now)
            applicant = uow.session.get(models.Applicant, row.applicant_id)
            uow.publish("application.notice_started", {
                "application_id": row.id, "person_ref": row.person_ref, "name_masked": applicant.name_masked,
                "enterprise": row.enterprise, "programme": row.programme, "points": str(breakdown.total),
                "notice_started_at": iso_utc(row.notice_started_at), "notice_ends_at": iso_utc(row.notice_ends_at)})
        elif row.state == State.APPROVED.value and before != State.APPROVED.value:
            self._approve(uow, row, now)

    def _approve(self, uow, row: models.Application, now) -> None:
        s = uow.session
        policy = current_policy(s, "points", self.notice_days())
        breakdown = store_points(s, row, policy, now.date(), now)
        row.approved_at = now
        hardship = s.get(models.ApplicationPoints, row.id).hardship_category
        uow.publish("application.approved", {
            "application_id": row.id, "person_ref": row.person_ref, "district": row.district,
            "programme": row.programme, "household_size": row.household_size,
            "points": str(breakdown.total), "points_tenths": breakdown.total_tenths,
            "breakdown": breakdown.to_dict(), "preferences": preferences_of(s, row.id),
            "priority_groups": priority_groups(row.frontline, row.honour, hardship),
            "needs_accessible": row.needs_accessible, "enterprise": row.enterprise, "approved_at": iso_utc(now)})

    # -- review -------------------------------------------------------------------------------

    @api("POST", "/applications/<application_id>/reviews", body=schemas.ReviewIn,
         roles=("enterprise_officer", "district_officer", "city_officer"),
         summary="Review at one level: pass, return for correction, or reject (reasons required for the latter)")
    def review_application(self, req):
        application_id = req.path["application_id"]
        body, who = req.body, req.principal
        level = ReviewLevel(body["level"])
        if who.role != REVIEWER_ROLE[level]:
            raise Forbidden(f"{level.value} review is done by {REVIEWER_ROLE[level]}, not {who.role}",
                            errors={"level": [f"not a {who.role} level"]})
        if body["decision"] != "pass" and not body["reasons"]:
            raise Unprocessable(f"decision {body['decision']} needs at least one reason",
                                errors={"reasons": ["required for return and reject"]})
        with optimistic(application_id), self.db.unit_of_work() as uow:
            row = get_application(uow.session, application_id)
            if row.district != who.district and who.role != "city_officer":
                raise Forbidden(f"application {application_id} belongs to district {row.district}",
                                errors={"district": [row.district]})
            if level is ReviewLevel.ENTERPRISE and row.enterprise != who.enterprise:
                raise Forbidden(f"application {application_id} is from enterprise {row.enterprise}, "
                                f"not yours ({who.enterprise})", errors={"enterprise": [str(row.enterprise)]})
            if body["version"] != row.version:
                raise Conflict(f"application {application_id} is at version {row.version}, you reviewed "
                               f"version {body['version']}; reload it",
                               errors={"version": [f"current is {row.version}"]})
            now = max(self.clock(), row.updated_at)
            before = row.state
            app = to_domain(row).review(level, body["decision"], who.ref, now, body["reasons"])
            apply_domain(row, app)
            uow.session.add(models.Review(application_id=row.id, level=level.value, decision=body["decision"],
                                          reviewer=who.ref, at=now, reasons=list(body["reasons"])))
            uow.publish("application.reviewed", {
                "application_id": row.id, "person_ref": row.person_ref, "programme": row.programme,
                "level": level.value, "decision": body["decision"], "reasons": list(body["reasons"]),
                "state": row.state, "reviewed_at": iso_utc(now)})
            if row.state == State.REJECTED.value:
                uow.publish("application.rejected", {
                    "application_id": row.id, "person_ref": row.person_ref, "programme": row.programme,
                    "stage": "review", "reasons": list(body["reasons"]), "rejected_at": iso_utc(now)})
            self._after_transition(uow, row, before, now)
            uow.commit()
            return {"application_id": row.id, "state": row.state, "version": row.version}

    @api("GET", "/review-queue", query=schemas.QueueQuery, roles=STAFF,
         summary="Applications waiting for a review level, oldest first, with filters and pagination")
    def review_queue(self, req):
        q, who = req.query, req.principal
        a = models.Application
        enterprise = q["enterprise"]
        if who.role == "enterprise_officer":
            if enterprise not in (None, who.enterprise):
                raise Forbidden("enterprise officers see only their own enterprise's queue",
                                errors={"enterprise": ["not your enterprise"]})
            enterprise = who.enterprise
        stmt = (select(a.id, a.version, a.programme, a.enterprise, a.state, a.first_submitted_at, a.updated_at,
                       models.Applicant.name_masked)
                .join(models.Applicant, models.Applicant.id == a.applicant_id)
                .where(a.state == STATE_FOR_LEVEL[ReviewLevel(q["level"])].value)
                .order_by(a.updated_at, a.id))
        if q["programme"]:
            stmt = stmt.where(a.programme == q["programme"])
        if enterprise:
            stmt = stmt.where(a.enterprise == enterprise)
        with self.db.read() as session:
            total, rows = page(session, stmt, q["page"], q["page_size"])
        return {"total": total, "page": q["page"], "page_size": q["page_size"], "items": [
            {"application_id": r.id, "version": r.version, "programme": r.programme, "enterprise": r.enterprise,
             "state": r.state, "name_masked": r.name_masked, "first_submitted_at": r.first_submitted_at,
             "waiting_since": r.updated_at} for r in rows]}

    # -- notice and objections ------------------------------------------------------------------

    @api("GET", "/public/notices", query=schemas.PageQuery, public=True,
         summary="The public notice board (公示): masked names, enterprise, programme, points, notice end")
    def public_notices(self, req):
        a, p = models.Application, models.ApplicationPoints
        stmt = (select(a.id, a.enterprise, a.programme, a.notice_ends_at, a.state, models.Applicant.name_masked,
                       p.total_tenths)
                .join(models.Applicant, models.Applicant.id == a.applicant_id)
                .outerjoin(p, p.application_id == a.id)
                .where(a.state.in_([State.IN_NOTICE.value, State.OBJECTED.value]))
                .order_by(a.notice_ends_at, a.id))
        with self.db.read() as session:
            total, rows = page(session, stmt, req.query["page"], req.query["page_size"])
        return {"total": total, "page": req.query["page"], "page_size": req.query["page_size"], "notices": [
            {"application_id": r.id, "name_masked": r.name_masked, "enterprise": r.enterprise,
             "programme": r.programme, "points": points_text(r.total_tenths) if r.total_tenths is not None else None,
             "notice_ends_at": r.notice_ends_at, "objection_pending": r.state == State.OBJECTED.value}
            for r in rows]}

    @api("POST", "/applications/<application_id>/objections", body=schemas.ObjectionIn, public=True, status=201,
         summary="File an objection (异议) during the notice period; anyone may")
    def file_objection(self, req):
        application_id = req.path["application_id"]
        with optimistic(application_id), self.db.unit_of_work() as uow:
            row = get_application(uow.session, application_id)
            now = self.clock()
            if now < row.updated_at:
                now = row.updated_at
            apply_domain(row, to_domain(row).file_objection(now))
            objection = models.Objection(id=str(uuid.uuid4()), application_id=row.id, reason=req.body["reason"],
                                         filed_at=now)
            uow.session.add(objection)
            uow.publish("application.objection_filed", {"application_id": row.id, "objection_id": objection.id,
                                                        "filed_at": iso_utc(now)})
            uow.commit()
            return {"objection_id": objection.id, "application_id": row.id, "state": row.state}

    @api("POST", "/objections/<objection_id>/resolve", body=schemas.ResolveIn, roles=("district_officer",),
         summary="Resolve an objection: upheld rejects the application, dismissed lets the notice continue")
    def resolve_objection(self, req):
        objection_id = req.path["objection_id"]
        body = req.body
        if body["upheld"] and not body["note"].strip():
            raise Unprocessable("an upheld objection needs a note saying why", errors={"note": ["required"]})
        with self.db.unit_of_work() as uow:
            objection = uow.session.get(models.Objection, objection_id)
            if objection is None:
                raise NotFound(f"objection {objection_id} not found")
            if objection.resolved_at is not None:
                raise Conflict(f"objection {objection_id} was already resolved", errors={"objection_id": ["resolved"]})
            with optimistic(objection.application_id):
                row = get_application(uow.session, objection.application_id)
                now = max(self.clock(), row.updated_at)
                before = row.state
                reasons = [body["note"]] if body["note"].strip() else []
                apply_domain(row, to_domain(row).resolve_objection(body["upheld"], now, reasons))
                objection.resolved_at, objection.upheld = now, body["upheld"]
                objection.note, objection.resolved_by = body["note"], req.principal.ref
                uow.publish("application.objection_resolved", {
                    "application_id": row.id, "objection_id": objection.id, "upheld": body["upheld"],
                    "state": row.state, "resolved_at": iso_utc(now)})
                if row.state == State.REJECTED.value:
                    uow.publish("application.rejected", {
                        "application_id": row.id, "person_ref": row.person_ref, "programme": row.programme,
                        "stage": "objection", "reasons": reasons, "rejected_at": iso_utc(now)})
                self._after_transition(uow, row, before, now)
                uow.commit()
            return {"objection_id": objection.id, "application_id": row.id, "state": row.state}

    def close_due_notices(self, limit: int = 500) -> list[str]:
        """Approve every application whose notice period is over with no open objection."""
        now = self.clock()
        a = models.Application
        with self.db.read() as session:
            due = list(session.scalars(select(a.id).where(a.state == State.IN_NOTICE.value, a.notice_ends_at <= now)
                                       .order_by(a.notice_ends_at).limit(limit)))
        closed = []
        for application_id in due:
            try:
                with optimistic(application_id), self.db.unit_of_work() as uow:
                    row = get_application(uow.session, application_id)
                    if row.state != State.IN_NOTICE.value:
                        continue
                    at = max(now, row.updated_at)
                    apply_domain(row, to_domain(row).close_notice(at))
                    self._after_transition(uow, row, State.IN_NOTICE.value, at)
                    uow.commit()
                closed.append(application_id)
            except Conflict:  # changed meanwhile (e.g. an objection); the next run looks again
                log.info("notice of %s not closed: changed meanwhile", application_id)
        return closed

    @config_timer("NOTICE_CLOSE_INTERVAL_SECONDS", 60.0)
    def close_notices_timer(self):
        closed = self.close_due_notices()
        if closed:
            log.info("closed %d notice(s)", len(closed))

    @api("POST", "/admin/notices/close", roles=("district_officer",), idempotent=False,
         summary="Close every notice that is due now (what the timer does) and list the approved applications")
    def close_notices_now(self, req):
        closed = self.close_due_notices()
        return {"closed": closed, "count": len(closed)}
