"""Allocation rounds (配租轮次): open (freeze pool, commit secret), draw (reveal, combine with
public values, rank + match via the domain, persist), export for `anju verify-round`, and the
announcement of drawn offers in batches.

The benchmark (bench/allocation_draw_db.py) calls `open_round` and `draw_round`, so it times
exactly the code the endpoints run; it passes a stopwatch (services.common.stopwatch) to see
the draw's stages.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date, datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session, undefer

from services.common import pg
from services.common.errors import BadRequest, Conflict, NotFound, Unprocessable
from services.common.stopwatch import NO_STOPWATCH

from . import models, repository, snapshots, waitlist
from .domain import lottery, verify
from .domain.fit import FitPolicy
from .domain.matching import gc_paused, iter_matches, quota_seats
from .domain.ranking import PoolEntry, rank
from .domain.stock import Unit
from .payloads import offered_event
from .repository import (
    dumps,
    lock_units,
    mark_units_offered,
    round_facts,
    round_inputs_digest,
    unit_from_row,
)

ANNOUNCE_BATCH = 500


def open_round(uow, now: datetime, on: date, body: dict, fit: FitPolicy) -> models.Round:
    """Freeze the pool and the units, commit to a fresh secret, publish ``round.opened``."""
    session = uow.session
    programme = body["programme"]
    if bool(body.get("unit_ids")) == bool(body.get("project_ids")):
        raise BadRequest("give exactly one of unit_ids or project_ids",
                         errors={"unit_ids": ["exactly one of unit_ids / project_ids"]})
    if body["draw_date"] < on:
        raise BadRequest("draw_date is in the past: the public value must not exist yet",
                         errors={"draw_date": ["must be today or later"]})
    if sum(body["quotas"].values()) > 100:
        raise BadRequest("quotas add up to more than 100 %", errors={"quotas": ["sum > 100"]})
    q = select(models.Unit).order_by(models.Unit.id)
    # Truly vacant: vacant, and held by no live offer and no active tenancy (a unit whose
    # status was wrongly changed by hand before that was refused must not be offered again).
    held = (exists().where(models.Offer.unit_id == models.Unit.id, models.Offer.status.in_(("open", "accepted")))
            | exists().where(models.Tenancy.unit_id == models.Unit.id, models.Tenancy.status == "active"))
    if body.get("unit_ids"):
        wanted = set(body["unit_ids"])
        units = session.scalars(q.where(models.Unit.id.in_(wanted))).all()
        missing = wanted - {u.id for u in units}
        if missing:
            raise BadRequest(f"unknown unit(s): {', '.join(sorted(missing)[:10])}",
                             errors={"unit_ids": sorted(missing)[:50]})
        not_vacant = [u.id for u in units if u.status != "vacant"]
        not_vacant += sorted(session.scalars(select(models.Unit.id).where(models.Unit.id.in_(wanted),
                                                                          models.Unit.status == "vacant", held)))
        if not_vacant:
            raise Conflict(f"unit(s) not vacant: {', '.join(not_vacant[:10])}")
    else:
        projects = set(body["project_ids"])
        known = set(session.scalars(select(models.Project.id).where(models.Project.id.in_(projects))))
        if known != projects:
            raise BadRequest(f"unknown project(s): {', '.join(sorted(projects - known))}",
                             errors={"project_ids": sorted(projects - known)})
        units = session.scalars(q.where(models.Unit.project_id.in_(projects),
                                        models.Unit.status == "vacant", ~held)).all()
    if not units:
        raise Unprocessable("no vacant units to offer in this round")
    busy = set()
    for other in session.scalars(select(models.Round.units_snapshot).where(models.Round.status == "opened")):
        busy.update(snapshots.frozen_unit_ids(other))
    clash = sorted(busy & {u.id for u in units})
    if clash:
        raise Conflict(f"unit(s) already on offer in another open round: {', '.join(clash[:10])}")

    o = models.Offer
    p = models.PoolEntry
    pool = [PoolEntry(a, r, pts, size, prog, tuple(json.loads(prefs)), frozenset(json.loads(groups)), bool(acc))
            for a, r, pts, size, prog, prefs, groups, acc in session.execute(
                select(p.application_id, p.person_ref, p.points_tenths, p.household_size, p.programme,
                       p.preferences, p.priority_groups, p.needs_accessible)
                .where(p.programme == programme, p.status == "active",
                       p.suspended_until.is_(None) | (p.suspended_until < on),
                       ~exists().where(o.application_id == p.application_id, o.status.in_(("open", "accepted"))))
                .order_by(p.application_id))]
    snapshot = snapshots.entries_json(pool)
    units_snapshot = snapshots.units_json(units)
    secret = lottery.new_secret()
    seats = quota_seats(len(units), body["quotas"])
    round_ = models.Round(
        id=uuid.uuid4().hex, programme=programme, status="opened",
        quotas=dumps(list(body["quotas"].items())), quota_seats=dumps(seats),
        fit_policy=dumps(fit.to_json()), respond_days=body["respond_days"], secret_hex=secret.hex(),
        commitment=lottery.commitment(secret), public_value_source=body["public_value_source"],
        draw_date=body["draw_date"], pool_size=len(pool), unit_count=len(units), snapshot=snapshot,
        units_snapshot=units_snapshot,
        snapshot_digest=verify.snapshot_digest(pool, [unit_from_row(u) for u in units]),
        opened_at=now)
    session.add(round_)
    uow.publish("round.opened", {
        "round_id": round_.id, "programme": programme, "commitment": round_.commitment,
        "public_value_source": round_.public_value_source, "draw_date": round_.draw_date.isoformat(),
        "pool_size": round_.pool_size, "unit_count": round_.unit_count, "quotas": dict(body["quotas"]),
        "quota_seats": dict(seats), "fit_policy": fit.to_json(), "snapshot_digest": round_.snapshot_digest,
        "inputs_digest": round_inputs_digest(round_)})
    return round_


def public_export_path(round_id: str) -> str:
    """Where anyone fetches a drawn round's export, without a token (``round.drawn`` says it)."""
    return f"/public/rounds/{round_id}/export"


