"""Benchmark of a real allocation draw against PostgreSQL (the service's code path). Not a test.

    python bench/allocation_draw_db.py                # 20k, 50k, 100k, 200k applicants
    python bench/allocation_draw_db.py 200000         # chosen sizes

Per size, in fresh child processes (so peak RSS is the draw's own):
1. setup (not timed in the draw): a fresh database `anju_bench_allocation` migrated by
   Alembic; the synthetic data of bench/allocation_draw.py (40 projects, units = applicants/4,
   5 preferences, 3 quota groups) COPYed into projects / units / pool_entries; then
   `rounds.open_round` — the endpoint's function — freezes the snapshot and commits.
2. draw: `rounds.draw_round` — the function POST /rounds/<id>/draw runs — in a UnitOfWork,
   then commit. PostgreSQL works on one core while Python works on the other, so stages
   are timed as the draw's own (Python) time plus what the database adds:
   - load: claim the round row, read it, parse the frozen units and pool (the pool is
     parsed and ranked while PostgreSQL locks the round's units; the wait left is here);
   - rank: points, then the lottery key;
   - match: the matching's own time: it runs inside the offers' COPY, each offer sent
     as soon as it is made, so the server inserts while the ranking is still served;
   - persist: the rest of the wall time after ranking: the COPY after the last offer
     (inserts still queued, then the foreign-key checks), the units UPDATE (the results
     JSON and digest are computed meanwhile), the round row with the results and the
     waitlist, the `round.drawn` outbox row, COMMIT.
   TOTAL = load + rank + match + persist = the draw's wall time.
3. at the largest size only: the same draw with persist by SQLAlchemy insertmanyvalues
   instead of COPY (rolled back, on a copy of the database so that the timed draw does not
   start among its debris), and the announcement of every offer: `allocation.offered`
   outbox rows written by `rounds.announce_pending` in batches of 500 per transaction — what
   the service's 1-second timer does after the draw commits.

All applicants are put in one programme (a round names one programme) whose fit policy
allows the four categories of the generated stock; preferences, sizes and quotas are the
in-memory benchmark's. Set ANJU_BENCH_PG_ADMIN_URL to use another server, ANJU_BENCH_DB to
use another database name (default anju_bench_allocation; `<name>_values` is its scratch copy).
"""
from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
import time
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for p in (ROOT, os.path.join(ROOT, "bench")):
    if p not in sys.path:
        sys.path.insert(0, p)
warnings.filterwarnings("ignore")

