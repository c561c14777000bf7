"""Persistence helpers shared by the allocation endpoints: row ↔ domain conversion,
conditional status changes (the race guards), bulk writes and waitlist promotion."""

from __future__ import annotations

import csv
import io
import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import islice

from sqlalchemy import Table, exists, insert, select, text, update
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


def bulk_insert_streaming(session: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence[str]],
                          method: str | None = None) -> float:
    """:func:`bulk_insert` for rows still being computed, all values ``str`` (no NULLs): on
    PostgreSQL the COPY pulls ``rows`` a chunk at a time as it sends them, so the code
    producing them runs while the server inserts the earlier ones (on the other core).
    Returns the seconds spent producing and formatting rows; the rest of the call is the
    database."""
    if session.bind.dialect.name == "postgresql" and (method or BULK_METHOD) == "copy":
        feed = _TextFeed(rows, len(columns))
        raw = session.connection().connection.dbapi_connection
        _copy(raw, f'COPY {table.name} ({", ".join(columns)}) FROM STDIN', feed)
        return feed.busy
    t0 = time.perf_counter()
    rows = list(rows)
    busy = time.perf_counter() - t0
    # Other drivers bind typed values (SQLite's Date refuses a string): read the text back.
    casts = [_from_text(table.c[c]) for c in columns]
    rows = [tuple(v if cast is None else cast(v) for v, cast in zip(r, casts, strict=True)) for r in rows]
    bulk_insert(session, table, columns, rows, method)
    return busy


_FROM_TEXT = {int: int, date: date.fromisoformat}


def _from_text(column) -> Callable[[str], object] | None:
    try:
        return _FROM_TEXT.get(column.type.python_type)
    except NotImplementedError:  # a type that does not say: leave the text to the driver
        return None


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class _TextFeed:
    """The file-like source of a COPY FROM STDIN in text format (psycopg2 only calls
    ``read``): ``ROWS_PER_CHUNK`` rows per call, joined as they are; a chunk in which some
    value holds a tab, newline, CR or backslash (told by counting over the chunk) is joined
    again with those escaped."""

    ROWS_PER_CHUNK = 100  # ~13 KiB of offers: small enough for the server to start at once

    def __init__(self, rows: Iterable[Sequence[str]], width: int):
        self.rows = iter(rows)
        self.tabs = width - 1
        self.busy = 0.0

    def read(self, size: int = 0) -> str:  # psycopg2's size hint is not needed
        t0 = time.perf_counter()
        batch = list(islice(self.rows, self.ROWS_PER_CHUNK))
        join = "\t".join
        chunk = "\n".join(map(join, batch)) + "\n" if batch else ""
        if batch and (chunk.count("\t") != self.tabs * len(batch) or chunk.count("\n") != len(batch)
                      or "\\" in chunk or "\r" in chunk):
            chunk = "".join(join(v.translate(_ESCAPES) for v in row) + "\n" for row in batch)
        self.busy += time.perf_counter() - t0
        return chunk


def lock_units(session: Session, unit_ids: Sequence[str], meanwhile: Callable[[], None] | None = None) -> None:
    """Lock the units of a draw (``FOR NO KEY UPDATE``) until its transaction ends, running
    ``meanwhile`` (CPU work that does not use the database) while PostgreSQL takes the
    locks. A status change racing the draw then waits for it instead of failing it at the
    end, and the foreign-key check of each offer finds its unit already locked by this
    transaction, which spares it a KEY SHARE lock of its own (49,000 offers: 0.44 s → 0.36 s
    of checks at the end of their COPY). SQLite has no row locks (writers are serialised)."""
    if session.bind.dialect.name == "postgresql" and unit_ids:
        execute_while(session, text("SELECT count(*) FROM (SELECT 1 FROM units WHERE id = ANY(CAST(:ids AS "
                                    "varchar[])) FOR NO KEY UPDATE) AS locked"),
                      {"ids": pg_text_array(unit_ids)}, meanwhile)
    elif meanwhile is not None:
        meanwhile()


def mark_units_offered(session: Session, unit_ids: Sequence[str], meanwhile: Callable[[], None] | None = None) -> int:
    """``UPDATE units SET status='offered', vacant_since=NULL WHERE status='vacant' AND id IN
    unit_ids``; returns how many rows changed (fewer than asked: some unit is not vacant any
    more). ``meanwhile`` (CPU work that does not use the database) runs while PostgreSQL
    executes the UPDATE, see :func:`execute_while`.

    On PostgreSQL the ids travel as one text[] literal (``id = ANY(...)``), and with the units
    table's fillfactor (HOT updates, see models.Unit) 49,000 units take 0.1 s (0.85 s as
    ``id IN (SELECT unit_id FROM offers ...)`` on full pages)."""
    if session.bind.dialect.name == "postgresql" and unit_ids:
        return execute_while(session, text("UPDATE units SET status = 'offered', vacant_since = NULL "
                                           "WHERE status = 'vacant' AND id = ANY(CAST(:ids AS varchar[]))"),
                             {"ids": pg_text_array(unit_ids)}, meanwhile).rowcount
    changed = 0
    for start in range(0, len(unit_ids), 500):
        changed += session.execute(
            update(models.Unit).where(models.Unit.status == "vacant",
                                      models.Unit.id.in_(unit_ids[start:start + 500]))
            .values(status="offered", vacant_since=None).execution_options(synchronize_session=False)).rowcount
    if meanwhile is not None:
        meanwhile()
    return changed


