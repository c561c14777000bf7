"""The monthly rent billing run on PostgreSQL: 20,000 tenancies invoiced for a month with their
ledger postings (`rent.bill_month` in one unit of work, committed), next to a raw COPY of the same
rows measured in the same run. Not a test.

    .venv/bin/python bench/finance_billing.py [--tenancies 20000] [--repeat 3] [--quick]

The run is the use case the timer and POST /admin/rent-billing/<month> call: it selects the
tenancies covering the month with no invoice yet, prorates (one in ten started inside the month),
applies reductions, posts one balanced entry per invoice through the ledger (checks, chain-head
lock, hash chain, lines and entries as COPY streams, balances), writes the invoices and the
accounts' totals, and writes one rent.invoiced event per invoice to the outbox (validated
against its contract); at commit the journal's deferred triggers, keys and CHECKs run.

Yardstick, in a fresh database migrated the same way with the same accounts and rent accounts
(not timed): the rows the run wrote — journal lines, journal entries, invoices and outbox rows —
COPYed into the same tables (same keys, indexes and triggers) and committed.

Reported: seconds and invoices/s of each, the run's stages, and the ratio run / raw COPY (target
within 3×). Databases anju_bench_finance_billing{,_copy}, dropped afterwards.
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

DB = "anju_bench_finance_billing"
COPY_DB = f"{DB}_copy"


def _load_tenancies(n: int, today: date) -> None:
    """n rent accounts (not timed): nine in ten began before the month, one in ten inside it."""
    first = today.replace(day=1)
    earlier = date(first.year - 1, first.month, 1)
    now = datetime.now(UTC).isoformat()
    rows = []
    for i in range(n):
        start = first.replace(day=1 + i % 20) if i % 10 == 0 else earlier
        rent = 50_000 + (i * 7919) % 250_000
        rows.append(f"T{i:06d}\tpref-{i:06d}\tU{i:06d}\tP{i % 40:02d}\t{start.isoformat()}\t"
                    f"{date(first.year + 2, 1, 1).isoformat()}\t\\N\t{rent}\tactive\tev-{i}\t{now}\t0\t0\t0\n")
    conn = harness.pg_connect(DB)
    with conn.cursor() as cur:
        cur.copy_expert("COPY rent_accounts (tenancy_id, person_ref, unit_id, project_id, start, \"end\", ended_on, "
                        "rent_fen, status, event_id, opened_at, invoiced_fen, paid_fen, applied_fen) FROM STDIN",
                        io.StringIO("".join(rows)))
    conn.commit()
    conn.close()


def billing_run(n: int) -> dict:
    from services.common.db import Store, UnitOfWork
    from services.common.stopwatch import Stopwatch
    from services.finance import ledger, models, rent
    from services.finance.domain.ledger import month_of

    url = harness.pg_fresh(DB, "finance")
    now = datetime.now(UTC)
    today = now.date()
    _load_tenancies(n, today)
    store = Store(url, models.metadata)
    watch = Stopwatch()
    with UnitOfWork(store, district="bench", producer="finance") as uow:
        issued = rent.bill_month(uow, now, today, month_of(today), watch=watch)
        watch.lap("use case")
        uow.commit()
        watch.lap("commit")
    total = watch.total()
    assert issued == n, issued
    from sqlalchemy.orm import Session

    with Session(store.engine) as s:
        ok = ledger.verify_in_place(s, "bench")["status"]
        again = None
    with UnitOfWork(store, district="bench", producer="finance") as uow:
        again = rent.bill_month(uow, now, today, month_of(today))
        uow.commit()
    store.dispose()
    return {"seconds": total, "laps": dict(watch.laps), "verify": ok, "again": again}


TABLES = ("journal_lines", "journal_entries", "rent_invoices", "outbox")


def _dump() -> dict[str, str]:
    conn = harness.pg_connect(DB)
    out = {}
    with conn.cursor() as cur:
        for t in ("accounts", "rent_accounts", *TABLES):
            buf = io.StringIO()
            cur.copy_expert(f"COPY {t} TO STDOUT", buf)
            out[t] = buf.getvalue()
    conn.close()
    return out


def copy_run(rows: dict[str, str]) -> float:
    harness.pg_fresh(COPY_DB, "finance")
    dst = harness.pg_connect(COPY_DB)
    with dst.cursor() as cur:
        for t in ("accounts", "rent_accounts"):
            cur.copy_expert(f"COPY {t} FROM STDIN", io.StringIO(rows[t]))
    dst.commit()
    t0 = time.perf_counter()
    with dst.cursor() as cur:
        for t in TABLES:
            cur.copy_expert(f"COPY {t} FROM STDIN", io.StringIO(rows[t]))
    dst.commit()
    elapsed = time.perf_counter() - t0
    dst.close()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenancies", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is reported")
    parser.add_argument("--quick", action="store_true", help="one run of each")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    n = args.tenancies
    print(f"finance monthly billing: {n} tenancies on PostgreSQL, best of {repeat}; {os.cpu_count()} CPUs",
          flush=True)
    runs, raws = [], []
    try:
        for _ in range(repeat):
            runs.append(billing_run(n))
            raws.append(copy_run(_dump()))
    finally:
        harness.pg_drop(DB)
        harness.pg_drop(COPY_DB)
    best, raw = min(runs, key=lambda r: r["seconds"]), min(raws)
    laps = "  ".join(f"{k} {v:.3f}" for k, v in best["laps"].items())
    print(f"  rent.bill_month + commit : {best['seconds']:7.3f} s  {n / best['seconds']:9,.0f} invoices/s  "
          f"(verify: {best['verify']}; a second run billed {best['again']})")
    print(f"     stages (s): {laps}")
    print(f"  raw COPY of the same rows: {raw:7.3f} s  {n / raw:9,.0f} invoices/s  (lines, entries, invoices, "
          "outbox; same tables, keys, triggers)")
    print(f"  ratio run / raw COPY     : {best['seconds'] / raw:5.2f}×  (target within 3×)")
    from report import record  # the one report (bench/report.py)

    record("finance_billing", f"monthly rent billing of {n:,} tenancies (rent.bill_month + commit), PostgreSQL",
           best["seconds"], "s", yardstick="raw COPY of the same rows (lines, entries, invoices, outbox)",
           yardstick_value=raw, target=("<=", round(3 * raw, 4)),
           note="target: within 3× the raw COPY measured in the same run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
