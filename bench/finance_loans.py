"""Loan schedules: 10,000 schedules of 240 months (`domain.schedule.schedule`, 等额本息 and 等额本金
alternately, with the union's subsidy split), next to the bare instalment arithmetic in a loop
measured in the same run. Not a test.

    .venv/bin/python bench/finance_loans.py [--loans 10000] [--months 240] [--repeat 3] [--quick]

Yardstick: the same numbers with nothing around them — per loan the level payment (or the
principal part), then per month the interest half-up in integer arithmetic, the principal part,
the remaining principal and the subsidy split, appended as a plain tuple. Target: the schedule
within 2× of it.

Two ways of using the 10,000 tables, each timed for both sides:

- **one at a time** (the target): each table is built, read (its length, principal and interest
  summed by the same code on both sides) and dropped before the next loan — what every caller
  in the service does (`domain.loans.replay` builds one loan's schedule, reads it, lets it go);
- **all kept**: every table kept alive to the end, 2.4 M rows at once. This costs the schedule
  more than the arithmetic for one reason only: CPython's cyclic garbage collector stops
  tracking a plain tuple of numbers, but never a tuple subclass such as the `Instalment` named
  tuple, so each full collection re-scans every row kept so far. No caller keeps more than one
  schedule, so this line is shown, with the same kept run with the collector paused beside it,
  but carries no target.

Both sides are checked to compute the same tables (in every run, every loan's length and sums
compared; the first and last loans compared row by row), so the yardstick cannot drift into
doing less. Times are the process's CPU time (`time.process_time`; the wall time is printed
too): both sides are single-threaded arithmetic, and on a shared machine the wall clock also
counts the time other processes held the CPU.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from fractions import Fraction

import harness  # noqa: F401 - bench/harness.py: the repository on sys.path

from services.finance.domain.schedule import level_payment, schedule  # noqa: E402 - after harness's path

RATES = ("0.031", "0.0325", "0.0275", "0.0415")
SHARE = Fraction(3, 10)


def loans(n: int, months: int):
    for i in range(n):
        yield (10_000_000 + (i * 7919) % 90_000_000, RATES[i % len(RATES)], months,
               "equal_instalment" if i % 2 == 0 else "equal_principal")


def by_schedule(n: int, months: int):
    for p, r, m, method in loans(n, months):
        yield schedule(p, r, m, method, SHARE)


def bare(n: int, months: int):
    sn, sd = SHARE.numerator, SHARE.denominator
    for p, r, m, method in loans(n, months):
        monthly = Fraction(r) / 12
        num, den = monthly.numerator, monthly.denominator
        rows, rem = [], p
        if method == "equal_instalment":
            payment = level_payment(p, monthly, m)
            for k in range(1, m + 1):
                interest = (rem * num * 2 + den) // (2 * den)
                part = rem if k == m else payment - interest
                rem -= part
                subsidy = (interest * sn * 2 + sd) // (2 * sd)
                rows.append((k, part, interest, subsidy, interest - subsidy, rem))
        else:
            base = p // m
            for k in range(1, m + 1):
                interest = (rem * num * 2 + den) // (2 * den)
                part = rem if k == m else base
                rem -= part
                subsidy = (interest * sn * 2 + sd) // (2 * sd)
                rows.append((k, part, interest, subsidy, interest - subsidy, rem))
        yield rows


def read(table) -> tuple[int, int, int]:
    """What a caller reads of a table, the same code for both sides: (rows, principal, interest)."""
    return len(table), sum(row[1] for row in table), sum(row[2] for row in table)


def one_at_a_time(tables) -> list:
    return [read(t) for t in tables]


def all_kept(tables) -> list:
    return list(tables)


def all_kept_collector_paused(tables) -> list:
    gc.disable()
    try:
        return list(tables)
    finally:
        gc.enable()


def timed(fn, source, n: int, months: int) -> tuple[float, float, list]:
    """(CPU seconds, wall seconds, the result) of one run, from a collected heap."""
    gc.collect()
    c0, w0 = time.process_time(), time.perf_counter()
    result = fn(source(n, months))
    return time.process_time() - c0, time.perf_counter() - w0, result


def as_rows(table) -> list[tuple]:
    return [tuple(row) for row in table]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loans", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=240)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, interleaved; the fastest is reported")
    parser.add_argument("--quick", action="store_true", help="one run of each")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    n, m = args.loans, args.months
    print(f"finance loan schedules: {n} loans × {m} months, best of {repeat} (CPU time); {os.cpu_count()} CPUs; "
          f"load {os.getloadavg()[0]:.2f}", flush=True)
    ways = (("one at a time", one_at_a_time), ("all kept", all_kept),
            ("all kept, collector paused", all_kept_collector_paused))
    best: dict[tuple[str, str], tuple[float, float]] = {}
    for _ in range(repeat):
        for way, fn in ways:
            results = {}
            for side, source in (("bare", bare), ("schedule", by_schedule)):
                cpu, wall, results[side] = timed(fn, source, n, m)
                if (way, side) not in best or cpu < best[way, side][0]:
                    best[way, side] = (cpu, wall)
            if fn is one_at_a_time:
                assert results["schedule"] == results["bare"], f"{way}: the yardstick computed other tables"
            else:
                for k in (0, n - 1):
                    assert as_rows(results["schedule"][k]) == results["bare"][k], f"loan {k}: another table"
                assert one_at_a_time(results["schedule"]) == one_at_a_time(results["bare"])
            del results
    rows = n * m
    for way, _ in ways:
        (s_cpu, s_wall), (b_cpu, b_wall) = best[way, "schedule"], best[way, "bare"]
        print(f"  {way}:")
        for label, cpu, wall in (("schedule()          ", s_cpu, s_wall), ("bare arithmetic loop", b_cpu, b_wall)):
            print(f"    {label}: {cpu:7.3f} s CPU ({wall:7.3f} s wall)  {rows / cpu:12,.0f} instalments/s")
        target = "  (target under 2×)" if way == ways[0][0] else ""
        print(f"    ratio schedule / bare: {s_cpu / b_cpu:5.2f}×{target}")
    from report import record  # the one report (bench/report.py)

    (s_cpu, s_wall), (b_cpu, b_wall) = best["one at a time", "schedule"], best["one at a time", "bare"]
    record("finance_loans", f"{n:,} loan schedules × {m} months, one at a time (schedule(), CPU)", s_cpu, "s",
           yardstick="the bare arithmetic loop, same tables, one at a time", yardstick_value=b_cpu,
           target=("<", round(2 * b_cpu, 4)),
           note=f"target: under 2× the bare arithmetic measured in the same run; wall {s_wall:.2f} s vs {b_wall:.2f} s")
    (k_cpu, _), (kb_cpu, _) = best["all kept", "schedule"], best["all kept", "bare"]
    (p_cpu, _), (pb_cpu, _) = best["all kept, collector paused", "schedule"], best["all kept, collector paused", "bare"]
    record("finance_loans", f"{n:,} loan schedules × {m} months, all kept alive (schedule(), CPU)", k_cpu, "s",
           yardstick="the bare arithmetic loop, all kept", yardstick_value=kb_cpu,
           note=f"the cyclic GC re-scans kept Instalment rows (plain tuples it untracks); with it paused "
                f"{p_cpu:.2f} s vs {pb_cpu:.2f} s = {p_cpu / pb_cpu:.2f}×; no caller keeps more than one schedule")
    return 0


if __name__ == "__main__":
    sys.exit(main())
