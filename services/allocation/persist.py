"""Persistence helpers shared by the allocation endpoints: row ↔ domain conversion,
conditional status changes (the race guards), bulk writes and waitlist promotion."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from sqlalchemy import Table, and_, exists, insert, select, update
from sqlalchemy.orm import Session

from services.common.errors import Conflict, NotFound
from services.common.events.contracts import utc_now

from . import models
from .domain import offers as offer_rules
from .domain.fit import FitPolicy
from .domain.ranking import PoolEntry
from .domain.stock import Unit, UnitStatus


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def entry_from_row(row: models.PoolEntry) -> PoolEntry:
    return PoolEntry(row.application_id, row.person_ref, row.points_tenths, row.household_size,
                     row.programme, tuple(json.loads(row.preferences)),
                     frozenset(json.loads(row.priority_groups)), bool(row.needs_accessible))


def unit_from_row(row: models.Unit) -> Unit:
    return Unit(row.id, row.project_id, row.building, row.number, row.floor, row.rooms,
                row.area_tenths, row.beds, row.rent_fen, row.category, bool(row.accessible),
                UnitStatus(row.status))


def set_unit_status(session: Session, unit_id: str, expected: Sequence[str], new: str, **values) -> None:
    """``UPDATE units SET status=new WHERE id=… AND status IN expected``; 0 rows → 409."""
    stmt = (update(models.Unit).where(models.Unit.id == unit_id, models.Unit.status.in_(expected))
            .values(status=new, **values).execution_options(synchronize_session=False))
    if session.execute(stmt).rowcount != 1:
        current = session.scalar(select(models.Unit.status).where(models.Unit.id == unit_id))
        if current is None:
            raise NotFound(f"unit {unit_id} does not exist")
        raise Conflict(f"unit {unit_id} is {current}; expected {' or '.join(expected)}")


def set_offer_status(session: Session, offer_id: str, expected: str, new: str, **values) -> None:
    stmt = (update(models.Offer).where(models.Offer.id == offer_id, models.Offer.status == expected)
            .values(status=new, **values).execution_options(synchronize_session=False))
    if session.execute(stmt).rowcount != 1:
        current = session.scalar(select(models.Offer.status).where(models.Offer.id == offer_id))
        if current is None:
            raise NotFound(f"offer {offer_id} does not exist")
        raise Conflict(f"offer {offer_id} is {current}, not {expected}")


BULK_METHOD = "copy"  # "copy" (PostgreSQL COPY) or "values" (SQLAlchemy insertmanyvalues)


def bulk_insert(session: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence],
                method: str | None = None) -> None:
    """Insert many rows in the session's transaction: COPY on PostgreSQL (by default),
    executemany (insertmanyvalues) otherwise. Values: str/int/bool/date or None (NULL)."""
    rows = list(rows)
    if not rows:  # an insert with no parameter sets would write one row of defaults
        return
    if session.bind.dialect.name == "postgresql" and (method or BULK_METHOD) == "copy":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        buf.seek(0)
        raw = session.connection().connection.dbapi_connection
        _copy(raw, f'COPY {table.name} ({", ".join(columns)}) FROM STDIN WITH (FORMAT csv)', buf)
        return
    session.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in rows])


def _copy(raw, sql: str, buf) -> None:
    """psycopg2 refuses COPY while a wait callback (psycogreen, for eventlet) is installed.
    The COPY runs with the callback removed and put back at once: it does not yield to the
    hub in between, so no other green thread can observe the gap (it blocks the process
    for the COPY's duration, ~0.1 s per 100k rows)."""
    from psycopg2 import extensions

    callback = extensions.get_wait_callback()
    extensions.set_wait_callback(None)
    try:
        with raw.cursor() as cur:
            cur.copy_expert(sql, buf)
    finally:
        extensions.set_wait_callback(callback)


def offer_event(offer: models.Offer, project_id: str) -> dict:
    return {"offer_id": offer.id, "round_id": offer.round_id, "application_id": offer.application_id,
            "person_ref": offer.person_ref, "unit_id": offer.unit_id, "project_id": project_id}


def offered_event(offer: models.Offer, project_id: str) -> dict:
    return {**offer_event(offer, project_id), "respond_by": offer.respond_by.isoformat(),
            "source": offer.source, "preference_index": offer.preference_index, "seat": offer.seat}


def project_of(session: Session, unit_id: str) -> str:
    return session.scalar(select(models.Unit.project_id).where(models.Unit.id == unit_id))


def _waitlist_entries(session: Session, round_id: str, on: date, suspended: set) -> Iterator[PoolEntry]:
    """Active, un-offered waitlisted applicants of a round in rank order (streamed)."""
    o = models.Offer
    stmt = (select(models.PoolEntry)
            .join(models.WaitlistEntry, models.WaitlistEntry.application_id == models.PoolEntry.application_id)
            .where(models.WaitlistEntry.round_id == round_id, models.PoolEntry.status == "active",
                   ~exists().where(and_(o.application_id == models.PoolEntry.application_id,
                                        (o.round_id == round_id) | o.status.in_(("open", "accepted")))))
            .order_by(models.WaitlistEntry.rank)
            .execution_options(yield_per=200))
    for row in session.scalars(stmt):
        if offer_rules.is_suspended(row.suspended_until, on):
            suspended.add(row.person_ref)
        yield entry_from_row(row)


def promote(uow, round_: models.Round, unit_id: str, on: date) -> models.Offer | None:
    """Offer a freed unit to the best waitlisted applicant of the round who fits
    (domain.offers.next_from_waitlist) and publish ``allocation.offered``; or leave it vacant."""
    session = uow.session
    unit = unit_from_row(session.get(models.Unit, unit_id))
    suspended: set[str] = set()
    found = offer_rules.next_from_waitlist(_waitlist_entries(session, round_.id, on, suspended), unit,
                                           FitPolicy.from_json(json.loads(round_.fit_policy)), suspended)
    if found is None:
        return None
    entry, pref = found
    made = offer_rules.make_offer(entry.application_id, entry.person_ref, unit_id, on, round_.respond_days)
    set_unit_status(session, unit_id, ["vacant"], "offered", vacant_since=None)
    offer = models.Offer(id=str(uuid.uuid4()), round_id=round_.id, application_id=entry.application_id,
                         person_ref=entry.person_ref, unit_id=unit_id, preference_index=pref,
                         seat="general", source="waitlist", status="open", offered_on=made.offered_on,
                         respond_by=made.respond_by, announced_at=utc_now())
    session.add(offer)
    session.flush()
    uow.publish("allocation.offered", offered_event(offer, unit.project_id))
    return offer


def domain_offer(offer: models.Offer) -> offer_rules.Offer:
    status = {"open": offer_rules.OfferStatus.OFFERED}.get(offer.status) or offer_rules.OfferStatus(offer.status)
    return offer_rules.Offer(offer.application_id, offer.person_ref, offer.unit_id, offer.offered_on,
                             offer.respond_by, status, offer.answered_on)
