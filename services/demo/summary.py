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
from urllib.parse import quote, urlparse

import requests

from services.common.config import SERVICES

from .client import Services

OFFER_STATUSES = ("open", "accepted", "declined", "expired", "withdrawn", "moved_in")


def _total(svc: Services, service: str, path: str, **params) -> int:
    return svc.get(service, path, page_size=1, **params)["total"]


def summarise(svc: Services, skipped: dict[str, str], rounds: list[dict]) -> dict:
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
        "rent": skipped.get("rent billing", "see the billing phase"),
        "loans": skipped.get("loans", "see the loans phase"),
        "notifications": skipped.get("notifications and webhooks", "see the notifications phase"),
    }
    return summary


def where_to_look(svc: Services, rounds: list[dict]) -> dict:
    b = svc.bases
    return {
        "public_notice_board": f"{b['applications']}/public/notices",
        "public_fund_flows": f"{b['notify']}/public/fund-flows",
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


def check(svc: Services, skipped: dict[str, str], rounds: list[dict], amqp_uri: str | None) -> Check:
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
    uri = urlparse(amqp_uri.replace("pyamqp://", "amqp://", 1))
    vhost = uri.path[1:] or "/"
    api = os.environ.get("RABBIT_MANAGEMENT_URL", f"http://{uri.hostname or '127.0.0.1'}:15672")
    try:
        resp = requests.get(f"{api}/api/queues/{quote(vhost, safe='')}", timeout=10,
                            auth=(uri.username or "guest", uri.password or "guest"))
        resp.raise_for_status()
    except requests.RequestException as exc:
        return False, f"cannot read the broker's queues at {api}: {exc}"
    dead = {q["name"]: q.get("messages", 0) for q in resp.json() if q["name"].endswith(".dlq") and q.get("messages")}
    return not dead, json.dumps(dead) if dead else ""


# Invariants that come with the phases other work brings: every tenancy billed once for each
# month it was active (rent billing), every notification-worthy event delivered once (notify).
# Each is a function (svc, check) that calls check.record(name, ok, detail).
CHECK_HOOKS: list = []
