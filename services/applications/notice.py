"""Public notice (公示), objections (异议) and approval: what entering the notice or approval sets
off (points stored, the events), the board, filing and resolving objections, and closing the
notices that are due."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from services.common.errors import Conflict, NotFound, Unprocessable
from services.common.events.contracts import iso_utc
from services.common.identity import mask_id_number

from . import models, payloads, points, repository, views
from .domain.lifecycle import State

log = logging.getLogger(__name__)
CLOSE_BATCH = 500


def after_transition(uow, row: models.Application, before: str, at: datetime, calendar) -> None:
    """The effects of entering a state (after a review, an objection's resolution or a notice's
    closing): the notice starting stores the points and announces them; approval stores them
    again, as of the approval, and publishes application.approved. Points are as of the
    district's date of `at` (`calendar`)."""
    if row.state == State.IN_NOTICE.value and before not in (State.IN_NOTICE.value, State.OBJECTED.value):
        breakdown = points.store_points(uow.session, row, repository.current_points_policy(uow.session),
                                        calendar.date_of(at), at, calendar)
        applicant = uow.session.get(models.Applicant, row.applicant_id)
        uow.publish("application.notice_started", {
            "application_id": row.id, "person_ref": row.person_ref, "name_masked": applicant.name_masked,
            "id_number_masked": mask_id_number(applicant.id_number), "enterprise": row.enterprise,
            "programme": row.programme, "points": str(breakdown.total),
            "notice_started_at": iso_utc(row.notice_started_at), "notice_ends_at": iso_utc(row.notice_ends_at)})
    elif row.state == State.APPROVED.value and before != State.APPROVED.value:
        _approve(uow, row, at, calendar)


def _approve(uow, row: models.Application, at: datetime, calendar) -> None:
    s = uow.session
    breakdown = points.store_points(s, row, repository.current_points_policy(s), calendar.date_of(at), at, calendar)
    row.approved_at = at
    hardship = s.get(models.ApplicationPoints, row.id).hardship_category
    applicant = s.get(models.Applicant, row.applicant_id)
    uow.publish("application.approved", {
        "application_id": row.id, "person_ref": row.person_ref, "district": row.district,
        "programme": row.programme, "household_size": row.household_size,
        "points": str(breakdown.total), "points_tenths": breakdown.total_tenths,
        "breakdown": breakdown.to_dict(), "preferences": repository.preferences_of(s, row.id),
        "priority_groups": points.priority_groups(row.frontline, row.honour, hardship),
        "needs_accessible": row.needs_accessible, "enterprise": row.enterprise,
        "name_masked": applicant.name_masked, "id_number_masked": mask_id_number(applicant.id_number),
        "approved_at": iso_utc(at)})


def public_notices(session, page_no: int, page_size: int) -> dict:
    """The board: applications in notice (or objected), masked, the soonest to end first."""
    a, p = models.Application, models.ApplicationPoints
    stmt = (select(a.id, a.enterprise, a.programme, a.notice_ends_at, a.state, models.Applicant.name_masked,
                   p.total_tenths)
            .join(models.Applicant, models.Applicant.id == a.applicant_id)
            .outerjoin(p, p.application_id == a.id)
            .where(a.state.in_([State.IN_NOTICE.value, State.OBJECTED.value]))
            .order_by(a.notice_ends_at, a.id))
    total, rows = repository.page(session, stmt, page_no, page_size)
    items = [views.notice_item(r) for r in rows]
    # "items" as every list pages; "notices", the same list, for the board's existing readers
    return {"total": total, "page": page_no, "page_size": page_size, "items": items, "notices": items}


def file_objection(uow, now: datetime, application_id: str, reason: str):
    """Anyone may object while the notice runs, while fewer than MAX_OPEN_OBJECTIONS are open
    (a further one is TooManyObjections: 429): (objection, application)."""
    row = repository.get_application(uow.session, application_id)
    at = repository.transition_time(row, now)
    repository.apply_domain(row, repository.to_domain(row).file_objection(at))
    objection = models.Objection(id=str(uuid.uuid4()), application_id=row.id, reason=reason, filed_at=at)
    uow.session.add(objection)
    uow.publish("application.objection_filed", {"application_id": row.id, "objection_id": objection.id,
                                                "filed_at": iso_utc(at)})
    return objection, row


def resolve_objection(uow, now: datetime, calendar, objection_id: str, upheld: bool, note: str, principal):
    """Upheld rejects the application (a note must say why); dismissed lets the notice go on,
    or approves at once if the period ran out meanwhile: (objection, application)."""
    if upheld and not note.strip():
        raise Unprocessable("an upheld objection needs a note saying why", errors={"note": ["required"]})
    s = uow.session
    objection = s.get(models.Objection, objection_id)
    if objection is None:
        raise NotFound(f"objection {objection_id} not found")
    if objection.resolved_at is not None:
        raise Conflict(f"objection {objection_id} was already resolved", errors={"objection_id": ["resolved"]})
    # The path names the objection, not the application: the version check on the application is
    # guarded here (the flush runs it) so that a concurrent change is a 409 naming the application.
    with repository.optimistic(objection.application_id):
        row = repository.get_application(s, objection.application_id)
        at = repository.transition_time(row, now)
        before = row.state
        reasons = [note] if note.strip() else []
        repository.apply_domain(row, repository.to_domain(row).resolve_objection(upheld, at, reasons))
        objection.resolved_at, objection.upheld = at, upheld
        objection.note, objection.resolved_by = note, principal.ref
        uow.publish("application.objection_resolved", {
            "application_id": row.id, "person_ref": row.person_ref, "objection_id": objection.id,
            "upheld": upheld, "state": row.state, "resolved_at": iso_utc(at)})
        if row.state == State.REJECTED.value:
            uow.publish("application.rejected", payloads.rejected(row, "objection", reasons, at))
        after_transition(uow, row, before, at, calendar)
        s.flush()
    return objection, row


