"""Bulk posting through the ledger on PostgreSQL: 20,000 balanced entries in one use case
(`ledger.post_entries` in one unit of work, committed), next to a raw COPY of the same rows
measured in the same run. Not a test.

    .venv/bin/python bench/finance_bulk.py [--entries 20000] [--repeat 3] [--quick]

The entries are what part 2's monthly billing will post: each moves money out of a flagged
fund (1002:donation, funded by one receipt first) to one of 40 project expense sub-accounts
(5101:P00 … 5101:P39, opened on first use), so every entry goes through the whole posting path:
the checks, the chain-head lock, the idempotency look-up, the period and account checks, the
no-overdraft check against running balances, the hash chain, lines then entries as COPY
streams, the balance updates, and at commit the journal's deferred balance trigger per entry,
the late-line guard, the foreign keys and the accounts' CHECK.

Yardsticks, each into a fresh database migrated the same way (accounts present, not timed):
  raw COPY      the same entry and line rows (hashes and all, read back from the ledger run)
                COPYed into journal_lines and journal_entries, committed: the same constraints
                and triggers — the floor for writing these rows into this schema;
  bare COPY     the same rows into copies of the two tables without indexes, keys or triggers
                (what the journal's guards and indexes cost).

Reported: seconds and entries/s for each, the ledger's stages (check, read and check, chain,
write, commit) and the ratio ledger / raw COPY. Databases: anju_bench_finance_bulk{,_copy},
dropped afterwards. Set ANJU_BENCH_PG_ADMIN_URL to use another server.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import warnings
from datetime import UTC, date, datetime

import harness  # bench/harness.py: PostgreSQL, the repository on sys.path

warnings.filterwarnings("ignore")

DB = "anju_bench_finance_bulk"
COPY_DB = f"{DB}_copy"
PROJECTS = 40


def _drafts(n: int, today: date):
    from services.finance.domain.ledger import Cause, EntryDraft, credit, debit

    out = []
    for i in range(n):
        key = f"bulk:{i}"
        amount = 1_000 + (i * 7919) % 90_000
        out.append(EntryDraft("manual", today, f"bench #{i}", (debit(f"5101:P{i % PROJECTS:02d}", amount),
                                                              credit("1002:donation", amount)),
                              key, Cause("manual", key), "finance_officer:bench"))
    return out


def ledger_run(n: int) -> dict:
    from services.common.db import Store, UnitOfWork
    from services.common.stopwatch import Stopwatch
    from services.finance import funds, ledger, models

    store = Store(harness.pg_fresh(DB, "finance"), models.metadata)
    now = datetime.now(UTC)
    today = now.date()
    with UnitOfWork(store, district="bench", producer="finance") as uow:
        funds.record_receipt(uow, now, today, "donation", 10**13, "BENCH-FUNDING", today, "finance_officer:bench")
        uow.commit()
    drafts = _drafts(n, today)
    watch = Stopwatch()
    with UnitOfWork(store, district="bench", producer="finance") as uow:
        posted = ledger.post_entries(uow, now, today, drafts, watch=watch)
        watch.lap("use case")
        uow.commit()
        watch.lap("commit")
    total = watch.total()
    assert sum(created for _, created in posted) == n
    with store.engine.connect() as conn:
        from sqlalchemy.orm import Session

        with Session(bind=conn) as s:
            ok = ledger.verify_in_place(s, "bench")["status"]
    store.dispose()
    return {"seconds": total, "laps": dict(watch.laps), "verify": ok}


def _dump(db: str) -> tuple[str, str]:
    """The journal's rows of the ledger run (the bulk entries only) as COPY text."""
    conn = harness.pg_connect(db)
    out = []
    with conn.cursor() as cur:
        for sql in ("COPY (SELECT l.* FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id "
                    "WHERE e.kind = 'manual' ORDER BY l.entry_seq, l.line_no) TO STDOUT",
                    "COPY (SELECT * FROM journal_entries WHERE kind = 'manual' ORDER BY seq) TO STDOUT"):
            buf = io.StringIO()
            cur.copy_expert(sql, buf)
            out.append(buf.getvalue())
    conn.close()
    return out[0], out[1]


def copy_run(lines: str, entries: str, bare: bool) -> float:
    """COPY the rows into a fresh migrated database (accounts copied first, not timed)."""
    harness.pg_fresh(COPY_DB, "finance")
    src, dst = harness.pg_connect(DB), harness.pg_connect(COPY_DB)
    with src.cursor() as cur:
        buf = io.StringIO()
        cur.copy_expert("COPY accounts TO STDOUT", buf)
    with dst.cursor() as cur:
        buf.seek(0)
        cur.copy_expert("COPY accounts FROM STDIN", buf)
        if bare:
            cur.execute("CREATE TABLE bare_lines (LIKE journal_lines); "
                        "CREATE TABLE bare_entries (LIKE journal_entries)")
    dst.commit()
    src.close()
    target_lines, target_entries = ("bare_lines", "bare_entries") if bare else ("journal_lines", "journal_entries")
    t0 = time.perf_counter()
    with dst.cursor() as cur:
        cur.copy_expert(f"COPY {target_lines} FROM STDIN", io.StringIO(lines))
        cur.copy_expert(f"COPY {target_entries} FROM STDIN", io.StringIO(entries))
    dst.commit()
    elapsed = time.perf_counter() - t0
    dst.close()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is reported")
    parser.add_argument("--quick", action="store_true", help="one run of each")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    n = args.entries
    print(f"finance bulk posting: {n} entries in one use case on PostgreSQL, best of {repeat}; "
          f"{os.cpu_count()} CPUs", flush=True)
    runs, raws, bares = [], [], []
    try:
        for _ in range(repeat):
            runs.append(ledger_run(n))
            lines, entries = _dump(DB)
            raws.append(copy_run(lines, entries, bare=False))
            bares.append(copy_run(lines, entries, bare=True))
    finally:
        harness.pg_drop(DB)
        harness.pg_drop(COPY_DB)
    best = min(runs, key=lambda r: r["seconds"])
    raw, bare = min(raws), min(bares)
    laps = "  ".join(f"{k} {v:.3f}" for k, v in best["laps"].items())
    print(f"  ledger.post_entries + commit : {best['seconds']:7.3f} s  {n / best['seconds']:9,.0f} entries/s  "
          f"(verify in place afterwards: {best['verify']})")
    print(f"     stages (s): {laps}")
    print(f"  raw COPY of the same rows   : {raw:7.3f} s  {n / raw:9,.0f} entries/s  (same tables, keys, triggers)")
    print(f"  bare COPY (no keys/triggers): {bare:7.3f} s  {n / bare:9,.0f} entries/s")
    print(f"  ratio ledger / raw COPY     : {best['seconds'] / raw:5.2f}×   (ledger / bare COPY "
          f"{best['seconds'] / bare:5.2f}×)")
    from report import record  # the one report (bench/report.py)

    record("finance_bulk", f"ledger.post_entries of {n:,} entries, PostgreSQL", n / best["seconds"], "entries/s",
           yardstick="raw COPY of the same rows, entries/s", yardstick_value=n / raw,
           note=f"bare COPY (no keys/triggers) {n / bare:,.0f} entries/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
