"""The demo's summary, READ BACK from the services' own list and report endpoints (never from
what the demo sent), and the consistency check: each invariant by name, with what broke it.

Figures that depend on who won the lottery (which person got which unit) are not in the
summary; counts are, and the district is shaped so they follow from the seed alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import requests

from services.common.config import SERVICES

from . import clock, notifications, rent
from .client import Services, broker_queues

OFFER_STATUSES = ("open", "accepted", "declined", "expired", "withdrawn", "moved_in")


def _total(svc: Services, service: str, path: str, **params) -> int:
    return svc.get(service, path, page_size=1, **params)["total"]


def summarise(svc: Services, skipped: dict[str, str], rounds: list[dict], loan_ids: list[str] = (),
              delivery_log: list[dict] | None = None) -> dict:
    counts = svc.get("applications", "/application-counts")
    occupancy = svc.get("allocation", "/occupancy", by="project")["groups"]
    units = sum(g["units"] for g in occupancy)
    occupied = sum(g["occupied"] for g in occupancy)
    reliefs = list(svc.pages("finance", "/relief-payments", key="reliefs"))
    paid_by_category: Counter = Counter()
    for r in reliefs:
        paid_by_category[r["category"]] += r["amount_paid_fen"]
    cases = list(svc.pages("assistance", "/relief-cases"))
    trial = svc.get("finance", "/trial-balance")
    received = sum(f["balance_fen"] for f in svc.get("finance", "/funds")["funds"])
    drawn = [svc.get("allocation", f"/rounds/{r['round_id']}") for r in rounds]
    summary = {
        "applications": {"total": counts["total"], "by_state": dict(sorted(counts["by_state"].items()))},
        "hardship_households": _total(svc, "assistance", "/hardship-households"),
        "rounds": [{"programme": d["programme"], "pool_size": d["pool_size"], "units": d["unit_count"],
                    "matched": d["matched"], "waitlisted": d["waitlisted"]} for d in sorted(
                        drawn, key=lambda d: d["programme"])],
        "pool": dict(sorted(Counter(e["status"] for e in svc.pages("allocation", "/pool")).items())),
        "offers": {s: _total(svc, "allocation", "/offers", status=s) for s in OFFER_STATUSES},
        "tenancies": {s: _total(svc, "allocation", "/tenancies", status=s) for s in ("active", "ended")},
        "units": {"total": units, "occupied": occupied,
                  "occupancy_rate": round(occupied / units, 4) if units else 0.0},
        "relief": {
            "cases_by_status": dict(sorted(Counter(c["status"] for c in cases).items())),
            "cases_by_origin": dict(sorted(Counter(c["origin"] for c in cases).items())),
            "paid_fen_by_category": dict(sorted(paid_by_category.items())),
            "payments_by_status": dict(sorted(Counter(r["status"] for r in reliefs).items())),
        },
        "funds": {"balance_fen": received, "trial_balance_balanced": trial["balanced"]},
        "rent": skipped.get("rent billing") or _rent(svc),
        "loans": skipped.get("loans") or _loans(svc, loan_ids),
        "notifications": skipped.get("notifications and webhooks") or notifications.summarise(svc, delivery_log),
    }
    return summary


def _statements(svc: Services) -> list[tuple[dict, dict | None]]:
    """Every tenancy allocation knows (active and ended) with finance's rent account and invoices
    of it (None when finance has no account for it) — from finance's two lists, not a statement
    per tenancy."""
    tenancies = [t for status in ("active", "ended") for t in svc.pages("allocation", "/tenancies", status=status)]
    accounts = {a["tenancy_id"]: a for a in svc.pages("finance", "/rent-accounts", key="accounts", page_size=500)}
    invoices: dict[str, list[dict]] = {}
    for inv in svc.pages("finance", "/rent-invoices", key="invoices", page_size=500):
        invoices.setdefault(inv["tenancy_id"], []).append(inv)
    return [(t, {"account": accounts[t["tenancy_id"]], "invoices": invoices.get(t["tenancy_id"], [])}
             if t["tenancy_id"] in accounts else None) for t in tenancies]


def _rent(svc: Services) -> dict:
    """Rent billed and collected over the tenancies' statements; arrears by bucket as finance
    ages them; assistance's referrals from arrears."""
    statements = [st for _, st in _statements(svc) if st]
    accounts = [st["account"] for st in statements]
    invoices = [i for st in statements for i in st["invoices"]]
    billed = sum(a["invoiced_fen"] for a in accounts)
    collected = sum(a["invoiced_fen"] - a["owed_fen"] for a in accounts)
    arrears = svc.get("finance", "/rent-arrears", page_size=1)
    # the accounts in arrears by the bucket of their oldest debt: one listing, counted here,
    # rather than a count from finance per bucket (each ages every account afresh)
    per_bucket = Counter(a["arrears"]["bucket"] for a in svc.pages("finance", "/rent-arrears", key="accounts",
                                                                     page_size=500))
    referrals = list(svc.pages("assistance", "/referrals"))
    return {
        "accounts": dict(sorted(Counter(a["status"] for a in accounts).items())),
        "invoices": len(invoices),
        "billed_fen": billed, "collected_fen": collected,
        "collection_rate": round(collected / billed, 4) if billed else 0.0,
        "owed_fen": sum(a["owed_fen"] for a in accounts),
        "reductions_fen": sum(i["reduction_fen"] for i in invoices),
        "in_arrears": {"accounts": arrears["total"], "by_bucket": {
            b: {"accounts": per_bucket[b], "overdue_fen": fen}
            for b, fen in sorted(arrears["totals"].items())}},
        "referrals": {"total": len(referrals),
                      "by_outcome": dict(sorted(Counter(r["outcome"] or r["status"] for r in referrals).items()))},
    }