def execute_while(session: Session, statement, params: dict, work: Callable[[], None] | None):
    """``session.execute(statement, params)`` on PostgreSQL, running ``work`` after the
    statement is sent and before its result is awaited, so both CPUs are busy. psycopg2 waits
    for results through the wait callback (psycogreen's, see services.common.db); it is
    wrapped for this one call. An exception from ``work`` is raised after the statement."""
    from psycopg2 import extensions

    previous = extensions.get_wait_callback()
    if work is None or previous is None:
        result = session.execute(statement, params)
        if work is not None:
            work()
        return result
    pending = [work]
    failed: list[BaseException] = []

    def wait(conn) -> None:
        if pending:
            try:
                pending.pop()()
            except BaseException as exc:  # noqa: BLE001 - raised below; here it would break the connection
                failed.append(exc)
        previous(conn)

    extensions.set_wait_callback(wait)
    try:
        result = session.execute(statement, params)
    finally:
        extensions.set_wait_callback(previous)
    if failed:
        raise failed[0]
    if pending:  # the statement needed no wait
        pending.pop()()
    return result


def pg_text_array(values: Sequence[str]) -> str:
    """A PostgreSQL array literal ``{"a","b"}`` sent as one parameter: parsed in one go by the
    server, unlike the ARRAY[...] constructor psycopg2 would build from a list."""
    if not values:
        return "{}"
    joined = '","'.join(values)
    if "\\" in joined or joined.count('"') != 2 * (len(values) - 1):
        joined = '","'.join(v.replace("\\", "\\\\").replace('"', '\\"') for v in values)
    return '{"' + joined + '"}'


def _copy(raw, sql: str, buf) -> None:
    """psycopg2 refuses COPY while a wait callback (psycogreen, for eventlet) is installed.
    The COPY runs with the callback removed and put back at once: it does not yield to the
    hub in between, so no other green thread can observe the gap (it blocks the process
    for the COPY's duration: ~1 s for a 200,000-applicant draw, whose matching runs inside
    it, see bulk_insert_streaming; the matching would not yield either)."""
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


WAITLIST_CHUNK = 500


def waitlist_of(session: Session, round_id: str) -> list[str]:
    """The round's 轮候 order (application ids, rank 1 first); empty before the draw."""
    stored = session.scalar(select(models.Round.waitlist).where(models.Round.id == round_id))
    return json.loads(stored) if stored else []


def _waitlist_entries(session: Session, round_id: str, on: date, suspended: set,
                      waitlist: Sequence[str] | None = None) -> Iterator[PoolEntry]:
    """Active, un-offered waitlisted applicants of a round in rank order: no live offer and
    no offer of this round. Looked up ``WAITLIST_CHUNK`` ids at a time, lazily, so the usual
    promotion (a fitting applicant near the top) reads one chunk. Suspended applicants are
    yielded and their ``person_ref`` added to ``suspended`` (domain.offers skips them)."""
    ids = waitlist_of(session, round_id) if waitlist is None else waitlist
    if not ids:
        return
    o, p = models.Offer, models.PoolEntry
    # One query for the whole round (~50,000 ids at most) instead of one per chunk.
    offered_here = set(session.scalars(select(o.application_id).where(o.round_id == round_id)))
    for start in range(0, len(ids), WAITLIST_CHUNK):
        chunk = [a for a in ids[start:start + WAITLIST_CHUNK] if a not in offered_here]
        if not chunk:
            continue
        rows = {row.application_id: row for row in session.scalars(
            select(p).where(p.application_id.in_(chunk), p.status == "active",
                            ~exists().where(o.application_id == p.application_id,
                                            o.status.in_(("open", "accepted")))))}
        for application_id in chunk:
            row = rows.get(application_id)
            if row is None:
                continue
            if offer_rules.is_suspended(row.suspended_until, on):
                suspended.add(row.person_ref)
            yield entry_from_row(row)


def promote(uow, round_: models.Round, unit_id: str, on: date,
            waitlist: Sequence[str] | None = None) -> models.Offer | None:
    """Offer a freed unit to the best waitlisted applicant of the round who fits
    (domain.offers.next_from_waitlist) and publish ``allocation.offered``; or leave it vacant.
    ``waitlist`` is the round's order when the caller has it (the draw, before the round
    row is written); otherwise it is read from the round."""
    session = uow.session
    unit = unit_from_row(session.get(models.Unit, unit_id))
    suspended: set[str] = set()
    found = offer_rules.next_from_waitlist(_waitlist_entries(session, round_.id, on, suspended, waitlist), unit,
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
