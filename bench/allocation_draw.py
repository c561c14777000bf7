"""Benchmark of an allocation draw (摇号配租) on synthetic data. Not a test.

    python bench/allocation_draw.py                 # 20k, 50k, 100k, 200k applicants
    python bench/allocation_draw.py 200000          # chosen sizes

Each size runs in a fresh child process so its peak RSS is its own. Data are generated
from a fixed random seed (deterministic): 40 projects, units = applicants / 4 (50,000 at
200,000), 5 preferences each, 3 quota groups. Timed stages:

- load:    building PoolEntry / Unit objects from raw rows (what the service does after
           reading the database)
- rank:    points + lottery tie-break key, sort
- match:   serial dictatorship with quotas
- persist: stand-in for the service's write: canonical JSON of the results + SHA-256 digest

The last column divides (rank + match) time by n·log2(n), normalised to the smallest size:
close to 1.0 means n log n scaling.
"""
from __future__ import annotations

import json
import math
import os
import random
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from services.allocation.domain.fit import FitPolicy  # noqa: E402
from services.allocation.domain.lottery import canonical_json, final_seed  # noqa: E402
from services.allocation.domain.matching import match_round, quota_seats  # noqa: E402
from services.allocation.domain.ranking import PoolEntry, rank  # noqa: E402
from services.allocation.domain.stock import Unit  # noqa: E402
from services.allocation.domain.verify import results_digest, results_to_json  # noqa: E402

SIZES = (20_000, 50_000, 100_000, 200_000)
N_PROJECTS = 40
PROGRAMMES = ("public_rental", "staff_apartment", "talent_apartment")
POLICY = FitPolicy(
    max_persons_per_room=2,
    min_area_tenths_per_person=120,
    programme_categories={
        "public_rental": frozenset({"public_rental", "relocation"}),
        "staff_apartment": frozenset({"staff_apartment"}),
        "talent_apartment": frozenset({"talent_apartment", "public_rental"}),
    },
)
GROUP_SETS = [frozenset(), frozenset({"frontline"}), frozenset({"model_worker"}),
              frozenset({"hardship"}), frozenset({"frontline", "hardship"})]
GROUP_WEIGHTS = [82, 9, 3, 5, 1]


def generate(n_applicants: int, seed: int = 20261123):
    """Raw rows (tuples), as a database cursor would return them."""
    rnd = random.Random(seed)
    n_units = n_applicants // 4
    # project i: category by position; staff apartments are dormitory bed spaces
    proj_cat = {}
    for p in range(N_PROJECTS):
        pid = f"P{p:02d}"
        proj_cat[pid] = ("staff_apartment" if p % 5 == 0 else
                         "talent_apartment" if p % 5 == 1 else
                         "relocation" if p == 2 else "public_rental")
    pids = sorted(proj_cat)
    popularity = [1.0 / (1 + i % 10) for i in range(N_PROJECTS)]  # some projects are hot
    units = []
    for i in range(n_units):
        pid = rnd.choices(pids, popularity)[0]
        cat = proj_cat[pid]
        if cat == "staff_apartment":
            rooms, area, beds = 1, rnd.randint(120, 200), 1
        else:
            rooms = rnd.choice((1, 1, 2, 2, 2, 3))
            area, beds = rooms * rnd.randint(200, 300) + rnd.randint(0, 99), 0
        units.append((f"{pid}/{i % 30}/{i:06d}", pid, str(i % 30), f"{i:06d}", rnd.randint(1, 30),
                      rooms, area, beds, area * 25, cat, rnd.random() < 0.05))
    by_prog = {
        prog: [p for p in pids if proj_cat[p] in POLICY.programme_categories[prog]]
        for prog in PROGRAMMES
    }
    entries = []
    for i in range(n_applicants):
        prog = rnd.choices(PROGRAMMES, (70, 20, 10))[0]
        size = 1 if prog == "staff_apartment" else rnd.choices((1, 2, 3, 4, 5), (25, 30, 25, 15, 5))[0]
        cands = by_prog[prog]
        prefs = rnd.sample(cands, min(4, len(cands)))
        prefs.append(sorted(POLICY.programme_categories[prog])[0])  # last resort: a category
        entries.append((f"A-{i:07d}", f"ref{i:07d}", rnd.randint(0, 200) * 5, size, prog,
                        tuple(prefs), rnd.choices(range(len(GROUP_SETS)), GROUP_WEIGHTS)[0],
                        rnd.random() < 0.02))
    return entries, units


def run_one(n: int) -> dict:
    raw_entries, raw_units = generate(n)
    t0 = time.perf_counter()
    entries = [PoolEntry(a, r, p, s, prog, prefs, GROUP_SETS[g], acc)
               for a, r, p, s, prog, prefs, g, acc in raw_entries]
    units = [Unit(*row) for row in raw_units]
    t1 = time.perf_counter()
    seed = final_seed(b"bench-secret-0123456789abcdef!!", ["07 14 21 28 33 35"])
    ranked = rank(entries, seed)
    t2 = time.perf_counter()
    quotas = quota_seats(len(units), {"model_worker": 3, "frontline": 10, "hardship": 5})
    result = match_round(ranked, units, quotas, POLICY)
    t3 = time.perf_counter()
    blob = canonical_json(results_to_json(result))
    digest = results_digest(result)
    t4 = time.perf_counter()
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"n": n, "units": len(units), "matched": len(result.matches),
            "load": t1 - t0, "rank": t2 - t1, "match": t3 - t2, "persist": t4 - t3,
            "rss_mib": rss_kib / 1024, "json_mib": len(blob) / 2**20, "digest": digest[:12]}


def main(argv: list[str]) -> None:
    if len(argv) == 2 and argv[0] == "--one":
        print(json.dumps(run_one(int(argv[1]))))
        return
    sizes = [int(a) for a in argv] or list(SIZES)
    rows = []
    for n in sizes:
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--one", str(n)],
                             check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out))
    base = None
    print(f"{'applicants':>10} {'units':>6} {'matched':>7} {'load s':>7} {'rank s':>7} "
          f"{'match s':>7} {'r+m s':>6} {'persist s':>9} {'peakRSS MiB':>11} "
          f"{'(r+m)/nlogn':>11} digest")
    for r in rows:
        rm = r["rank"] + r["match"]
        per = rm / (r["n"] * math.log2(r["n"]))
        base = base or per
        print(f"{r['n']:>10} {r['units']:>6} {r['matched']:>7} {r['load']:>7.3f} {r['rank']:>7.3f} "
              f"{r['match']:>7.3f} {rm:>6.3f} {r['persist']:>9.3f} {r['rss_mib']:>11.1f} "
              f"{per / base:>11.2f} {r['digest']}")
    from report import record  # the one report (bench/report.py)

    for r in rows:
        record("allocation_draw", f"draw in memory (rank + match), {r['n']:,} applicants", r["rank"] + r["match"], "s",
               note=f"{r['units']} units, {r['matched']} matched, peak RSS {r['rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main(sys.argv[1:])
