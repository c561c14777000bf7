"""`anju demo --workers N --seed S [--json]`: play the demo district's year against the five
running services, print the summary read back from them and the consistency check; exit 1
naming each broken invariant."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from . import clock, notifications, phases, summary
from .client import DemoError, Services
from .district import generate
from .progress import Progress

ROOT = Path(__file__).resolve().parents[2]


def add_parser(sub) -> None:
    demo = sub.add_parser("demo", help="play the demo district's year against running services")
    demo.add_argument("--workers", type=int, default=5000, help="households (default 5000)")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--json", action="store_true", help="print the summary as JSON")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port-offset", type=int, default=0)
    demo.add_argument("--district", default=os.environ.get("DISTRICT", "demo"))
    demo.add_argument("--out", default=None, help="where round exports go (default var/demo)")
    demo.set_defaults(func=cmd_demo)


def play(svc: Services, workers: int, seed: int, out_dir: Path, progress: Progress,
         amqp_uri: str | None) -> dict:
    """The whole demo: phases, then the read-back summary and the check. Returns the report
    (``summary``, ``check``, ``skipped``, ``where_to_look``, ``seconds``)."""
    started = time.monotonic()
    down = svc.healthy()
    if down:
        raise DemoError(f"not answering /health: {', '.join(down)} — start them with `make run`")
    clock.check_adjustable(svc)
    if svc.get("applications", "/application-counts")["total"] or svc.get("allocation", "/projects")["total"]:
        raise DemoError("the district already holds applications or projects: the demo loads into empty databases")
    out_dir.mkdir(parents=True, exist_ok=True)
    run = phases.Run(svc, generate(workers, seed, clock.today(svc)), progress, out_dir, amqp_uri=amqp_uri)
    try:
        for phase in phases.PHASES:
            with run.timed(phase.__name__):
                phase(run)
    finally:
        if run.subscriber is not None and run.webhooks is None:  # stopped on the way: the server goes too
            run.subscriber.close()
    # notify's whole delivery log (tens of thousands of rows), read once for the check and the
    # summary: the bus is idle by now (notifications phase), so both would read the same
    with run.timed("delivery_log"):
        log = None if "notifications and webhooks" in run.skipped else notifications.deliveries(svc)
    with run.timed("check"):
        result = summary.check(svc, run.skipped, run.rounds, amqp_uri, run.webhooks, log)
    with run.timed("summary"):
        summarised = summary.summarise(svc, run.skipped, run.rounds, run.all_loan_ids, log)
    report = {"seed": seed, "workers": workers, "summary": summarised,
              "check": result.as_dict(), "skipped": dict(sorted(run.skipped.items())),
              "where_to_look": summary.where_to_look(svc, run.rounds),
              "seconds": round(time.monotonic() - started, 1),
              # where the time went (wall seconds per phase; the months' hooks as months.<hook>):
              # outside the summary, which the same seed must reproduce
              "phase_seconds": {k: round(v, 1) for k, v in run.seconds.items()}}
    (out_dir / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return report


def render(report: dict) -> str:
    s = report["summary"]
    lines = [f"\nDemo district: {report['workers']} workers, seed {report['seed']} "
             f"({report['seconds']} s)",
             "  seconds by phase: " + ", ".join(f"{k} {v}" for k, v in report.get("phase_seconds", {}).items()),
             "", "Applications by outcome:"]
    lines += [f"  {state:<18}{n:>8}" for state, n in s["applications"]["by_state"].items()]
    lines += [f"  {'total':<18}{s['applications']['total']:>8}", "",
              f"Hardship households registered: {s['hardship_households']}", "", "Rounds:"]
    lines += [f"  {r['programme']:<18} pool {r['pool_size']:>6}  units {r['units']:>6}  matched {r['matched']:>6}"
              f"  waitlisted {r['waitlisted']:>6}" for r in s["rounds"]]
    lines += ["", "Offers: " + ", ".join(f"{k} {v}" for k, v in s["offers"].items()),
              "Tenancies: " + ", ".join(f"{k} {v}" for k, v in s["tenancies"].items()),
              f"Units occupied: {s['units']['occupied']} of {s['units']['total']} "
              f"({s['units']['occupancy_rate']:.1%})", "",
              "Relief paid by category (yuan): " + (", ".join(
                  f"{k} {v / 100:,.2f}" for k, v in s["relief"]["paid_fen_by_category"].items()) or "none"),
              "Relief cases: " + ", ".join(f"{k} {v}" for k, v in s["relief"]["cases_by_status"].items()),
              f"Funds balance (yuan): {s['funds']['balance_fen'] / 100:,.2f}", "",
              *_rent_lines(s["rent"]), *_loan_lines(s["loans"]),
              f"Notifications and webhooks: {s['notifications']}",
              "", "Consistency check:"]
    for name, r in report["check"]["invariants"].items():
        lines.append(f"  {'ok  ' if r['ok'] else 'FAIL'}  {name}" + (f"  ({r['detail']})" if r["detail"] else ""))
    w = report["where_to_look"]
    rows = [("public notice board", w["public_notice_board"]), ("public fund flows", w["public_fund_flows"]),
            ("the board and chart", w["public_board_with_fund_flow_chart"]), ("a staff token", w["staff_token"]),
            ("the ledger", w["verify_ledger"]), *(("a round", v) for v in w["verify_rounds"]),
            *((f"admin API ({k})", v) for k, v in w["admin_apis"].items()),
            *((f"metrics ({k})", v) for k, v in w["metrics"].items())]
    width = max(len(label) for label, _ in rows) + 2  # the longest label still leaves two spaces
    lines += ["", "Where to look next:", *(f"  {label.ljust(width)}{value}" for label, value in rows)]
    return "\n".join(lines)


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def _rent_lines(r) -> list[str]:
    if isinstance(r, str):
        return [f"Rent: {r}"]
    buckets = ", ".join(f"{b} days {v['accounts']} ({_yuan(v['overdue_fen'])})"
                        for b, v in r["in_arrears"]["by_bucket"].items())
    return [f"Rent (yuan): billed {_yuan(r['billed_fen'])} in {r['invoices']} invoices, collected "
            f"{_yuan(r['collected_fen'])} ({r['collection_rate']:.1%}), reductions {_yuan(r['reductions_fen'])}",
            f"Rent arrears: {r['in_arrears']['accounts']} accounts — {buckets}",
            "Referrals from arrears: " + (", ".join(f"{k} {v}" for k, v in r["referrals"]["by_outcome"].items())
                                          or "none"), ""]


def _loan_lines(x) -> list[str]:
    if isinstance(x, str):
        return [f"Loans: {x}"]
    return ["Loans: " + ", ".join(f"{k} {v}" for k, v in x["by_status"].items())
            + f"; disbursed {_yuan(x['disbursed_fen'])} yuan, outstanding {_yuan(x['outstanding_principal_fen'])}"
            f" yuan; in arrears {x['in_arrears']['loans']} ({_yuan(x['in_arrears']['arrears_fen'])} yuan overdue)", ""]


def cmd_demo(args) -> None:
    svc = Services(args.host, args.port_offset, args.district)
    out = Path(args.out) if args.out else ROOT / "var" / "demo"
    amqp_uri = os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/")
    try:
        report = play(svc, args.workers, args.seed, out, Progress(), amqp_uri)
    except DemoError as exc:
        sys.exit(f"anju demo: {exc}")
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else render(report))
    if not report["check"]["ok"]:
        broken = [f"{k}: {v['detail']}" for k, v in report["check"]["invariants"].items() if not v["ok"]]
        sys.exit("anju demo: consistency check FAILED — " + "; ".join(broken))