PG_ADMIN = os.environ.get("ANJU_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB = os.environ.get("ANJU_BENCH_DB", "anju_bench_allocation")
URL = PG_ADMIN.rsplit("/", 1)[0] + "/" + DB
SIZES = (20_000, 50_000, 100_000, 200_000)
QUOTAS = {"model_worker": 3, "frontline": 10, "hardship": 5}


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup(n: int) -> dict:
    from allocation_draw import GROUP_SETS, generate

    from services.allocation import models, rounds, schemas  # noqa: F401 - schemas: the contracts of the events
    from services.allocation.domain.fit import FitPolicy
    from services.allocation.repository import dumps
    from services.common.clock import Calendar
    from services.common.db import Store, UnitOfWork
    from services.common.events.contracts import utc_now
    from services.common.migrations import upgrade
    from services.common.pg import insert_rows as bulk_insert

    _admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{DB}"')
    upgrade("allocation", URL)
    raw_entries, raw_units = generate(n)
    store = Store(URL, models.metadata)
    now = utc_now()
    with UnitOfWork(store, district="bench", producer="allocation") as uow:
        s = uow.session
        projects = sorted({u[1] for u in raw_units})
        bulk_insert(s, models.Project.__table__, ("id", "name", "programme", "supply_mode", "address", "created_at"),
                    [(p, p, "public_rental", "new_build", "-", now) for p in projects])
        bulk_insert(s, models.Unit.__table__,
                    ("id", "project_id", "building", "number", "floor", "rooms", "area_tenths", "beds", "rent_fen",
                     "category", "accessible", "status", "vacant_since"),
                    [(*u, "vacant", now) for u in raw_units])
        bulk_insert(s, models.PoolEntry.__table__,
                    ("application_id", "person_ref", "programme", "district", "points_tenths",
                     "points_policy_version", "breakdown", "household_size", "preferences", "priority_groups",
                     "needs_accessible", "status", "declines", "approved_at", "updated_at"),
                    [(a, r, "public_rental", "bench", pts, 1, "{}", size, dumps(list(prefs)),
                      dumps(sorted(GROUP_SETS[g])), acc, "active", 0, now, now)
                     for a, r, pts, size, _prog, prefs, g, acc in raw_entries])
        uow.commit()
    fit = FitPolicy(2, 120, {"public_rental": frozenset({"public_rental", "relocation", "staff_apartment",
                                                         "talent_apartment"})})
    t0 = time.perf_counter()
    today = Calendar().date_of(now)
    with UnitOfWork(store, district="bench", producer="allocation") as uow:
        round_ = rounds.open_round(uow, now, today, {"programme": "public_rental", "project_ids": projects,
                                                     "quotas": QUOTAS, "public_value_source": "福彩3D bench draw",
                                                     "draw_date": today, "respond_days": 14}, fit)
        uow.commit()
    opened = time.perf_counter() - t0
    store.dispose()
    return {"round_id": round_.id, "open_s": opened, "pool": round_.pool_size, "units": round_.unit_count}


def _admin(sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def draw(round_id: str, method: str, commit: bool, db: str = DB) -> dict:
    import functools

    from services.allocation import models, rounds, schemas  # noqa: F401 - schemas: the contracts of the events
    from services.common import pg
    from services.common.clock import Calendar
    from services.common.db import Store, UnitOfWork
    from services.common.events.contracts import utc_now
    from services.common.stopwatch import Stopwatch

    if method == "values":  # the comparison: what the draw would cost without COPY
        pg.insert_rows_streaming = functools.partial(pg.insert_rows_streaming, use_copy=False)
    store = Store(PG_ADMIN.rsplit("/", 1)[0] + "/" + db, models.metadata)
    store.ping()  # connect outside the timed section
    now = utc_now()
    rss0 = _rss_mib()
    with UnitOfWork(store, district="bench", producer="allocation") as uow:
        watch = Stopwatch()
        out = rounds.draw_round(uow, now, Calendar().date_of(now), round_id, ["07 14 21 28 33 35", "witness:4417"],
                                None, watch=watch)
        timings = _stages(watch)
        t0 = time.perf_counter()
        if commit:
            uow.commit()
        else:
            uow.rollback()
        timings["commit"] = time.perf_counter() - t0
    store.dispose()
    return {**timings, "matched": out["matched"], "waitlisted": out["waitlisted"], "rss_mib": _rss_mib(),
            "rss_before_mib": rss0, "digest": out["results_digest"][:12]}


def _stages(watch) -> dict:
    """The draw's laps (see rounds.draw_round) and the stages the table shows: match is the
    matching's own time (most of it inside the offers' COPY); persist is the rest of the draw
    after ranking: what the database adds."""
    t = dict(watch.laps)
    t["match"] = t["match_setup"] + t["offer_rows"]
    t["offers_copy"] = t["match_and_offers_copy"] - t["offer_rows"]  # the COPY beyond the matching
    t["units_update_and_results_json"] = t["units_update"] + t["results_json"]
    t["load"] = t["claim"] + t["read_row"] + t["parse_units"] + t["parse"] + t["lock_units"]
    t["persist"] = watch.total() - t["load"] - t["rank"] - t["match"]
    return t


def announce() -> dict:
    from services.allocation import models, rounds, schemas  # noqa: F401 - schemas: the contracts of the events
    from services.common.db import Store, UnitOfWork
    from services.common.events.contracts import utc_now

    store = Store(URL, models.metadata)
    store.ping()
    t0 = time.perf_counter()
    total = batches = 0
    while True:
        with UnitOfWork(store, district="bench", producer="allocation") as uow:
            k = rounds.announce_pending(uow, utc_now())
            if not k:
                break
            uow.commit()
        total += k
        batches += 1
    elapsed = time.perf_counter() - t0
    store.dispose()
    return {"events": total, "batches": batches, "seconds": elapsed}


def _child(*args) -> dict:
    out = subprocess.run([sys.executable, os.path.abspath(__file__), *args], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--setup":
        print(json.dumps(setup(int(argv[1]))))
        return
    if argv and argv[0] == "--draw":
        print(json.dumps(draw(argv[1], argv[2], argv[3] == "commit", *argv[4:])))
        return
    if argv and argv[0] == "--announce":
        print(json.dumps(announce()))
        return
    sizes = [int(a) for a in argv] or list(SIZES)
    print(f"{'applicants':>10} {'units':>6} {'matched':>7} {'load s':>7} {'rank s':>7} {'match s':>7} "
          f"{'persist s':>9} {'TOTAL s':>7} {'peakRSS MiB':>11} {'(r+m)/nlogn':>11} {'open s':>6} digest")
    base = None
    extra = {}
    for n in sizes:
        info = _child("--setup", str(n))
        if n == max(sizes):
            # On a copy: the rolled-back draw would leave 49,000 dead offers in the unique
            # indexes and dead unit versions behind, which the timed draw would then wade
            # through (+0.13 s in its COPY): not the state a draw normally starts from.
            copy = f"{DB}_values"
            _admin(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
            _admin(f'CREATE DATABASE "{copy}" TEMPLATE "{DB}"')
            extra["values"] = _child("--draw", info["round_id"], "values", "rollback", copy)
            _admin(f'DROP DATABASE "{copy}"')
        r = _child("--draw", info["round_id"], "copy", "commit")
        persist = r["persist"] + r["commit"]
        total = r["load"] + r["rank"] + r["match"] + persist
        rm = r["rank"] + r["match"]
        per = rm / (n * math.log2(n))
        base = base or per
        print(f"{n:>10} {info['units']:>6} {r['matched']:>7} {r['load']:>7.3f} {r['rank']:>7.3f} {r['match']:>7.3f} "
              f"{persist:>9.3f} {total:>7.3f} {r['rss_mib']:>11.1f} {per / base:>11.2f} {info['open_s']:>6.2f} "
              f"{r['digest']}", flush=True)
        if n == max(sizes):
            extra["announce"] = _child("--announce")
            extra["last"] = r
        from report import record  # the one report (bench/report.py)

        record("allocation_draw_db", f"draw through PostgreSQL (load, rank, match, persist), {n:,} applicants",
               total, "s", yardstick="the same rank + match in memory", yardstick_value=rm,
               note=f"{info['units']} units, {r['matched']} matched")
    r = extra["last"]
    print(f"\nat {max(sizes)}: load = claim {r['claim']:.3f} + read round row {r['read_row']:.3f} + parse units "
          f"{r['parse_units']:.3f} + parse pool {r['parse']:.3f} + units lock wait {r['lock_units']:.3f}; "
          f"match = setup {r['match_setup']:.3f} + matching and offer rows inside the COPY "
          f"{r['match'] - r['match_setup']:.3f}; persist = COPY after the matching {r['offers_copy']:.3f} + "
          f"units UPDATE {r['units_update_and_results_json']:.3f} (results JSON/digest {r['results_json']:.3f} "
          f"meanwhile) + round row {r['round_row']:.3f} + outbox {r['outbox']:.3f} + COMMIT {r['commit']:.3f} "
          f"+ other {r['gone']:.3f}; RSS before the draw {r['rss_before_mib']:.0f} MiB")
    v = extra["values"]
    print(f"\npersist at {max(sizes)} with SQLAlchemy insertmanyvalues instead of COPY (rolled back): "
          f"{v['persist'] + v['commit']:.3f} s (persist {v['persist']:.3f} + rollback {v['commit']:.3f})")
    a = extra["announce"]
    print(f"allocation.offered for {a['events']} offers: outbox rows in {a['batches']} transactions of <= 500, "
          f"{a['seconds']:.2f} s after the draw ({a['seconds'] / max(a['events'], 1) * 1e6:.0f} µs/event)")
    from report import earlier, record

    # The relay's rate is outbox_relay's figure from the same `make bench` (it runs first): the
    # announcement only writes the outbox rows, and the relay is what then publishes them.
    relay = earlier("outbox_relay", "outbox relay, PostgreSQL")
    record("allocation_draw_db", f"announcing {a['events']:,} offers (allocation.offered outbox rows, batches of 500)",
           a["events"] / a["seconds"], "events/s",
           yardstick="outbox relay on PostgreSQL with confirms (outbox_relay, same make bench), msg/s",
           yardstick_value=relay, note="" if relay else "run without outbox_relay before it: no yardstick")


if __name__ == "__main__":
    main(sys.argv[1:])