def draw_round(uow, now: datetime, on: date, round_id: str, public_values: list[str],
               supplied_secret_hex: str | None, watch=NO_STOPWATCH) -> dict:
    """Reveal, rank, match and persist in ONE transaction. The first statement claims the
    round (``UPDATE rounds SET status='drawn' WHERE id=… AND status='opened'``), so of two
    concurrent draws exactly one proceeds; the other gets 409. The cyclic garbage collector
    is paused for the whole draw (~10^6 acyclic objects; see domain.matching.gc_paused).

    Python computes while PostgreSQL writes, each on its own core: the pool is parsed and
    ranked while the server locks the round's units; each offer goes into the offers' COPY
    as soon as it is matched; the results JSON and digest are computed while the server
    updates the units (at 200,000 applicants the three save ~0.35 s).

    ``watch`` times the stages for the benchmark: claim, read_row, parse_units, parse, rank,
    lock_units (the wait left once the ranking is done), gone, match_setup, offer_rows (the
    matching and the rows it makes, inside the COPY), match_and_offers_copy, results_json
    (inside the units UPDATE), units_update, round_row, outbox."""
    with gc_paused():
        return _draw_round(uow, now, on, round_id, public_values, supplied_secret_hex, watch)


def _draw_round(uow, now, on, round_id, public_values, supplied_secret_hex, watch):
    session = uow.session
    claimed = session.execute(update(models.Round).where(models.Round.id == round_id,
                                                         models.Round.status == "opened")
                              .values(status="drawn", drawn_at=now)
                              .execution_options(synchronize_session=False)).rowcount
    watch.lap("claim")
    round_ = session.get(models.Round, round_id,  # with the frozen pool and units (deferred elsewhere)
                         options=[undefer(models.Round.snapshot), undefer(models.Round.units_snapshot)])
    watch.lap("read_row")
    if round_ is None:
        raise NotFound(f"round {round_id} does not exist")
    if claimed != 1:
        raise Conflict(f"round {round_id} is already drawn; a round is drawn once")
    if on < round_.draw_date:
        raise Unprocessable(f"the draw is announced for {round_.draw_date}; its public value "
                            f"({round_.public_value_source}) does not exist yet")
    secret = bytes.fromhex(round_.secret_hex)
    if supplied_secret_hex is not None:
        lottery.verify_reveal(bytes.fromhex(supplied_secret_hex), round_.commitment)
    lottery.verify_reveal(secret, round_.commitment)
    seed = lottery.final_seed(secret, public_values)
    units_columns = json.loads(round_.units_snapshot)
    seats = [tuple(s) for s in json.loads(round_.quota_seats)]
    fit = FitPolicy.from_json(json.loads(round_.fit_policy))
    watch.lap("parse_units")
    snapshot = round_.snapshot  # loaded with the row: parse_and_rank must not use the database
    units: list[Unit] = []
    ranked: list[PoolEntry] = []

    def parse_and_rank() -> None:
        units[:] = snapshots.units_from(units_columns)
        entries = snapshots.entries_from(json.loads(snapshot))
        watch.lap("parse")
        ranked[:] = rank(entries, seed)  # == domain.matching.allocate, split to time the stages
        watch.lap("rank")

    lock_units(session, units_columns["unit_id"], meanwhile=parse_and_rank)
    watch.lap("lock_units")  # what is left of the locking once the ranking is done
    # Applicants who left the pool after it was frozen keep their place in the published
    # computation but get no offer; their unit stays vacant for the waitlist.
    gone = set(session.scalars(select(models.PoolEntry.application_id).where(
        models.PoolEntry.programme == round_.programme, models.PoolEntry.status != "active")))
    respond_by = on.fromordinal(on.toordinal() + round_.respond_days)
    prefix = round_id[:16]
    offered_on, respond_by_text = on.isoformat(), respond_by.isoformat()
    watch.lap("gone")
    matching = _Drained(iter_matches(ranked, units, seats, fit))
    watch.lap("match_setup")
    # Each offer is written as soon as it is matched: the server inserts it (six indexes,
    # two foreign keys: ~0.8 s for 49,000 offers) while the rest of the ranking is served.
    # Offer ids carry the applicant's rank position, known at that moment.
    offer_rows = ((f"{prefix}-d{i:07d}", round_id, m.application_id, ranked[i].person_ref, m.unit_id,
                   str(m.preference_index), m.seat, "draw", "open", offered_on, respond_by_text)
                  for i, m in matching if m.application_id not in gone)
    watch.add("offer_rows", pg.insert_rows_streaming(
        session, models.Offer.__table__, ("id", "round_id", "application_id", "person_ref", "unit_id",
                                          "preference_index", "seat", "source", "status", "offered_on",
                                          "respond_by"), offer_rows))
    watch.lap("match_and_offers_copy")
    result = matching.value
    published: dict[str, str] = {}

    def publishable() -> None:  # runs while the server updates the units
        watch.lap("units_update")
        results_json = published["results"] = _canonical(verify.results_to_json(result))
        published["digest"] = hashlib.sha256(results_json.encode()).hexdigest()
        published["waitlist"] = dumps(result.waitlist)
        watch.lap("results_json")

    # Every unit offered must still be vacant: another round's waitlist or an officer may
    # have taken one since the round opened (then the whole draw is undone).
    offered_units = [m.unit_id for m in result.matches if m.application_id not in gone]
    changed = mark_units_offered(session, offered_units, meanwhile=publishable)
    if changed != len(offered_units):
        n = len(offered_units) - changed
        raise Conflict(f"{n} {'unit' if n == 1 else 'units'} of this round {'is' if n == 1 else 'are'} no longer "
                       "vacant (taken since the round opened); nothing was drawn: draw again once they are vacant")
    watch.lap("units_update")
    for m in result.matches:
        if m.application_id in gone:  # its unit goes straight to the round's waitlist
            waitlist.promote(uow, now, on, round_, m.unit_id, result.waitlist)
    digest = published["digest"]
    session.execute(update(models.Round).where(models.Round.id == round_id).values(
        public_values=dumps(public_values), seed_hex=seed.hex(), results=published["results"],
        results_digest=digest, waitlist=published["waitlist"], matched=len(result.matches),
        waitlisted=len(result.waitlist)).execution_options(synchronize_session=False))
    event = {"round_id": round_id, "programme": round_.programme, "commitment": round_.commitment,
             "secret_hex": round_.secret_hex, "public_values": list(public_values),
             "combination_rule": lottery.COMBINATION_RULE, "seed_hex": seed.hex(), "results_digest": digest,
             "matched": len(result.matches), "waitlisted": len(result.waitlist),
             "public_export_path": public_export_path(round_id)}
    watch.lap("round_row")
    uow.publish("round.drawn", event)
    watch.lap("outbox")
    return {**event, "offers": len(offered_units)}