def _loans(svc: Services, loan_ids) -> dict:
    """Each loan the demo applied for, as finance holds it now; outstanding and in arrears by
    finance's delinquency buckets."""
    wanted = set(loan_ids)
    loans = [x for x in svc.pages("finance", "/loans", key="loans") if x["loan_id"] in wanted]
    buckets = svc.get("finance", "/loan-delinquency")["buckets"]
    late = {b: v for b, v in buckets.items() if b != "current"}
    return {
        "by_status": dict(sorted(Counter(x["status"] for x in loans).items())),
        "disbursed_fen": sum(x["amount_fen"] for x in loans if x["disbursed_on"]),
        "outstanding_principal_fen": sum(v["principal_left_fen"] for v in buckets.values()),
        "in_arrears": {"loans": sum(v["loans"] for v in late.values()),
                       "arrears_fen": sum(v["arrears_fen"] for v in late.values()),
                       "principal_left_fen": sum(v["principal_left_fen"] for v in late.values())},
        "by_bucket": dict(sorted(buckets.items())),
    }


def where_to_look(svc: Services, rounds: list[dict]) -> dict:
    b = svc.bases
    return {
        "public_notice_board": f"{b['applications']}/public/notices",
        "public_fund_flows": f"{b['notify']}/public/fund-flows",
        "public_board_with_fund_flow_chart": f"{b['notify']}/public/notices",  # the chart: server-drawn SVG
        "admin_apis": {s: f"{b[s]}/openapi.json" for s in SERVICES},
        "staff_token": f".venv/bin/anju token --role district_officer --district {svc.district}",
        "verify_rounds": [f"curl -s {b['allocation']}/public/rounds/{r['round_id']}/export > round.json && "
                          ".venv/bin/anju verify-round round.json" for r in rounds],
        "verify_ledger": f"curl -s -H \"Authorization: Bearer $(.venv/bin/anju token --role finance_officer "
                         f"--district {svc.district})\" {b['finance']}/ledger/export | .venv/bin/anju verify-ledger -",
        "metrics": {s: f"{b[s]}/metrics" for s in SERVICES},
    }


# -- the consistency check ---------------------------------------------------------------------

@dataclass
class Check:
    results: list[tuple[str, bool, str]] = field(default_factory=list)

    def record(self, name: str, ok: bool, detail: str = "") -> None:
        self.results.append((name, bool(ok), detail))

    @property
    def ok(self) -> bool:
        return all(ok for _, ok, _ in self.results)

    def broken(self) -> list[str]:
        return [f"{name}: {detail}" for name, ok, detail in self.results if not ok]

    def as_dict(self) -> dict:
        return {"ok": self.ok, "invariants": {name: {"ok": ok, "detail": detail}
                                              for name, ok, detail in self.results}}


