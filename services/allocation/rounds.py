"""Allocation rounds (配租轮次): open (freeze pool, commit secret), draw (reveal, combine with
public values, rank + match via the domain, persist), export for `anju verify-round`.

`open_round` and `draw_round` are plain functions over a unit of work so the benchmark
(bench/allocation_draw_db.py) times exactly the code the endpoint runs.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from datetime import date

from nameko.timer import timer
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import undefer

from services.common import pg
from services.common.errors import BadRequest, Conflict, NotFound, Unprocessable
from services.common.events.contracts import utc_now
from services.common.http import api

from . import models, policy, schemas
from .domain import lottery
from .domain.fit import FitPolicy
from .domain.matching import gc_paused, iter_matches, quota_seats
from .domain.ranking import PoolEntry, pool_from_columns, rank
from .domain.stock import Unit, units_from_columns
from .domain.verify import SeedParts, export_round, results_to_json, snapshot_digest
from .persist import (
    dumps,
    lock_units,
    mark_units_offered,
    offered_event,
    promote,
    unit_from_row,
)

OFFICERS = ("district_officer", "city_officer")
READERS = (*OFFICERS, "auditor")
COMBINATION_RULE = ("final_seed = SHA-256(secret || 0x00 || UTF-8(JSON(public_values) with "
                    "separators (',', ':'), ensure_ascii=False)); tie-break key = "
                    "HMAC-SHA256(final_seed, application_id), smaller first among equal points")
ANNOUNCE_BATCH = 500

# Frozen snapshots are columnar JSON (one list per field; preference tokens and groups joined
# by U+001F, which no token may contain): ~3x faster to parse than a list of objects at
# 200,000 entries. The published export (domain.verify) is built from them, not this format.
SEP = "\x1f"
_UNIT_FIELDS = ("unit_id", "project_id", "building", "number", "floor", "rooms", "area_tenths", "beds",
                "rent_fen", "category", "accessible")


def _entries_json(entries: list[PoolEntry]) -> str:
    return dumps({"application_id": [e.application_id for e in entries],
                  "person_ref": [e.person_ref for e in entries],
                  "points_tenths": [e.points_tenths for e in entries],
                  "household_size": [e.household_size for e in entries],
                  "programme": [e.programme for e in entries],
                  "preferences": [SEP.join(e.preferences) for e in entries],
                  "priority_groups": [SEP.join(sorted(e.priority_groups)) for e in entries],
                  "needs_accessible": [int(e.needs_accessible) for e in entries]})


def _units_json(units: list[models.Unit]) -> str:
    return dumps({"unit_id": [u.id for u in units], "project_id": [u.project_id for u in units],
                  "building": [u.building for u in units], "number": [u.number for u in units],
                  "floor": [u.floor for u in units], "rooms": [u.rooms for u in units],
                  "area_tenths": [u.area_tenths for u in units], "beds": [u.beds for u in units],
                  "rent_fen": [u.rent_fen for u in units], "category": [u.category for u in units],
                  "accessible": [int(bool(u.accessible)) for u in units]})


def _split(values: list[str], kind):
    memo: dict = {}
    out = []
    for v in values:
        got = memo.get(v)
        if got is None:
            got = memo[v] = kind(v.split(SEP)) if v else kind()
        out.append(got)
    return out


def frozen_entries(round_: models.Round) -> list[PoolEntry]:
    return _entries_from(json.loads(round_.snapshot))


def _entries_from(c: dict) -> list[PoolEntry]:
    # Preferences are nearly all distinct (a memo would not pay); priority groups are not.
    prefs = [tuple(v.split(SEP)) if v else () for v in c["preferences"]]
    return pool_from_columns(c["application_id"], c["person_ref"], c["points_tenths"], c["household_size"],
                             c["programme"], prefs, _split(c["priority_groups"], frozenset),
                             list(map(bool, c["needs_accessible"])))


def frozen_units(round_: models.Round) -> list[Unit]:
    return _units_from(json.loads(round_.units_snapshot))


def _units_from(c: dict) -> list[Unit]:
    return units_from_columns(*(c[f] for f in _UNIT_FIELDS[:-1]), list(map(bool, c["accessible"])))


def frozen_unit_ids(units_snapshot: str) -> list[str]:
    return json.loads(units_snapshot)["unit_id"]


def open_round(uow, body: dict, fit: FitPolicy, on: date) -> models.Round:
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
    if body.get("unit_ids"):
        wanted = set(body["unit_ids"])
        units = session.scalars(q.where(models.Unit.id.in_(wanted))).all()
        missing = wanted - {u.id for u in units}
        if missing:
            raise BadRequest(f"unknown unit(s): {', '.join(sorted(missing)[:10])}",
                             errors={"unit_ids": sorted(missing)[:50]})
        not_vacant = [u.id for u in units if u.status != "vacant"]
        if not_vacant:
            raise Conflict(f"unit(s) not vacant: {', '.join(not_vacant[:10])}")
    else:
        projects = set(body["project_ids"])
        known = set(session.scalars(select(models.Project.id).where(models.Project.id.in_(projects))))
        if known != projects:
            raise BadRequest(f"unknown project(s): {', '.join(sorted(projects - known))}",
                             errors={"project_ids": sorted(projects - known)})
        units = session.scalars(q.where(models.Unit.project_id.in_(projects),
                                        models.Unit.status == "vacant")).all()
    if not units:
        raise Unprocessable("no vacant units to offer in this round")
    busy = set()
    for other in session.scalars(select(models.Round.units_snapshot).where(models.Round.status == "opened")):
        busy.update(frozen_unit_ids(other))
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
    snapshot = _entries_json(pool)
    units_snapshot = _units_json(units)
    secret = lottery.new_secret()
    seats = quota_seats(len(units), body["quotas"])
    round_ = models.Round(
        id=uuid.uuid4().hex, programme=programme, status="opened",
        quotas=dumps(list(body["quotas"].items())), quota_seats=dumps(seats),
        fit_policy=dumps(fit.to_json()), respond_days=body["respond_days"], secret_hex=secret.hex(),
        commitment=lottery.commitment(secret), public_value_source=body["public_value_source"],
        draw_date=body["draw_date"], pool_size=len(pool), unit_count=len(units), snapshot=snapshot,
        units_snapshot=units_snapshot,
        snapshot_digest=snapshot_digest(pool, [unit_from_row(u) for u in units]),
        opened_at=utc_now())
    session.add(round_)
    uow.publish("round.opened", {
        "round_id": round_.id, "programme": programme, "commitment": round_.commitment,
        "public_value_source": round_.public_value_source, "draw_date": round_.draw_date.isoformat(),
        "pool_size": round_.pool_size, "unit_count": round_.unit_count, "quotas": dict(body["quotas"]),
        "quota_seats": dict(seats), "fit_policy": fit.to_json(), "snapshot_digest": round_.snapshot_digest})
    return round_


def draw_round(uow, round_id: str, public_values: list[str], supplied_secret_hex: str | None,
               on: date, timings: dict | None = None) -> dict:
    """Reveal, rank, match and persist in ONE transaction. The first statement claims the
    round (``UPDATE rounds SET status='drawn' WHERE id=… AND status='opened'``), so of two
    concurrent draws exactly one proceeds; the other gets 409. The cyclic garbage collector
    is paused for the whole draw (~10^6 acyclic objects; see domain.matching.gc_paused).

    Python computes while PostgreSQL writes, each on its own core: the pool is parsed and
    ranked while the server locks the round's units; each offer goes into the offers' COPY
    as soon as it is matched; the results JSON and digest are computed while the server
    updates the units (at 200,000 applicants the three save ~0.35 s)."""
    with gc_paused():
        return _draw_round(uow, round_id, public_values, supplied_secret_hex, on, timings)


def _draw_round(uow, round_id, public_values, supplied_secret_hex, on, timings):
    t = timings if timings is not None else {}
    session = uow.session
    t0 = last = time.perf_counter()

    def lap(stage: str) -> None:  # the bench's breakdown (bench/allocation_draw_db.py)
        nonlocal last
        now = time.perf_counter()
        t[stage] = now - last
        last = now

    claimed = session.execute(update(models.Round).where(models.Round.id == round_id,
                                                         models.Round.status == "opened")
                              .values(status="drawn", drawn_at=utc_now())
                              .execution_options(synchronize_session=False)).rowcount
    lap("claim")
    round_ = session.get(models.Round, round_id,  # with the frozen pool and units (deferred elsewhere)
                         options=[undefer(models.Round.snapshot), undefer(models.Round.units_snapshot)])
    lap("read_row")
    if round_ is None:
        raise NotFound(f"round {round_id} does not exist")
    if claimed != 1:
        raise Conflict(f"round {round_id} is already drawn; a round is drawn once")
    if on < round_.draw_date:
        raise Unprocessable(f"the draw is announced for {round_.draw_date}; its public value "
                            f"({round_.public_value_source}) does not exist yet")
    secret = bytes.fromhex(round_.secret_hex)
    if supplied_secret_hex is not None:
        try:
            lottery.verify_reveal(bytes.fromhex(supplied_secret_hex), round_.commitment)
        except lottery.LotteryError as exc:
            raise Unprocessable(f"refused: {exc}", errors={"secret_hex": ["does not match the commitment"]}) from None
    lottery.verify_reveal(secret, round_.commitment)
    try:
        seed = lottery.final_seed(secret, public_values)
    except lottery.LotteryError as exc:
        raise BadRequest(str(exc), errors={"public_values": [str(exc)]}) from None
    units_columns = json.loads(round_.units_snapshot)
    seats = [tuple(s) for s in json.loads(round_.quota_seats)]
    fit = FitPolicy.from_json(json.loads(round_.fit_policy))
    lap("parse_units")
    snapshot = round_.snapshot  # loaded with the row: parse_and_rank must not use the database
    units: list[Unit] = []
    ranked: list[PoolEntry] = []

    def parse_and_rank() -> None:
        units[:] = _units_from(units_columns)
        entries = _entries_from(json.loads(snapshot))
        lap("parse")
        ranked[:] = rank(entries, seed)  # == domain.matching.allocate, split to time the stages
        lap("rank")

    lock_units(session, units_columns["unit_id"], meanwhile=parse_and_rank)
    lap("lock_units")  # what is left of the locking once the ranking is done
    # Applicants who left the pool after it was frozen keep their place in the published
    # computation but get no offer; their unit stays vacant for the waitlist.
    gone = set(session.scalars(select(models.PoolEntry.application_id).where(
        models.PoolEntry.programme == round_.programme, models.PoolEntry.status != "active")))
    respond_by = on.fromordinal(on.toordinal() + round_.respond_days)
    prefix = round_id[:16]
    offered_on, respond_by_text = on.isoformat(), respond_by.isoformat()
    lap("gone")
    matching = _Drained(iter_matches(ranked, units, seats, fit))
    lap("match_setup")
    # Each offer is written as soon as it is matched: the server inserts it (six indexes,
    # two foreign keys: ~0.8 s for 49,000 offers) while the rest of the ranking is served.
    # Offer ids carry the applicant's rank position, known at that moment.
    offer_rows = ((f"{prefix}-d{i:07d}", round_id, m.application_id, ranked[i].person_ref, m.unit_id,
                   str(m.preference_index), m.seat, "draw", "open", offered_on, respond_by_text)
                  for i, m in matching if m.application_id not in gone)
    t["match"] = t["match_setup"] + pg.insert_rows_streaming(
        session, models.Offer.__table__, ("id", "round_id", "application_id", "person_ref", "unit_id",
                                          "preference_index", "seat", "source", "status", "offered_on",
                                          "respond_by"), offer_rows)
    lap("match_and_offers_copy")
    result = matching.value
    published: dict[str, str] = {}

    def publishable() -> None:  # runs while the server updates the units
        t_json = time.perf_counter()
        results_json = published["results"] = dumps_canonical(results_to_json(result))
        published["digest"] = hashlib.sha256(results_json.encode()).hexdigest()
        published["waitlist"] = dumps(result.waitlist)
        t["results_json"] = time.perf_counter() - t_json

    # Every unit offered must still be vacant: another round's waitlist or an officer may
    # have taken one since the round opened (then the whole draw is undone).
    offered_units = [m.unit_id for m in result.matches if m.application_id not in gone]
    changed = mark_units_offered(session, offered_units, meanwhile=publishable)
    if changed != len(offered_units):
        raise Conflict(f"{len(offered_units) - changed} unit(s) of this round are no longer vacant; "
                       "restore them (PUT /units/<id>/status) and draw again")
    lap("units_update_and_results_json")
    for m in result.matches:
        if m.application_id in gone:  # its unit goes straight to the round's waitlist
            promote(uow, round_, m.unit_id, on, result.waitlist)
    digest = published["digest"]
    session.execute(update(models.Round).where(models.Round.id == round_id).values(
        public_values=dumps(public_values), seed_hex=seed.hex(), results=published["results"],
        results_digest=digest, waitlist=published["waitlist"], matched=len(result.matches),
        waitlisted=len(result.waitlist)).execution_options(synchronize_session=False))
    event = {"round_id": round_id, "programme": round_.programme, "commitment": round_.commitment,
             "secret_hex": round_.secret_hex, "public_values": list(public_values),
             "combination_rule": COMBINATION_RULE, "seed_hex": seed.hex(), "results_digest": digest,
             "matched": len(result.matches), "waitlisted": len(result.waitlist)}
    lap("round_row")
    uow.publish("round.drawn", event)
    lap("outbox")
    # Stages for the bench: match is the matching's own time (most of it inside the offers
    # COPY); persist is the rest of the draw after ranking: what the database adds.
    t["offers_copy"] = t["match_and_offers_copy"] + t["match_setup"] - t["match"]  # beyond the matching
    t.update(load=t["claim"] + t["read_row"] + t["parse_units"] + t["parse"] + t["lock_units"])
    t.update(persist=last - t0 - t["load"] - t["rank"] - t["match"])
    return {**event, "offers": len(offered_units)}


class _Drained:
    """Iterates a generator and keeps the value it returns (``iter_matches``' RoundResult)."""

    def __init__(self, gen):
        self.gen = gen
        self.value = None

    def __iter__(self):
        self.value = yield from self.gen


def dumps_canonical(obj) -> str:
    return lottery.canonical_json(obj).decode("utf-8")


def export(round_: models.Round) -> dict:
    if round_.status != "drawn":
        raise Conflict(f"round {round_.id} is not drawn yet; the export reveals the secret")
    from .domain.verify import results_from_json

    parts = SeedParts(bytes.fromhex(round_.secret_hex), round_.commitment,
                      tuple(json.loads(round_.public_values)))
    out = export_round(frozen_entries(round_), frozen_units(round_),
                       [tuple(s) for s in json.loads(round_.quota_seats)],
                       FitPolicy.from_json(json.loads(round_.fit_policy)), parts,
                       results_from_json(json.loads(round_.results)))
    out["snapshot_digest"] = round_.snapshot_digest  # as published in round.opened
    out["round_id"] = round_.id
    return out


def announce_pending(uow, limit: int = ANNOUNCE_BATCH) -> int:
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
                             .values(announced_at=utc_now()).execution_options(synchronize_session=False)).rowcount
    if marked != len(ids):
        raise Conflict("another worker is announcing these offers")
    uow.publish_many("allocation.offered", [offered_event(o, project_id) for o, project_id in rows])
    return len(rows)