class _Drained:
    """Iterates a generator and keeps the value it returns (``iter_matches``' RoundResult)."""

    def __init__(self, gen):
        self.gen = gen
        self.value = None

    def __iter__(self):
        self.value = yield from self.gen


def _canonical(obj) -> str:
    return lottery.canonical_json(obj).decode("utf-8")


def get_round(session: Session, round_id: str) -> models.Round:
    r = session.get(models.Round, round_id)
    if r is None:
        raise NotFound(f"round {round_id} does not exist")
    return r


def export_round(session: Session, round_id: str) -> dict:
    """Everything needed to recompute a drawn round (the input of `anju verify-round`), with
    the digests as published: snapshot_digest and inputs_digest in round.opened."""
    round_ = get_round(session, round_id)
    if round_.status != "drawn":
        raise Conflict(f"round {round_.id} is not drawn yet; the export reveals the secret")
    return _export(round_)


def public_export(session: Session, round_id: str) -> dict:
    """The export anyone may fetch: the same document (it names people by application_id and
    person_ref only), published once the round is drawn and not before (it holds the secret)."""
    round_ = session.get(models.Round, round_id)
    if round_ is None or round_.status != "drawn":
        raise NotFound(f"round {round_id} has no public export: a round's export is published when it is drawn")
    return _export(round_)


