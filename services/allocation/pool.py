"""The pool (轮候库): a read model of approved applications, fed by applications' events.

Each event type has its own queue, so events of one application can arrive in any order.
The rules that make the final pool the same whatever the order (and however often an event
is redelivered):

* Withdrawal (撤回) and revocation (退出) are terminal in applications' lifecycle and an
  approval never follows either, so a departure is recorded (``pool_departures``) even when
  the approval has not arrived; a late approval then enters the pool already departed, and
  an approval never brings a departed, housed or otherwise non-active entry back to active.
* Revocation outranks withdrawal (it also puts an active tenancy on notice): a withdrawal
  never overwrites ``revoked``; a revocation overwrites ``withdrawn``.
* Points and priority groups are the newest statement of them (``domain/readings.py``): the
  approval's, or a later ``application.points_changed``'s by its occurred_at. A change that
  overtook its approval is kept (``pool_early_points``) and applied when the approval
  arrives; a change or approval older than the entry's points leaves them as they are.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import models, offers
from .domain.ranking import PoolEntry
from .domain.readings import PointsReading, latest
from .repository import dumps


def add_approved(uow, now: datetime, approved: dict) -> None:
    """``application.approved``: the application enters the pool (or is updated in it), with
    the newest points known: its own, an entry's newer ones, or a change that overtook it."""
    d = approved
    # The domain refuses duplicate preferences etc.; a broken event goes to the DLQ.
    PoolEntry(d["application_id"], d["person_ref"], d["points_tenths"], d["household_size"],
              d["programme"], tuple(d["preferences"]), frozenset(d["priority_groups"]),
              d["needs_accessible"])
    existing = uow.session.get(models.PoolEntry, d["application_id"])
    early = uow.session.get(models.PoolEarlyPoints, d["application_id"])
    own = PointsReading(d["approved_at"], False, int(d["breakdown"].get("policy_version", 0)), d["points_tenths"],
                        tuple(sorted(set(d["priority_groups"]))))
    points = latest(own, _reading_of_entry(existing), _reading_of_early(early))
    row = existing or models.PoolEntry(application_id=d["application_id"], declines=0, suspended_until=None)
    row.person_ref = d["person_ref"]
    row.programme = d["programme"]
    row.district = d["district"]
    _set_points(row, points)
    row.breakdown = dumps(d["breakdown"])
    row.household_size = d["household_size"]
    row.preferences = dumps(list(d["preferences"]))
    row.needs_accessible = d["needs_accessible"]
    row.status = _status_on_approval(uow, d["application_id"], existing.status if existing else None)
    row.approved_at = d["approved_at"]
    row.updated_at = now
    uow.session.add(row)
    if early is not None:
        uow.session.delete(early)  # the entry holds it now (or something newer)


def _reading_of_entry(row: models.PoolEntry | None) -> PointsReading | None:
    if row is None:
        return None
    # an entry from before migration 0006 has no stamp: its points are as of the approval at the
    # latest (a change after them is newer either way), and approved_at is never later than that
    return PointsReading(row.points_as_of or row.approved_at, bool(row.points_from_change), row.points_policy_version,
                         row.points_tenths, tuple(json.loads(row.priority_groups)))


def _reading_of_early(row: models.PoolEarlyPoints | None) -> PointsReading | None:
    if row is None:
        return None
    return PointsReading(row.as_of, True, row.policy_version, row.points_tenths, tuple(json.loads(row.priority_groups)))


def _set_points(row: models.PoolEntry, points: PointsReading) -> None:
    row.points_tenths = points.points_tenths
    row.priority_groups = dumps(list(points.priority_groups))
    row.points_policy_version = points.policy_version
    row.points_as_of = points.as_of
    row.points_from_change = points.from_change


