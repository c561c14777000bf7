"""Canonical export of a 配租 round and independent re-computation (公开、公平、公正).

An export holds everything needed to redo the draw: the pool snapshot, the units on offer,
the fit policy and quotas, the lottery secret with its commitment and public values, and
the published results. It contains only dicts, lists, strings and ints (booleans as 0/1),
so its canonical JSON (``lottery.canonical_json``: sorted keys, no whitespace, UTF-8) is
byte-stable across languages. People appear in it as ``application_id`` and ``person_ref``
(a keyed hash) only: no name, ID number, phone or income.

Every value that can change the result is bound by a digest published before the draw:

- ``snapshot_digest`` (in ``round.opened``) = SHA-256 of ``canonical_json({"pool": [...],
  "units": [...]})``, both lists exactly as the export writes them;
- ``inputs_digest`` (in ``round.opened``) = SHA-256 of ``canonical_json({"round_id",
  "programme", "commitment", "public_value_source", "draw_date", "policy", "snapshot_digest"})``
  — the round id, the commitment, every policy field (fit rules, categories, quota seats) and,
  through ``snapshot_digest``, the pool and the units;
- ``commitment`` (in ``round.opened``) = SHA-256 of the secret revealed at the draw;
- the final seed (``seed_hex`` in ``round.drawn``) from the secret and the public values;
- ``results_digest`` (in ``round.drawn``) = SHA-256 of ``canonical_json(results_to_json(result))``.

:func:`verify` refuses an export that lacks any of them (a missing digest is a failure, not
a skip) and reports each value it checked, for comparison with the published events.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .fit import FitPolicy
from .lottery import LotteryError, canonical_json, commitment, final_seed, verify_reveal
from .matching import Match, RoundResult, allocate, normalise_quotas
from .ranking import PoolEntry
from .stock import Unit, UnitStatus

FORMAT = "anju.allocation.round/2"
OLD_FORMATS = ("anju.allocation.round/1",)  # exports that did not bind the policy and round id


@dataclass(frozen=True)
class SeedParts:
    """What the draw meeting publishes: the revealed secret, its earlier commitment and the
    public values, in order."""

    secret: bytes
    commitment: str
    public_values: tuple[str, ...]

    def seed(self) -> bytes:
        verify_reveal(self.secret, self.commitment)
        return final_seed(self.secret, self.public_values)


# --- JSON mapping (ints/strings only) --------------------------------------------------

def entry_to_json(e: PoolEntry) -> dict:
    return {
        "application_id": e.application_id,
        "person_ref": e.person_ref,
        "points_tenths": e.points_tenths,
        "household_size": e.household_size,
        "programme": e.programme,
        "preferences": list(e.preferences),
        "priority_groups": sorted(e.priority_groups),
        "needs_accessible": int(bool(e.needs_accessible)),
    }


def entry_from_json(d: Mapping) -> PoolEntry:
    return PoolEntry(
        application_id=_s(d, "application_id"),
        person_ref=_s(d, "person_ref"),
        points_tenths=_i(d, "points_tenths"),
        household_size=_i(d, "household_size"),
        programme=_s(d, "programme"),
        preferences=tuple(d["preferences"]),
        priority_groups=frozenset(d["priority_groups"]),
        needs_accessible=bool(_i(d, "needs_accessible")),
    )


def unit_to_json(u: Unit) -> dict:
    return {
        "unit_id": u.unit_id, "project_id": u.project_id, "building": u.building,
        "number": u.number, "floor": u.floor, "rooms": u.rooms, "area_tenths": u.area_tenths,
        "beds": u.beds, "rent_fen": u.rent_fen, "category": u.category,
        "accessible": int(bool(u.accessible)), "status": u.status.value,
    }


def unit_from_json(d: Mapping) -> Unit:
    return Unit(
        unit_id=_s(d, "unit_id"), project_id=_s(d, "project_id"), building=_s(d, "building"),
        number=_s(d, "number"), floor=_i(d, "floor"), rooms=_i(d, "rooms"),
        area_tenths=_i(d, "area_tenths"), beds=_i(d, "beds"), rent_fen=_i(d, "rent_fen"),
        category=_s(d, "category"), accessible=bool(_i(d, "accessible")),
        status=UnitStatus(_s(d, "status")),
    )


def results_to_json(r: RoundResult) -> dict:
    return {
        "order": list(r.order),
        "matches": [[m.application_id, m.unit_id, m.preference_index, m.seat] for m in r.matches],
        "waitlist": list(r.waitlist),
    }


def results_from_json(d: Mapping) -> RoundResult:
    return RoundResult(
        tuple(d["order"]),
        tuple(Match(str(a), str(u), int(k), str(s)) for a, u, k, s in d["matches"]),
        tuple(d["waitlist"]),
    )


def results_digest(results: RoundResult) -> str:
    return hashlib.sha256(canonical_json(results_to_json(results))).hexdigest()


def snapshot_digest(snapshot_entries: Iterable[PoolEntry], units: Iterable[Unit]) -> str:
    """Lowercase hex SHA-256 of ``canonical_json({"pool": [...], "units": [...]})`` with both
    lists exactly as :func:`export_round` writes them (sorted by id). Published when a round
    opens, so an export whose pool or units were changed afterwards is detected."""
    return _snapshot_digest_json(
        [entry_to_json(e) for e in sorted(snapshot_entries, key=lambda e: e.application_id)],
        [unit_to_json(u) for u in sorted(units, key=lambda u: u.unit_id)])


def _snapshot_digest_json(pool: list, units: list) -> str:
    return hashlib.sha256(canonical_json({"pool": pool, "units": units})).hexdigest()


def _s(d: Mapping, k: str) -> str:
    v = d[k]
    if not isinstance(v, str):
        raise TypeError(f"{k} must be a string")
    return v


def _i(d: Mapping, k: str) -> int:
    v = d[k]
    if type(v) is not int:
        raise TypeError(f"{k} must be an int")
    return v


# --- export / verify -------------------------------------------------------------------

def policy_json(fit_policy: FitPolicy, quotas) -> dict:
    """The policy as the export writes it (and ``inputs_digest`` binds it)."""
    return {"fit": fit_policy.to_json(), "quotas": [[g, s] for g, s in normalise_quotas(quotas)]}


@dataclass(frozen=True)
class RoundFacts:
    """What a round fixed when it opened, besides its pool, units and policy."""

    round_id: str
    programme: str
    public_value_source: str
    draw_date: str  # ISO date


def inputs_digest(facts: RoundFacts, commitment_hex: str, policy: Mapping, snapshot_digest_hex: str) -> str:
    """Lowercase hex SHA-256 binding everything a round fixed when it opened (module docstring)."""
    return _inputs_digest_json({"round_id": facts.round_id, "programme": facts.programme,
                                "commitment": commitment_hex.lower(),
                                "public_value_source": facts.public_value_source, "draw_date": facts.draw_date,
                                "policy": policy, "snapshot_digest": snapshot_digest_hex.lower()})


def _inputs_digest_json(bound: Mapping) -> str:
    return hashlib.sha256(canonical_json(dict(bound))).hexdigest()


def export_round(
    snapshot_entries: Iterable[PoolEntry],
    units: Iterable[Unit],
    quotas,
    fit_policy: FitPolicy,
    seed_parts: SeedParts,
    results: RoundResult,
    facts: RoundFacts | None = None,
) -> dict:
    """The publishable record of a round. Pool and units are sorted by id, so the export
    does not depend on the order the service loaded them in. With ``facts`` (the service
    always gives them) the export carries the round's id and facts and both digests that
    bind its inputs, which :func:`verify` requires."""
    pool = [entry_to_json(e) for e in sorted(snapshot_entries, key=lambda e: e.application_id)]
    unit_rows = [unit_to_json(u) for u in sorted(units, key=lambda u: u.unit_id)]
    policy = policy_json(fit_policy, quotas)
    out = {
        "format": FORMAT,
        "seed": {
            "commitment": seed_parts.commitment.lower(),
            "secret_hex": bytes(seed_parts.secret).hex(),
            "public_values": list(seed_parts.public_values),
            "final_seed_hex": seed_parts.seed().hex(),
        },
        "policy": policy,
        "pool": pool,
        "units": unit_rows,
        "results": results_to_json(results),
        "results_digest": results_digest(results),
    }
    if facts is not None:
        snap = _snapshot_digest_json(pool, unit_rows)
        out.update(round_id=facts.round_id, programme=facts.programme,
                   public_value_source=facts.public_value_source, draw_date=facts.draw_date,
                   snapshot_digest=snap,
                   inputs_digest=inputs_digest(facts, seed_parts.commitment, policy, snap))
    return out


@dataclass(frozen=True)
class VerifyReport:
    status: str                      # "MATCH", "MISMATCH" or "INVALID"
    message: str                     # "MATCH" or the first difference / problem found
    recomputed_digest: str | None = None
    export_digest: str | None = None
    # (what, value, where it was published) for every value checked before the verdict
    checked: tuple[tuple[str, str, str], ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "MATCH"


def _describe(app: str, outcome: Match | None) -> str:
    if outcome is None:
        return f"{app} is on the waitlist"
    return (f"{app} got {outcome.unit_id} (preference {outcome.preference_index + 1}, "
            f"seat {outcome.seat})")


# Top-level keys an export must carry, each bound by a digest or itself a digest.
REQUIRED = ("round_id", "programme", "public_value_source", "draw_date", "seed", "policy", "pool", "units",
            "results", "results_digest", "snapshot_digest", "inputs_digest")
SEED_REQUIRED = ("commitment", "secret_hex", "public_values", "final_seed_hex")


def verify(export: Mapping) -> VerifyReport:
    """Recompute the round from the export's inputs and compare with its results.

    Checks, in order: format and that every digest is there; the secret against the
    commitment; the pool and units against ``snapshot_digest``; the round id, programme,
    commitment, public value source, draw date, policy and snapshot digest against
    ``inputs_digest``; the final seed; the recorded results against ``results_digest``; then
    the recomputed ranking and matching rank by rank, reporting the first difference.
    """
    checked: list[tuple[str, str, str]] = []

    def fail(status: str, message: str, *digests) -> VerifyReport:
        return VerifyReport(status, message, *digests, checked=tuple(checked))

    try:
        if not isinstance(export, Mapping):
            return fail("INVALID", "export cannot be read: not a JSON object")
        fmt = export.get("format")
        if fmt in OLD_FORMATS:
            return fail("INVALID", f"format {fmt} does not bind the policy and the round id; fetch the round's "
                                   f"export again (format {FORMAT})")
        if fmt != FORMAT:
            return fail("INVALID", f"unknown format {fmt!r}, expected {FORMAT}")
        missing = [k for k in REQUIRED if k not in export]
        seed_d = export.get("seed")
        if isinstance(seed_d, Mapping):
            missing += [f"seed.{k}" for k in SEED_REQUIRED if k not in seed_d]
        if missing:
            return fail("INVALID", f"export lacks {', '.join(missing)}: without it the round cannot be checked")
        secret = bytes.fromhex(_s(seed_d, "secret_hex"))
        stated_commitment = _s(seed_d, "commitment").lower()
        if commitment(secret) != stated_commitment:
            return fail("MISMATCH", f"revealed secret hashes to {commitment(secret)}, "
                                    f"but the published commitment is {seed_d['commitment']}")
        checked.append(("commitment", stated_commitment, "round.opened commitment"))
        stated_snapshot = _s(export, "snapshot_digest").lower()
        hashed = _snapshot_digest_json(list(export["pool"]), list(export["units"]))
        if hashed != stated_snapshot:
            return fail("MISMATCH", f"pool/units hash to {hashed}, but the snapshot committed "
                                    f"when the round opened is {export['snapshot_digest']}")
        checked.append(("snapshot digest", stated_snapshot, "round.opened snapshot_digest"))
        bound = {"round_id": _s(export, "round_id"), "programme": _s(export, "programme"),
                 "commitment": stated_commitment, "public_value_source": _s(export, "public_value_source"),
                 "draw_date": _s(export, "draw_date"), "policy": export["policy"],
                 "snapshot_digest": stated_snapshot}
        stated_inputs = _s(export, "inputs_digest").lower()
        hashed = _inputs_digest_json(bound)
        if hashed != stated_inputs:
            return fail("MISMATCH", f"round id, policy and snapshot hash to {hashed}, but the inputs digest "
                                    f"published when the round opened is {export['inputs_digest']}")
        checked.append(("inputs digest", stated_inputs, "round.opened inputs_digest"))
        seed = final_seed(secret, list(seed_d["public_values"]))
        if _s(seed_d, "final_seed_hex").lower() != seed.hex():
            return fail("MISMATCH", f"final seed: export says {seed_d['final_seed_hex']}, recomputed {seed.hex()}")
        checked.append(("final seed", seed.hex(), "round.drawn seed_hex"))
        policy = FitPolicy.from_json(export["policy"]["fit"])
        quotas = normalise_quotas([(g, s) for g, s in export["policy"]["quotas"]])
        pool = [entry_from_json(d) for d in export["pool"]]
        units = [unit_from_json(d) for d in export["units"]]
        stated = results_from_json(export["results"])
        stated_digest = _s(export, "results_digest").lower()
        recomputed = allocate(pool, units, quotas, policy, seed)
    except (KeyError, TypeError, ValueError, LotteryError, AttributeError) as exc:
        return fail("INVALID", f"export cannot be read: {type(exc).__name__}: {exc}")

    rec_digest = results_digest(recomputed)
    exp_digest = results_digest(stated)
    if stated_digest != exp_digest:
        return fail("MISMATCH", f"results_digest in export is {stated_digest}, but its "
                                f"results hash to {exp_digest}", rec_digest, stated_digest)
    first = _first_difference(stated, recomputed)
    if first is not None:
        return fail("MISMATCH", first, rec_digest, stated_digest)
    if rec_digest != exp_digest:  # same outcomes per rank but e.g. extra/duplicated rows
        return fail("MISMATCH", "results agree rank by rank but are not in canonical "
                                "form (extra, duplicated or reordered rows)", rec_digest, stated_digest)
    checked.append(("results digest", rec_digest, "round.drawn results_digest"))
    return fail("MATCH", "MATCH", rec_digest, stated_digest)


def _first_difference(stated: RoundResult, recomputed: RoundResult) -> str | None:
    got_stated: dict[str, Match] = {}
    for m in stated.matches:
        got_stated.setdefault(m.application_id, m)
    got_rec = {m.application_id: m for m in recomputed.matches}
    so: Sequence[str] = stated.order
    ro: Sequence[str] = recomputed.order
    for r in range(max(len(so), len(ro))):
        a = so[r] if r < len(so) else "(nobody)"
        b = ro[r] if r < len(ro) else "(nobody)"
        if a != b:
            return f"rank {r + 1}: export says {a}, recomputed {b}"
        x, y = got_stated.get(a), got_rec.get(a)
        if x != y:
            return f"rank {r + 1}: export says {_describe(a, x)}, recomputed {_describe(a, y)}"
    return None
