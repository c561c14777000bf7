"""Known-answer test of the published draw: fixed pool, units, quotas, policy and seed give a
fixed results digest. The digest is what `round.drawn` publishes and `anju verify-round`
recomputes, so any speed-up of loading, ranking or matching must leave it unchanged.

The expected digests were computed with the implementation before the draw was optimised
(issue 5: PoolEntry built one by one, sort keys built per entry, matching in one call).
The data are derived from SHA-256 counters, not `random`, so they do not depend on the
Python version.
"""

import hashlib

import pytest

from services.allocation import models
from services.allocation.domain.fit import FitPolicy
from services.allocation.domain.lottery import canonical_json, final_seed
from services.allocation.domain.matching import allocate, iter_matches, quota_seats
from services.allocation.domain.ranking import PoolEntry, rank
from services.allocation.domain.stock import Unit
from services.allocation.domain.verify import results_digest, results_to_json
from services.allocation.repository import unit_from_row
from services.allocation.rounds import _Drained
from services.allocation.snapshots import entries_json, frozen_entries, frozen_units, units_json

POLICY = FitPolicy(2, 120, {"public_rental": frozenset({"public_rental", "relocation"}),
                            "staff_apartment": frozenset({"staff_apartment"}),
                            "talent_apartment": frozenset({"talent_apartment", "public_rental"})})
QUOTAS = {"model_worker": 3, "frontline": 10, "hardship": 5}
GROUPS = [(), ("frontline",), ("model_worker",), ("hardship",), ("frontline", "hardship")]
GROUP_OF = (0,) * 82 + (1,) * 9 + (2,) * 3 + (3,) * 5 + (4,)  # index into GROUPS, per 100 applicants
PROGRAMMES = ("public_rental",) * 7 + ("staff_apartment",) * 2 + ("talent_apartment",)
SEED = final_seed(b"known-answer-secret-0123456789ab", ["07 14 21 28 33 35", "witness:4417"])
EXPECTED = {
    3000: "3d82b43f3843f6d5e4d20cd3142d51d1154e1d4e76d0afc05fc8f36fe3c310ea",
    12000: "6be551bdb0571be8f5826a94a1b9e3555dd51c124a406855dc03f019951f22ca",
}


class _Counter:
    def __init__(self, label: str):
        self.label = label.encode()
        self.i = 0

    def __call__(self, k: int) -> int:
        """0..k-1, from SHA-256 of a counter."""
        self.i += 1
        h = hashlib.sha256(self.label + self.i.to_bytes(8, "big")).digest()
        return int.from_bytes(h[:8], "big") % k


def pool_and_units(n: int) -> tuple[list[PoolEntry], list[Unit]]:
    r = _Counter(f"anju-kat-{n}")
    cats = {f"P{p:02d}": ("staff_apartment" if p % 5 == 0 else "talent_apartment" if p % 5 == 1
                          else "relocation" if p == 2 else "public_rental") for p in range(40)}
    pids = sorted(cats)
    units = []
    for i in range(n // 4):
        pid = pids[min(r(40), r(40))]  # low project numbers are more popular
        if cats[pid] == "staff_apartment":
            rooms, area, beds = 1, 120 + r(81), 1
        else:
            rooms = (1, 1, 2, 2, 2, 3)[r(6)]
            area, beds = rooms * (200 + r(101)) + r(100), 0
        units.append(Unit(f"{pid}/{i % 30}/{i:06d}", pid, str(i % 30), f"{i:06d}", 1 + r(30), rooms, area, beds,
                          area * 25, cats[pid], r(100) < 5))
    entries = []
    for i in range(n):
        prog = PROGRAMMES[r(10)]
        size = 1 if prog == "staff_apartment" else (1, 1, 2, 2, 2, 3, 3, 3, 4, 5)[r(10)]
        cands = [p for p in pids if cats[p] in POLICY.programme_categories[prog]]
        prefs = []
        while len(prefs) < min(4, len(cands)):
            p = cands[r(len(cands))]
            if p not in prefs:
                prefs.append(p)
        prefs.append(sorted(POLICY.programme_categories[prog])[0])
        entries.append(PoolEntry(f"A-{i:07d}", f"ref{i:07d}", 5 * r(201), size, prog, tuple(prefs),
                                 frozenset(GROUPS[GROUP_OF[r(100)]]), r(100) < 2))
    return entries, units


@pytest.mark.parametrize("n", sorted(EXPECTED))
def test_domain_draw_known_digest(n):
    entries, units = pool_and_units(n)
    result = allocate(entries, units, quota_seats(len(units), QUOTAS), POLICY, SEED)
    assert results_digest(result) == EXPECTED[n]


@pytest.mark.parametrize("n", sorted(EXPECTED))
def test_service_draw_path_known_digest(n):
    """The path rounds.draw_round takes: frozen columnar snapshot → rank → matches made one
    by one → the canonical results JSON whose SHA-256 is published."""
    entries, units = pool_and_units(n)
    rows = [models.Unit(id=u.unit_id, project_id=u.project_id, building=u.building, number=u.number,
                        floor=u.floor, rooms=u.rooms, area_tenths=u.area_tenths, beds=u.beds,
                        rent_fen=u.rent_fen, category=u.category, accessible=u.accessible, status="vacant")
            for u in units]
    assert [unit_from_row(r) for r in rows] == units
    round_ = models.Round(snapshot=entries_json(entries), units_snapshot=units_json(rows))
    frozen = frozen_entries(round_)
    assert frozen == entries
    ranked = rank(frozen, SEED)
    matching = _Drained(iter_matches(ranked, frozen_units(round_), quota_seats(len(units), QUOTAS), POLICY))
    made = list(matching)  # as the draw streams them into the offers' COPY
    result = matching.value
    assert sorted(m for _, m in made) == sorted(result.matches)
    assert hashlib.sha256(canonical_json(results_to_json(result))).hexdigest() == EXPECTED[n]
