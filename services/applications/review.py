"""Three-level review (三级审核): enterprise union, district, and the city where the programme
needs it; pass, return for correction (退回补正) or reject; and the queue each level works from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from services.common.errors import Forbidden, Unprocessable
from services.common.events.contracts import iso_utc
from services.common.roles import CITY_OFFICER, ENTERPRISE_OFFICER

from . import models, notice, payloads, repository, views
from .domain.lifecycle import AWAITING_LEVEL, LEVEL_WORDS, ReviewLevel, State
from .roles import REVIEWER, ROLE_WORDS

STATE_FOR_LEVEL = {level: state for state, level in AWAITING_LEVEL.items()}


def review_application(uow, now: datetime, calendar, application_id: str, level: str, decision: str,
                       version: int, reasons: list[str], reviewer) -> models.Application:
    """One level's decision (reasons required to return or reject): application.reviewed, and
    application.rejected or the notice starting when the decision leads there."""
    level = ReviewLevel(level)
    if reviewer.role != REVIEWER[level]:
        raise Forbidden(f"{LEVEL_WORDS[level.value]} review is done by {ROLE_WORDS[REVIEWER[level]]}, "
                        f"not {ROLE_WORDS.get(reviewer.role, reviewer.role)}",
                        errors={"level": ["not your level"]})
    if decision != "pass" and not reasons:
        what = "a return for correction" if decision == "return" else "a rejection"
        raise Unprocessable(f"{what} needs at least one reason", errors={"reasons": ["required for return and reject"]})
    row = repository.get_application(uow.session, application_id)
    if row.district != reviewer.district and reviewer.role != CITY_OFFICER:
        raise Forbidden(f"application {application_id} belongs to district {row.district}",
                        errors={"district": [row.district]})
    if level is ReviewLevel.ENTERPRISE and row.enterprise != reviewer.enterprise:
        raise Forbidden(f"application {application_id} is from enterprise {row.enterprise}, "
                        f"not yours ({reviewer.enterprise})", errors={"enterprise": [str(row.enterprise)]})
    repository.check_version(row, version)
    at = repository.transition_time(row, now)
    before = row.state
    repository.apply_domain(row, repository.to_domain(row).review(level, decision, reviewer.ref, at, reasons))
    uow.session.add(models.Review(application_id=row.id, level=level.value, decision=decision,
                                  reviewer=reviewer.ref, at=at, reasons=list(reasons)))
    uow.publish("application.reviewed", {
        "application_id": row.id, "person_ref": row.person_ref, "programme": row.programme,
        "level": level.value, "decision": decision, "reasons": list(reasons),
        "state": row.state, "reviewed_at": iso_utc(at)})
    if row.state == State.REJECTED.value:
        uow.publish("application.rejected", payloads.rejected(row, "review", list(reasons), at))
    notice.after_transition(uow, row, before, at, calendar)
    return row


def review_queue(session, principal, level: str, programme: str | None, enterprise: str | None,
                 page_no: int, page_size: int) -> dict:
    """Applications waiting for `level`, oldest first; an enterprise officer sees only their
    own enterprise's."""
    if principal.role == ENTERPRISE_OFFICER:
        if enterprise not in (None, principal.enterprise):
            raise Forbidden("enterprise officers see only their own enterprise's queue",
                            errors={"enterprise": ["not your enterprise"]})
        enterprise = principal.enterprise
    a = models.Application
    stmt = (select(a.id, a.version, a.programme, a.enterprise, a.state, a.first_submitted_at, a.updated_at,
                   models.Applicant.name_masked)
            .join(models.Applicant, models.Applicant.id == a.applicant_id)
            .where(a.state == STATE_FOR_LEVEL[ReviewLevel(level)].value)
            .order_by(a.updated_at, a.id))
    if programme:
        stmt = stmt.where(a.programme == programme)
    if enterprise:
        stmt = stmt.where(a.enterprise == enterprise)
    total, rows = repository.page(session, stmt, page_no, page_size)
    return {"total": total, "page": page_no, "page_size": page_size, "items": [views.queue_item(r) for r in rows]}
