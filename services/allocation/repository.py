"""Rows of allocation's tables: row ↔ domain value, the conditional status changes that guard
against races, and the draw's bulk statements (their PostgreSQL forms in services.common.pg)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from services.common import paging, pg
from services.common.errors import Conflict, NotFound

from . import models
from .domain import offers as offer_rules
from .domain import verify
from .domain.fit import FitPolicy
from .domain.ranking import PoolEntry
from .domain.stock import Unit, UnitStatus


def dumps(obj) -> str:
    """JSON as the tables store it: compact, non-ASCII kept."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def entry_from_row(row: models.PoolEntry) -> PoolEntry:
    return PoolEntry(row.application_id, row.person_ref, row.points_tenths, row.household_size,
                     row.programme, tuple(json.loads(row.preferences)),
                     frozenset(json.loads(row.priority_groups)), bool(row.needs_accessible))


def unit_from_row(row: models.Unit) -> Unit:
    return Unit(row.id, row.project_id, row.building, row.number, row.floor, row.rooms,
                row.area_tenths, row.beds, row.rent_fen, row.category, bool(row.accessible),
                UnitStatus(row.status))


def domain_offer(offer: models.Offer) -> offer_rules.Offer:
    status = {"open": offer_rules.OfferStatus.OFFERED}.get(offer.status) or offer_rules.OfferStatus(offer.status)
    return offer_rules.Offer(offer.application_id, offer.person_ref, offer.unit_id, offer.offered_on,
                             offer.respond_by, status, offer.answered_on)


def round_facts(row: models.Round) -> verify.RoundFacts:
    return verify.RoundFacts(row.id, row.programme, row.public_value_source, row.draw_date.isoformat())


def round_policy(row: models.Round) -> dict:
    """The round's frozen policy as its export writes it."""
    return verify.policy_json(FitPolicy.from_json(json.loads(row.fit_policy)),
                              [tuple(s) for s in json.loads(row.quota_seats)])


def round_inputs_digest(row: models.Round) -> str:
    """The round's ``inputs_digest`` (domain.verify), from what it stored when it opened: the
    value ``round.opened`` published (rounds opened before it existed get the same value, which
    their readers compare with round.opened's fit_policy, quota_seats and snapshot_digest)."""
    return verify.inputs_digest(round_facts(row), row.commitment, round_policy(row), row.snapshot_digest)


def page(session: Session, stmt, order_by, number: int, size: int) -> tuple[int, list]:
    """One page of ``stmt``'s rows in ``order_by`` order, and how many match in all: the one
    paging shape of every list (``{"total", "page", "page_size", "items"}``)."""
    return paging.select_page(session, stmt, order_by, number, size)


def project_of(session: Session, unit_id: str) -> str:
    return session.scalar(select(models.Unit.project_id).where(models.Unit.id == unit_id))


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
    """``UPDATE offers SET status=new WHERE id=… AND status=expected``; 0 rows → 409."""
    stmt = (update(models.Offer).where(models.Offer.id == offer_id, models.Offer.status == expected)
            .values(status=new, **values).execution_options(synchronize_session=False))
    if session.execute(stmt).rowcount != 1:
        current = session.scalar(select(models.Offer.status).where(models.Offer.id == offer_id))
        if current is None:
            raise NotFound(f"offer {offer_id} does not exist")
        raise Conflict(f"offer {offer_id} is {current}, not {expected}")


def lock_units(session: Session, unit_ids: Sequence[str], meanwhile: Callable[[], None] | None = None) -> None:
    """Lock the units of a draw (``FOR NO KEY UPDATE``) until its transaction ends, running
    ``meanwhile`` (CPU work that does not use the database) while PostgreSQL takes the
    locks. A status change racing the draw then waits for it instead of failing it at the
    end, and the foreign-key check of each offer finds its unit already locked by this
    transaction, which spares it a KEY SHARE lock of its own (49,000 offers: 0.44 s → 0.36 s
    of checks at the end of their COPY). SQLite has no row locks (writers are serialised)."""
    if pg.is_postgresql(session) and unit_ids:
        pg.execute_while(session, text("SELECT count(*) FROM (SELECT 1 FROM units WHERE id = ANY(CAST(:ids AS "
                                       "varchar[])) FOR NO KEY UPDATE) AS locked"),
                         {"ids": pg.text_array(unit_ids)}, meanwhile)
    elif meanwhile is not None:
        meanwhile()


def mark_units_offered(session: Session, unit_ids: Sequence[str], meanwhile: Callable[[], None] | None = None) -> int:
    """``UPDATE units SET status='offered', vacant_since=NULL WHERE status='vacant' AND id IN
    unit_ids``; returns how many rows changed (fewer than asked: some unit is not vacant any
    more). ``meanwhile`` (CPU work that does not use the database) runs while PostgreSQL
    executes the UPDATE, see services.common.pg.execute_while.

    On PostgreSQL the ids travel as one text[] literal (``id = ANY(...)``), and with the units
    table's fillfactor (HOT updates, see models.Unit) 49,000 units take 0.1 s (0.85 s as
    ``id IN (SELECT unit_id FROM offers ...)`` on full pages)."""
    if pg.is_postgresql(session) and unit_ids:
        return pg.execute_while(session, text("UPDATE units SET status = 'offered', vacant_since = NULL "
                                              "WHERE status = 'vacant' AND id = ANY(CAST(:ids AS varchar[]))"),
                                {"ids": pg.text_array(unit_ids)}, meanwhile).rowcount
    changed = 0
    for start in range(0, len(unit_ids), 500):
        changed += session.execute(
            update(models.Unit).where(models.Unit.status == "vacant",
                                      models.Unit.id.in_(unit_ids[start:start + 500]))
            .values(status="offered", vacant_since=None).execution_options(synchronize_session=False)).rowcount
    if meanwhile is not None:
        meanwhile()
    return changed
