"""Loan schedules: 10,000 schedules of 240 months (`domain.schedule.schedule`, 等额本息 and 等额本金
alternately, with the union's subsidy split), next to the bare instalment arithmetic in a loop
measured in the same run. Not a test.

    .venv/bin/python bench/finance_loans.py [--loans 10000] [--months 240] [--repeat 3] [--quick]

Yardstick: the same numbers with nothing around them — per loan the level payment (or the
principal part), then per month the interest half-up in integer arithmetic, the principal part,
the remaining principal and the subsidy split, appended as a plain tuple. It checks that it
computed the same table as the schedule (the first and last loans compared in full, every
loan's total interest compared), so the yardstick cannot drift into doing less. Target: the
schedule within 2× of it.
"""

from __future__ import annotations

import argparse
import os
import sys
from fractions import Fraction

import harness  # bench/harness.py: the repository on sys.path, best_of

from services.finance.domain.schedule import level_payment, schedule  # noqa: E402 - after harness's path

RATES = ("0.031", "0.0325", "0.0275", "0.0415")
SHARE = Fraction(3, 10)


def loans(n: int, months: int):
    for i in range(n):
        yield (10_000_000 + (i * 7919) % 90_000_000, RATES[i % len(RATES)], months,
               "equal_instalment" if i % 2 == 0 else "equal_principal")


def by_schedule(n: int, months: int) -> list:
    return [schedule(p, r, m, method, SHARE) for p, r, m, method in loans(n, months)]


def bare(n: int, months: int) -> list:
    out = []
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
        out.append(rows)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loans", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=240)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one run of each")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    n, m = args.loans, args.months
    print(f"finance loan schedules: {n} loans × {m} months, best of {repeat}; {os.cpu_count()} CPUs", flush=True)
    t_bare, tables = harness.best_of(repeat, bare, n, m)
    t_sched, schedules = harness.best_of(repeat, by_schedule, n, m)
    for k in (0, n - 1):
        got = [(i.number, i.principal_fen, i.interest_fen, i.subsidy_fen, i.borrower_interest_fen, i.remaining_fen)
               for i in schedules[k]]
        assert got == tables[k], f"loan {k}: the yardstick computed another table"
    assert [sum(i.interest_fen for i in s) for s in schedules] == [sum(r[2] for r in t) for t in tables]
    rows = n * m
    print(f"  schedule()          : {t_sched:7.3f} s  {rows / t_sched:12,.0f} instalments/s")
    print(f"  bare arithmetic loop: {t_bare:7.3f} s  {rows / t_bare:12,.0f} instalments/s  (same tables)")
    print(f"  ratio schedule / bare: {t_sched / t_bare:5.2f}×  (target under 2×)")
    from report import record  # the one report (bench/report.py)

    record("finance_loans", f"{n:,} loan schedules × {m} months (schedule())", t_sched, "s",
           yardstick="the bare arithmetic loop, same tables", yardstick_value=t_bare,
           target=("<", round(2 * t_bare, 4)),
           note="target: under 2× the bare arithmetic measured in the same run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
