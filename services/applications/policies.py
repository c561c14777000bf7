"""Policy administration (资格/积分政策, versioned and audited) and points recomputation, in bulk
after a points-policy change and per person when assistance registers or closes a hardship."""

from __future__ import annotations

import time
from datetime import date, datetime

from sqlalchemy import select

from services.common import pg
from services.common.errors import NotFound
from services.common.events.contracts import utc_now
from services.common.events.inbox import inbox_handler
from services.common.http import api

from . import models, schemas
from .domain import points
from .domain.eligibility import completed_years
from .domain.policy import HardshipCategory, HonourLevel, PointsPolicy, PolicyError
from .support import STAFF, current_policy, default_document, parse_policy, points_text, priority_groups, unprocessable

KINDS = ("eligibility", "points")
EVENT_BATCH = 1000
_POINT_COLUMNS = ("policy_version", "as_of", "years_of_service", "household_size", "hardship_category", "honour",
                  "frontline", "months_waiting", "total_tenths", "computed_at")


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound(f"no policy kind {kind!r}; use one of {', '.join(KINDS)}")
    return kind


def recompute_points(uow, policy: PointsPolicy, as_of: date, now: datetime, reason: str,
                     person_ref: str | None = None) -> dict:
    """Recompute the points of every approved application (or one person's), persist them with
    their inputs and publish `application.points_changed` in batches of 1000, all in `uow`'s
    transaction. A policy change publishes only the totals that changed; a hardship change
    publishes the person's applications whatever their total (their priority groups changed).
    Returns counts and the time split (load, compute, persist, events) in seconds."""
    s = uow.session
    a, h, p = (models.Application.__table__, models.HardshipStatus.__table__, models.ApplicationPoints.__table__)
    t0 = time.perf_counter()
    stmt = (select(a.c.id, a.c.person_ref, a.c.hire_date, a.c.first_submitted_at, a.c.household_size, a.c.honour,
                   a.c.frontline, h.c.category, p.c.total_tenths)
            .select_from(a.outerjoin(h, h.c.person_ref == a.c.person_ref).outerjoin(p, p.c.application_id == a.c.id))
            .where(a.c.state == "approved"))
    if person_ref is not None:
        stmt = stmt.where(a.c.person_ref == person_ref)
    rows = s.execute(stmt).all()
    t1 = time.perf_counter()
    hardship = {c.value: c for c in HardshipCategory}
    honours = {c.value: c for c in HonourLevel}
    inputs = []
    for r in rows:
        years = completed_years(r.hire_date, as_of) if r.hire_date <= as_of else 0
        start = r.first_submitted_at.date() if r.first_submitted_at else as_of
        months = points.completed_months(start, as_of)
        inputs.append(points.PointsInput(years, r.household_size, hardship.get(r.category), honours.get(r.honour),
                                         r.frontline, months))
    totals = points.recompute_totals(inputs, policy)
    t2 = time.perf_counter()
    records = [(r.id, policy.version, as_of, i.years_of_service, i.household_size, r.category, r.honour,
                r.frontline, i.months_waiting, total, now) for r, i, total in zip(rows, inputs, totals, strict=True)]
    _upsert_points(s, records)
    t3 = time.perf_counter()
    changes = [{"application_id": r.id, "person_ref": r.person_ref, "points": points_text(total),
                "points_tenths": total, "priority_groups": priority_groups(r.frontline, r.honour, r.category)}
               for r, total in zip(rows, totals, strict=True) if person_ref is not None or total != r.total_tenths]
    for start in range(0, len(changes), EVENT_BATCH):
        uow.publish("application.points_changed", {"policy_version": policy.version, "reason": reason,
                                                   "changes": changes[start:start + EVENT_BATCH]})
    t4 = time.perf_counter()
    return {"recomputed": len(rows), "changed": len(changes), "events": -(-len(changes) // EVENT_BATCH),
            "seconds": {"load": t1 - t0, "compute": t2 - t1, "persist": t3 - t2, "events": t4 - t3}}


def _upsert_points(session, records: list[tuple]) -> None:
    if not records:
        return
    p = models.ApplicationPoints.__table__
    if pg.is_postgresql(session):
        # One INSERT … SELECT FROM unnest(arrays) ON CONFLICT per chunk: a handful of round trips
        # instead of one per row, the columns sent as array literals.
        sql = ("INSERT INTO application_points (application_id, policy_version, as_of, years_of_service, "
               "household_size, hardship_category, honour, frontline, months_waiting, total_tenths, computed_at) "
               "SELECT id, %(version)s, %(as_of)s, y, hs, hc, ho, f, m, t, %(now)s FROM unnest("
               "%(id)s::varchar[], %(y)s::int[], %(hs)s::int[], %(hc)s::varchar[], %(ho)s::varchar[], "
               "%(f)s::boolean[], %(m)s::int[], %(t)s::int[]) AS u(id, y, hs, hc, ho, f, m, t) "
               "ON CONFLICT (application_id) DO UPDATE SET "
               + ", ".join(f"{c} = EXCLUDED.{c}" for c in _POINT_COLUMNS))
        _, version, as_of, *_, now = records[0]
        arr = pg.array_literal
        for start in range(0, len(records), 50_000):
            cols = list(zip(*records[start:start + 50_000], strict=True))
            pg.execute_driver(session, sql, {
                "version": version, "as_of": as_of, "now": now, "id": arr(cols[0]), "y": arr(cols[3]),
                "hs": arr(cols[4]), "hc": arr(cols[5]), "ho": arr(cols[6]), "f": arr(cols[7]),
                "m": arr(cols[8]), "t": arr(cols[9])})
        return
    from sqlalchemy.dialects.sqlite import insert

    stmt = insert(p)
    stmt = stmt.on_conflict_do_update(index_elements=[p.c.application_id],
                                      set_={c: stmt.excluded[c] for c in _POINT_COLUMNS})
    keys = ("application_id",) + _POINT_COLUMNS
    session.execute(stmt, [dict(zip(keys, rec, strict=True)) for rec in records])


class PolicyMixin:
    @api("GET", "/policies/<kind>", roles=STAFF, summary="The policy in force (eligibility or points)")
    def read_policy(self, req):
        kind = req.path["kind"]
        with self.db.read() as session:
            policy = current_policy(session, _kind(kind), self.notice_days())
        return {"kind": kind, "version": policy.version, "document": policy.to_dict()}

    @api("GET", "/policies/<kind>/history", roles=STAFF,
         summary="Every version of a policy, who set it and when (version 1 is the built-in default)")
    def policy_history(self, req):
        kind = req.path["kind"]
        _kind(kind)
        with self.db.read() as session:
            rows = session.scalars(select(models.Policy).where(models.Policy.kind == kind)
                                   .order_by(models.Policy.version)).all()
        versions = [{"version": 1, "document": default_document(kind, self.notice_days()), "created_by": "built-in",
                     "created_at": None}]
        versions += [{"version": r.version, "document": r.document, "created_by": r.created_by,
                      "created_at": r.created_at} for r in rows]
        return {"kind": kind, "versions": versions}

    @api("PUT", "/policies/<kind>", body=schemas.PolicyDocumentIn, roles=("city_officer",),
         summary="Set a new policy version (the server numbers it); a points policy recomputes approved "
                 "applications' points and publishes application.points_changed")
    def set_policy(self, req):
        kind = req.path["kind"]
        _kind(kind)
        document = dict(req.body)
        now = self.clock()
        with self.db.unit_of_work() as uow:
            current = current_policy(uow.session, kind, self.notice_days())
            document["version"] = current.version + 1
            try:
                policy = parse_policy(kind, document, self.notice_days())
            except PolicyError as exc:
                raise unprocessable(exc) from None
            uow.session.add(models.Policy(kind=kind, version=policy.version, document=document,
                                          created_by=req.principal.ref, created_at=now))
            uow.session.flush()
            outcome = None
            if kind == "points":
                outcome = recompute_points(uow, policy, now.date(), now, "policy_change")
            uow.commit()
        reply = {"kind": kind, "version": policy.version, "document": policy.to_dict()}
        if outcome:
            reply.update(recomputed=outcome["recomputed"], changed=outcome["changed"])
        return reply

    # -- hardship (from assistance) -----------------------------------------------------------

    def _hardship_changed(self, person_ref: str, category: str | None, household_id: str | None, reason: str):
        now = self.clock()
        with self.db.unit_of_work() as uow:
            status = uow.session.get(models.HardshipStatus, person_ref)
            if status is None:
                status = models.HardshipStatus(person_ref=person_ref, household_id=household_id or "")
                uow.session.add(status)
            status.category = category if category in {c.value for c in HardshipCategory} else None
            if household_id:
                status.household_id = household_id
            status.updated_at = utc_now()
            uow.session.flush()
            policy = current_policy(uow.session, "points", self.notice_days())
            recompute_points(uow, policy, now.date(), now, reason, person_ref=person_ref)
            uow.commit()

    @inbox_handler("assistance", "hardship.registered", schema=schemas.HardshipRegisteredIn)
    def on_hardship_registered(self, event):
        data = event.data
        self._hardship_changed(data["person_ref"], data["category"], data["household_id"], "hardship_registered")

    @inbox_handler("assistance", "hardship.closed", schema=schemas.HardshipClosedIn)
    def on_hardship_closed(self, event):
        data = event.data
        self._hardship_changed(data["person_ref"], None, data.get("household_id"), "hardship_closed")