def merge_objections(uow, now: datetime, application_id: str, into: str, duplicates: list[str], principal):
    """Staff close `duplicates` (open objections of the application) as duplicates of `into`,
    which stays open and decides for them all: (the kept objection, application)."""
    s = uow.session
    row = repository.get_application(s, application_id)
    wanted = [into, *duplicates]
    if len(set(wanted)) != len(wanted):
        raise Unprocessable("an objection is listed twice (or as a duplicate of itself)",
                            errors={"duplicates": ["listed twice"]})
    found = {o.id: o for o in s.scalars(select(models.Objection).where(models.Objection.id.in_(wanted),
                                                                       models.Objection.application_id == row.id))}
    for field, ids in (("into", [into]), ("duplicates", duplicates)):
        missing = [i for i in ids if i not in found]
        if missing:
            raise NotFound(f"objection {missing[0]} is not an objection to application {row.id}",
                           errors={field: missing})
        closed = [i for i in ids if found[i].resolved_at is not None]
        if closed:
            raise Conflict(f"objection {closed[0]} was already resolved", errors={field: closed})
    at = repository.transition_time(row, now)
    repository.apply_domain(row, repository.to_domain(row).merge_objections(len(duplicates), at))
    for objection_id in duplicates:
        o = found[objection_id]
        o.resolved_at, o.resolved_by, o.duplicate_of = at, principal.ref, into
    uow.publish("application.objections_merged", {"application_id": row.id, "objection_id": into,
                                                  "duplicates": list(duplicates), "merged_at": iso_utc(at)})
    return found[into], row


def objections_of(session, application_id: str, principal) -> dict:
    """Every objection to the application, oldest first; the reason only for the staff who see
    the application's personal data (it may name people)."""
    row = repository.get_application(session, application_id)
    full = views.sees_personal_data(principal, row)
    items = session.scalars(select(models.Objection).where(models.Objection.application_id == row.id)
                            .order_by(models.Objection.filed_at, models.Objection.id)).all()
    return {"application_id": row.id, "state": row.state, "open_objections": row.open_objections,
            "items": [views.objection_item(o, full) for o in items]}


def due_notices(session, now: datetime, limit: int = CLOSE_BATCH, after: tuple | None = None) -> list[tuple]:
    """Applications whose notice period is over at `now`, the longest over first:
    (notice_ends_at, id) pairs, at most `limit`, those after the pair `after` (keyset order)."""
    a = models.Application
    stmt = select(a.notice_ends_at, a.id).where(a.state == State.IN_NOTICE.value, a.notice_ends_at <= now)
    if after is not None:
        ends_at, application_id = after  # column comparisons, so the column type binds the instant
        stmt = stmt.where(or_(a.notice_ends_at > ends_at, and_(a.notice_ends_at == ends_at, a.id > application_id)))
    return [tuple(r) for r in session.execute(stmt.order_by(a.notice_ends_at, a.id).limit(limit))]


def count_due_notices(session, now: datetime) -> int:
    """How many notices are still due at `now` (those a closing run left: changed meanwhile)."""
    a = models.Application
    return session.scalar(select(func.count()).select_from(a).where(a.state == State.IN_NOTICE.value,
                                                                   a.notice_ends_at <= now))


def close_notice(uow, now: datetime, calendar, application_id: str) -> bool:
    """公示期满: approve the application if it is still in notice (False if it no longer is)."""
    row = repository.get_application(uow.session, application_id)
    if row.state != State.IN_NOTICE.value:
        return False
    at = repository.transition_time(row, now)
    repository.apply_domain(row, repository.to_domain(row).close_notice(at))
    after_transition(uow, row, State.IN_NOTICE.value, at, calendar)
    return True


def close_due_notices(db, now: datetime, calendar, batch: int = CLOSE_BATCH) -> list[str]:
    """Approve every application whose notice period is over at `now` with no open objection:
    all of them, read `batch` at a time in (notice_ends_at, id) order so that memory stays
    bounded however many are due (the demo had thousands at once). Takes the worker's database,
    not one unit of work: each notice closes in its own, so one that changed meanwhile (an
    objection) leaves the rest closed and is passed over (the keyset moves past it, so the run
    ends); the next run looks again."""
    closed: list[str] = []
    after = None
    while True:
        with db.read() as session:
            due = due_notices(session, now, batch, after)
        for _ends_at, application_id in due:
            try:
                with repository.optimistic(application_id), db.unit_of_work() as uow:
                    if not close_notice(uow, now, calendar, application_id):
                        continue
                    uow.commit()
                closed.append(application_id)
            except Conflict:
                log.info("notice of %s not closed: changed meanwhile", application_id)
        if len(due) < batch:
            return closed
        after = due[-1]