def check(svc: Services, skipped: dict[str, str], rounds: list[dict], amqp_uri: str | None,
          webhooks: dict | None = None, delivery_log: list[dict] | None = None) -> Check:
    c = Check()
    _ledger(svc, c)
    _tenancies(svc, c)
    _reliefs(svc, c)
    _approved(svc, c)
    by_state = svc.get("applications", "/application-counts")["by_state"]
    left = {k: by_state.get(k, 0) for k in ("in_notice", "objected", "submitted", "district_review", "city_review",
                                             "returned") if by_state.get(k)}
    c.record("no_application_left_midway", not left,
             f"still waiting a year later: {left}" if left else "every notice closed, every review done")
    _hardship(svc, c)
    c.record("rounds_verified", all(r["verdict"] == "MATCH" for r in rounds),
             "; ".join(f"{r['programme']}: {r['verdict']}" for r in rounds) or "no round drawn")
    c.record("outboxes_drained", *_outboxes(svc))
    if amqp_uri:
        c.record("no_dead_letters", *_dead_letters(amqp_uri))
    unwritten = {k: v for k, v in skipped.items() if "not written" in v}
    c.record("phases_complete", not unwritten, "; ".join(f"{k}: {v}" for k, v in unwritten.items()))
    for hook in CHECK_HOOKS:
        hook(svc, c)
    if "notifications and webhooks" not in skipped:
        notifications.check(svc, c, webhooks, delivery_log)
    return c


def _ledger(svc: Services, c: Check) -> None:
    trial = svc.get("finance", "/trial-balance")
    c.record("ledger_trial_balance_zero", trial["balanced"] and trial["debit_total_fen"] == trial["credit_total_fen"],
             f"debits {trial['debit_total_fen']} fen, credits {trial['credit_total_fen']} fen")
    inplace = svc.get("finance", "/ledger/verify")
    export = svc.call("finance", "GET", "/ledger/export").text
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        fh.write(export)
    try:
        done = subprocess.run([sys.executable, "-m", "services.cli", "verify-ledger", fh.name],
                              capture_output=True, text=True, timeout=300)
    finally:
        os.unlink(fh.name)
    first = (done.stdout or done.stderr).splitlines()[:1]
    c.record("verify_ledger_ok", inplace["ok"] and done.returncode == 0,
             f"in place: {inplace['status']}; anju verify-ledger: {first[0] if first else done.returncode}")


def _tenancies(svc: Services, c: Check) -> None:
    per_unit = Counter(t["unit_id"] for t in svc.pages("allocation", "/tenancies", status="active"))
    doubled = sorted(u for u, n in per_unit.items() if n > 1)
    c.record("no_unit_with_two_tenancies", not doubled, f"units with two: {doubled[:10]}" if doubled else "")


def _reliefs(svc: Services, c: Check) -> None:
    approved = [r for r in svc.pages("assistance", "/relief-cases", kind="cash") if r["status"] == "approved"]
    payments = {p["relief_id"]: p for p in svc.pages("finance", "/relief-payments", key="reliefs")}
    bad = [r["relief_id"] for r in approved
           if r["relief_id"] not in payments
           or not (payments[r["relief_id"]]["status"] == "paid" or payments[r["relief_id"]].get("pending_reason"))]
    c.record("relief_approved_paid_or_pending_with_reason", not bad,
             f"{len(bad)} of {len(approved)} without payment or reason: {bad[:5]}" if bad
             else f"{len(approved)} checked")


def _approved(svc: Services, c: Check) -> None:
    """Every approved application is in allocation's pool, housed (with an active tenancy) or
    waiting (offered, or on the waitlist); every revoked one has left the pool."""
    approved = [a["application_id"] for a in svc.pages("applications", "/applications", state="approved")]
    pooled = {e["application_id"]: e["status"] for e in svc.pages("allocation", "/pool")}
    tenants = {t["application_id"] for t in svc.pages("allocation", "/tenancies", status="active")}
    problems = [f"{a}: {pooled.get(a, 'not in the pool')}" for a in approved
                if pooled.get(a) not in ("active", "housed") or (pooled[a] == "housed") != (a in tenants)]
    revoked = [a["application_id"] for a in svc.pages("applications", "/applications", state="revoked")]
    problems += [f"{a}: revoked but {pooled.get(a, 'not in the pool')}" for a in revoked
                 if pooled.get(a) != "revoked"]
    c.record("approved_applications_accounted_for", not problems,
             "; ".join(problems[:5]) if problems else f"{len(approved)} approved, {len(revoked)} revoked checked")