def _status_on_approval(uow, application_id: str, current: str | None) -> str:
    """The status an approval leaves: ``active``, unless the application already left (its
    departure may have overtaken this approval) or was housed."""
    if current is not None and current != "active":
        return current
    departure = uow.session.get(models.PoolDeparture, application_id)
    return departure.status if departure is not None else "active"


def _record_departure(uow, now: datetime, on: date, application_id: str, status: str) -> None:
    """Keep the departure (revoked outranks withdrawn), whether or not the entry is here yet."""
    row = uow.session.get(models.PoolDeparture, application_id)
    if row is None:
        uow.session.add(models.PoolDeparture(application_id=application_id, status=status, departed_on=on,
                                             recorded_at=now))
    elif status == "revoked" and row.status != "revoked":
        row.status, row.departed_on, row.recorded_at = status, on, now


def change_points(uow, now: datetime, occurred_at: datetime, policy_version: int, changes: list[dict]) -> None:
    """Batched point changes stated at ``occurred_at`` (the event's): each replaces an entry's
    points only if newer than what it holds; a change for an application not approved here yet
    waits in ``pool_early_points`` for its approval. (The breakdown kept is the one from
    approval; ``points_policy_version`` says which policy the points follow now.)"""
    for change in changes:
        application_id = change["application_id"]
        stated = PointsReading(occurred_at, True, policy_version, change["points_tenths"],
                               tuple(sorted(set(change["priority_groups"]))))
        row = uow.session.get(models.PoolEntry, application_id)
        if row is not None:
            if latest(_reading_of_entry(row), stated) is stated:
                _set_points(row, stated)
                row.updated_at = now
            continue
        early = uow.session.get(models.PoolEarlyPoints, application_id)
        if early is None:
            early = models.PoolEarlyPoints(application_id=application_id)
            uow.session.add(early)
        elif latest(_reading_of_early(early), stated) is not stated:
            continue
        early.points_tenths = stated.points_tenths
        early.priority_groups = dumps(list(stated.priority_groups))
        early.policy_version = stated.policy_version
        early.as_of = stated.as_of
        early.recorded_at = now


def revoke(uow, now: datetime, on: date, application_id: str, notice_days: int) -> None:
    """Eligibility revoked on ``on``: leave the pool; live offers lapse; an active tenancy
    gets a scheduled end ``notice_days`` later (ended by POST
    /admin/tenancies/process-notices or the daily timer)."""
    _record_departure(uow, now, on, application_id, "revoked")
    row = uow.session.get(models.PoolEntry, application_id)
    if row is not None:
        row.status = "revoked"
        row.updated_at = now
    offers.withdraw_live_offers(uow, now, on, application_id)
    notice_end = on + timedelta(days=notice_days)
    for tenancy in uow.session.scalars(select(models.Tenancy).where(
            models.Tenancy.application_id == application_id, models.Tenancy.status == "active")):
        if tenancy.notice_end_on is None or tenancy.notice_end_on > notice_end:
            tenancy.notice_end_on = notice_end


def withdraw(uow, now: datetime, on: date, application_id: str) -> None:
    """The application was withdrawn on ``on``: an active entry leaves; live offers lapse."""
    _record_departure(uow, now, on, application_id, "withdrawn")
    row = uow.session.get(models.PoolEntry, application_id)
    if row is not None and row.status == "active":
        row.status = "withdrawn"
        row.updated_at = now
    offers.withdraw_live_offers(uow, now, on, application_id)


def page(session: Session, programme: str | None, status: str | None, number: int,
         size: int) -> tuple[int, list[models.PoolEntry]]:
    """One page of the pool by points (highest first), and how many entries match in all."""
    stmt = select(models.PoolEntry)
    if programme:
        stmt = stmt.where(models.PoolEntry.programme == programme)
    if status:
        stmt = stmt.where(models.PoolEntry.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(models.PoolEntry.points_tenths.desc(), models.PoolEntry.application_id)
                           .offset((number - 1) * size).limit(size)).all()
    return total, list(rows)