def _export(round_: models.Round) -> dict:
    parts = verify.SeedParts(bytes.fromhex(round_.secret_hex), round_.commitment,
                             tuple(json.loads(round_.public_values)))
    out = verify.export_round(snapshots.frozen_entries(round_), snapshots.frozen_units(round_),
                              [tuple(s) for s in json.loads(round_.quota_seats)],
                              FitPolicy.from_json(json.loads(round_.fit_policy)), parts,
                              verify.results_from_json(json.loads(round_.results)), round_facts(round_))
    out["snapshot_digest"] = round_.snapshot_digest  # as published in round.opened
    out["inputs_digest"] = round_inputs_digest(round_)
    return out


def rounds_page(session: Session, q: dict) -> tuple[int, list[models.Round]]:
    """Rounds, latest opened first, by status and programme."""
    r = models.Round
    stmt = select(r)
    for name in ("status", "programme"):
        if q.get(name):
            stmt = stmt.where(getattr(r, name) == q[name])
    return repository.page(session, stmt, (r.opened_at.desc(), r.id), q["page"], q["page_size"])


def offers_of(session: Session, round_id: str) -> list[models.Offer]:
    return list(session.scalars(select(models.Offer).where(models.Offer.round_id == round_id)
                                .order_by(models.Offer.id)))


def announce_pending(uow, now: datetime, limit: int = ANNOUNCE_BATCH) -> int:
    """Write ``allocation.offered`` for up to ``limit`` drawn offers not yet announced, in the
    same transaction that marks them announced (a 50,000-offer draw is announced in batches
    after it commits, instead of inside the draw's transaction)."""
    session = uow.session
    rows = session.execute(
        select(models.Offer, models.Unit.project_id).join(models.Unit, models.Unit.id == models.Offer.unit_id)
        .where(models.Offer.announced_at.is_(None)).order_by(models.Offer.round_id, models.Offer.id)
        .limit(limit)).all()
    if not rows:
        return 0
    ids = [o.id for o, _ in rows]
    marked = session.execute(update(models.Offer).where(models.Offer.id.in_(ids),
                                                        models.Offer.announced_at.is_(None))
                             .values(announced_at=now).execution_options(synchronize_session=False)).rowcount
    if marked != len(ids):
        raise Conflict("another worker is announcing these offers")
    uow.publish_many("allocation.offered", [offered_event(o, project_id) for o, project_id in rows])
    return len(rows)


def pending_announcements(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(models.Offer).where(models.Offer.announced_at.is_(None)))