def _hardship(svc: Services, c: Check) -> None:
    """A hardship household whose offer was accepted has moved in (a declined or expired offer
    is its recorded reason)."""
    refs = {h["person_ref"] for h in svc.pages("assistance", "/hardship-households")}
    stuck = [o["offer_id"] for o in svc.pages("allocation", "/offers", status="accepted") if o["person_ref"] in refs]
    c.record("hardship_households_allocated_moved_in", not stuck,
             f"accepted but not moved in: {stuck[:5]}" if stuck else "")


def _outboxes(svc: Services, timeout: float = 30.0) -> tuple[bool, str]:
    deadline = time.monotonic() + timeout
    while True:
        backlog = {}
        for service in SERVICES:
            text = svc.call(service, "GET", "/metrics", headers={}).text
            backlog[service] = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                                   if line.startswith("anju_outbox_backlog{"))
        if not any(backlog.values()) or time.monotonic() > deadline:
            left = {s: int(n) for s, n in backlog.items() if n}
            return not left, f"not yet confirmed: {left}" if left else ""
        time.sleep(0.5)


def _dead_letters(amqp_uri: str) -> tuple[bool, str]:
    """The broker's dead-letter queues (<queue>.dlq) of the services' vhost, by its management
    API (the operator's view; RabbitMQ's default port 15672)."""
    try:
        queues = broker_queues(amqp_uri)
    except requests.RequestException as exc:
        return False, f"cannot read the broker's queues: {exc}"
    dead = {q["name"]: q.get("messages", 0) for q in queues if q["name"].endswith(".dlq") and q.get("messages")}
    return not dead, json.dumps(dead) if dead else ""


def _billed_once(svc: Services, c: Check) -> None:
    """Every tenancy (allocation's list) has exactly one invoice for each month it was active —
    its start's month through its end, the day it ended or today — and none for another month
    but the zero ones finance lowers when a tenant moves out inside a billed month."""
    today = clock.today(svc)
    problems, checked = [], 0
    for t, st in _statements(svc):
        if st is None:
            problems.append(f"{t['tenancy_id']}: no rent account")
            continue
        last = min(date.fromisoformat(t["end"]), date.fromisoformat(t["ended_on"]) if t["ended_on"] else today)
        expected = set(rent.months_from(date.fromisoformat(t["start"]), last))
        count = Counter(i["month"] for i in st["invoices"])
        twice = sorted(m for m, n in count.items() if n > 1)
        missing = sorted(expected - set(count))
        extra = sorted(i["month"] for i in st["invoices"] if i["month"] not in expected and i["amount_fen"])
        if twice or missing or extra:
            problems.append(f"{t['tenancy_id']}: twice {twice}, missing {missing}, outside its tenancy {extra}")
        checked += 1
    c.record("every_tenancy_billed_once_per_active_month", not problems,
             "; ".join(problems[:5]) if problems else f"{checked} tenancies checked")


def _subledgers(svc: Services, c: Check) -> None:
    """The ledger's control accounts equal the sums over finance's own records: rent receivable
    (1131) the rent owed, rent received in advance (2205) the tenants' credit, union housing
    loans (1301) the principal the loans still owe."""
    accounts = [st["account"] for _, st in _statements(svc) if st]
    buckets = svc.get("finance", "/loan-delinquency")["buckets"]
    pairs = {"1131 rent receivable": (svc.get("finance", "/accounts/1131")["balance_fen"],
                                      sum(a["owed_fen"] for a in accounts)),
             "2205 rent in advance": (svc.get("finance", "/accounts/2205")["balance_fen"],
                                      sum(a["credit_fen"] for a in accounts)),
             "1301 loans": (svc.get("finance", "/accounts/1301")["balance_fen"],
                            sum(v["principal_left_fen"] for v in buckets.values()))}
    bad = {k: v for k, v in pairs.items() if v[0] != v[1]}
    c.record("ledger_matches_rent_and_loan_records", not bad,
             "; ".join(f"{k}: ledger {a} fen, records {b} fen" for k, (a, b) in (bad or pairs).items()))


# Invariants that come with the phases: every tenancy billed once for each month it was active,
# the ledger's control accounts against the rent and loan records (every notification delivered
# once: notifications.check, which needs what the subscriber received). Each is a function
# (svc, check) that calls check.record(name, ok, detail).
CHECK_HOOKS: list = [_billed_once, _subledgers]
