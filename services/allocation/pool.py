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
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import models, offers
from .domain.ranking import PoolEntry
from .repository import dumps


def add_approved(uow, now: datetime, approved: dict) -> None:
    """``application.approved``: the application enters the pool (or is updated in it)."""
    d = approved
    # The domain refuses duplicate preferences etc.; a broken event goes to the DLQ.
    PoolEntry(d["application_id"], d["person_ref"], d["points_tenths"], d["household_size"],
              d["programme"], tuple(d["preferences"]), frozenset(d["priority_groups"]),
              d["needs_accessible"])
    existing = uow.session.get(models.PoolEntry, d["application_id"])
    row = existing or models.PoolEntry(application_id=d["application_id"], declines=0, suspended_until=None)
    row.person_ref = d["person_ref"]
    row.programme = d["programme"]
    row.district = d["district"]
    row.points_tenths = d["points_tenths"]
    row.points_policy_version = int(d["breakdown"].get("policy_version", 0))
    row.breakdown = dumps(d["breakdown"])
    row.household_size = d["household_size"]
    row.preferences = dumps(list(d["preferences"]))
    row.priority_groups = dumps(sorted(set(d["priority_groups"])))
    row.needs_accessible = d["needs_accessible"]
    row.status = _status_on_approval(uow, d["application_id"], existing.status if existing else None)
    row.approved_at = d["approved_at"]
    row.updated_at = now
    uow.session.add(row)


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


def change_points(uow, now: datetime, policy_version: int, changes: list[dict]) -> None:
    """Batched point changes; applications not in the pool are ignored. (The breakdown kept
    is the one from approval; ``points_policy_version`` says which policy the points follow
    now.)"""
    for change in changes:
        row = uow.session.get(models.PoolEntry, change["application_id"])
        if row is None:
            continue
        row.points_tenths = change["points_tenths"]
        row.priority_groups = dumps(sorted(set(change["priority_groups"])))
        row.points_policy_version = policy_version
        row.updated_at = now


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