def round_view(r: models.Round) -> dict:
    out = {"round_id": r.id, "programme": r.programme, "status": r.status, "commitment": r.commitment,
           "public_value_source": r.public_value_source, "draw_date": r.draw_date.isoformat(),
           "quotas": dict(json.loads(r.quotas)), "quota_seats": dict(json.loads(r.quota_seats)),
           "fit_policy": json.loads(r.fit_policy), "respond_days": r.respond_days, "pool_size": r.pool_size,
           "unit_count": r.unit_count, "snapshot_digest": r.snapshot_digest, "opened_at": r.opened_at}
    if r.status == "drawn":  # the secret is public only once drawn
        out.update(secret_hex=r.secret_hex, public_values=json.loads(r.public_values), seed_hex=r.seed_hex,
                   combination_rule=COMBINATION_RULE, results_digest=r.results_digest, matched=r.matched,
                   waitlisted=r.waitlisted, drawn_at=r.drawn_at)
    return out


class RoundsEndpoints:
    @api("POST", "/rounds", body=schemas.RoundIn, roles=OFFICERS, status=201,
         summary="Open a round: freeze the pool, commit to a secret (round.opened)")
    def open_round(self, req):
        with self.db.unit_of_work() as uow:
            round_ = open_round(uow, req.body, policy.fit_policy(self.config), policy.today())
            uow.commit()
        return round_view(round_)

    @api("POST", "/rounds/<round_id>/draw", body=schemas.DrawIn, roles=OFFICERS,
         summary="Draw: reveal the secret, combine with the public values, rank, match, offer")
    def draw_round(self, req):
        with self.db.unit_of_work() as uow:
            out = draw_round(uow, req.path["round_id"], req.body["public_values"],
                             req.body.get("secret_hex"), policy.today())
            uow.commit()
        return out

    @api("GET", "/rounds/<round_id>", roles=READERS, summary="A round (secret shown only once drawn)")
    def get_round(self, req):
        with self.db.read() as s:
            r = s.get(models.Round, req.path["round_id"])
            if r is None:
                raise NotFound(f"round {req.path['round_id']} does not exist")
            return round_view(r)

    @api("GET", "/rounds/<round_id>/export", roles=READERS,
         summary="Everything needed to recompute a drawn round (input of `anju verify-round`)")
    def export_round(self, req):
        with self.db.read() as s:
            r = s.get(models.Round, req.path["round_id"])
            if r is None:
                raise NotFound(f"round {req.path['round_id']} does not exist")
            return export(r)

    @api("GET", "/rounds/<round_id>/offers", roles=READERS, summary="Offers of a round")
    def round_offers(self, req):
        with self.db.read() as s:
            rows = s.scalars(select(models.Offer).where(models.Offer.round_id == req.path["round_id"])
                             .order_by(models.Offer.id)).all()
            return {"offers": [offer_view(o) for o in rows]}

    @timer(interval=1)
    def announce_offers(self):
        for _ in range(20):  # at most 10,000 per tick; the next tick continues
            with self.db.unit_of_work() as uow:
                if not announce_pending(uow):
                    return
                uow.commit()


def offer_view(o: models.Offer) -> dict:
    return {"offer_id": o.id, "round_id": o.round_id, "application_id": o.application_id,
            "person_ref": o.person_ref, "unit_id": o.unit_id, "status": o.status, "source": o.source,
            "seat": o.seat, "preference_index": o.preference_index, "offered_on": o.offered_on.isoformat(),
            "respond_by": o.respond_by.isoformat(),
            "answered_on": o.answered_on.isoformat() if o.answered_on else None}


def pending_announcements(session) -> int:
    return session.scalar(select(func.count()).select_from(models.Offer).where(models.Offer.announced_at.is_(None)))
