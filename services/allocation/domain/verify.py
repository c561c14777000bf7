"""Canonical export of a 配租 round and independent re-computation (公开、公平、公正).

An export holds everything needed to redo the draw: the pool snapshot, the units on offer,
the fit policy and quotas, the lottery secret with its commitment and public values, and
the published results. It contains only dicts, lists, strings and ints (booleans as 0/1),
so its canonical JSON (``lottery.canonical_json``: sorted keys, no whitespace, UTF-8) is
byte-stable across languages.

``results_digest`` = lowercase hex SHA-256 of ``canonical_json(results_to_json(result))``.
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

FORMAT = "anju.allocation.round/1"


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

def export_round(
    snapshot_entries: Iterable[PoolEntry],
    units: Iterable[Unit],
    quotas,
    fit_policy: FitPolicy,
    seed_parts: SeedParts,
    results: RoundResult,
) -> dict:
    """The publishable record of a round. Pool and units are sorted by id, so the export
    does not depend on the order the service loaded them in."""
    return {
        "format": FORMAT,
        "seed": {
            "commitment": seed_parts.commitment.lower(),
            "secret_hex": bytes(seed_parts.secret).hex(),
            "public_values": list(seed_parts.public_values),
            "final_seed_hex": seed_parts.seed().hex(),
        },
        "policy": {
            "fit": fit_policy.to_json(),
            "quotas": [[g, s] for g, s in normalise_quotas(quotas)],
        },
        "pool": [entry_to_json(e) for e in sorted(snapshot_entries, key=lambda e: e.application_id)],
        "units": [unit_to_json(u) for u in sorted(units, key=lambda u: u.unit_id)],
        "results": results_to_json(results),
        "results_digest": results_digest(results),
    }


@dataclass(frozen=True)
class VerifyReport:
    status: str                      # "MATCH", "MISMATCH" or "INVALID"
    message: str                     # "MATCH" or the first difference / problem found
    recomputed_digest: str | None = None
    export_digest: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "MATCH"


def _describe(app: str, outcome: Match | None) -> str:
    if outcome is None:
        return f"{app} is on the waitlist"
    return (f"{app} got {outcome.unit_id} (preference {outcome.preference_index + 1}, "
            f"seat {outcome.seat})")


def verify(export: Mapping) -> VerifyReport:
    """Recompute the round from the export's inputs and compare with its results.

    Checks, in order: format; the secret against the commitment; the final seed; the
    recorded digest against the recorded results; then the recomputed ranking and
    matching rank by rank, reporting the first difference. An export carrying
    ``snapshot_digest`` (the value published when the round opened) must also hash to it.
    """
    try:
        if export.get("format") != FORMAT:
            return VerifyReport("INVALID", f"unknown format {export.get('format')!r}, expected {FORMAT}")
        seed_d = export["seed"]
        secret = bytes.fromhex(seed_d["secret_hex"])
        if commitment(secret) != str(seed_d["commitment"]).lower():
            return VerifyReport("MISMATCH", f"revealed secret hashes to {commitment(secret)}, "
                                            f"but the published commitment is {seed_d['commitment']}")
        if "snapshot_digest" in export:
            hashed = _snapshot_digest_json(list(export["pool"]), list(export["units"]))
            if hashed != str(export["snapshot_digest"]).lower():
                return VerifyReport("MISMATCH", f"pool/units hash to {hashed}, but the snapshot committed "
                                                f"when the round opened is {export['snapshot_digest']}")
        seed = final_seed(secret, list(seed_d["public_values"]))
        if seed_d.get("final_seed_hex") not in (None, seed.hex()):
            return VerifyReport("MISMATCH", f"final seed: export says {seed_d['final_seed_hex']}, "
                                            f"recomputed {seed.hex()}")
        policy = FitPolicy.from_json(export["policy"]["fit"])
        quotas = normalise_quotas([(g, s) for g, s in export["policy"]["quotas"]])
        pool = [entry_from_json(d) for d in export["pool"]]
        units = [unit_from_json(d) for d in export["units"]]
        stated = results_from_json(export["results"])
        stated_digest = str(export["results_digest"])
        recomputed = allocate(pool, units, quotas, policy, seed)
    except (KeyError, TypeError, ValueError, LotteryError) as exc:
        return VerifyReport("INVALID", f"export cannot be read: {type(exc).__name__}: {exc}")

    rec_digest = results_digest(recomputed)
    exp_digest = results_digest(stated)
    if stated_digest != exp_digest:
        return VerifyReport("MISMATCH", f"results_digest in export is {stated_digest}, but its "
                                        f"results hash to {exp_digest}", rec_digest, stated_digest)
    first = _first_difference(stated, recomputed)
    if first is not None:
        return VerifyReport("MISMATCH", first, rec_digest, stated_digest)
    if rec_digest != exp_digest:  # same outcomes per rank but e.g. extra/duplicated rows
        return VerifyReport("MISMATCH", "results agree rank by rank but are not in canonical "
                                        "form (extra, duplicated or reordered rows)",
                            rec_digest, stated_digest)
    return VerifyReport("MATCH", "MATCH", rec_digest, stated_digest)


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
