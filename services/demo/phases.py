"""The demo district's year, as a list of phases: each a small function of the run's context,
talking to the services only through their public admin APIs (and, between services, the
bus). `PHASES` is the order (rent, loans and notifications in their modules); a phase that needs endpoints
this build does not have (as notify's webhooks once were) checks the running services'
/openapi.json and reports "not available in this build" — it never pretends a result.

Which worker is returned, rejected, objected to or declines is decided from the seed and the
worker (or the unit's position), never at random during the run, so the same seed plays the
same year.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from . import clock, loans, notifications, rent
from .client import DemoError, Services, wait_until
from .district import District, Worker
from .progress import Progress

NOT_AVAILABLE = "not available in this build"
THREADS = 4  # parallel requests in bulk phases: the services' worker pools, not the machine, bound it


@dataclass
class Run:
    """What the phases share: the services, the generated district, and what was learnt on the
    way (ids the services assigned) — never used for the summary, which is read back."""

    svc: Services
    district: District
    progress: Progress
    out_dir: Path
    app_of: dict[int, str] = field(default_factory=dict)  # worker index → application id
    worker_of: dict[str, Worker] = field(default_factory=dict)  # application id → worker
    created: dict[str, dict] = field(default_factory=dict)  # application id → state, version when entered
    rounds: list[dict] = field(default_factory=list)  # round_id, programme, export path, verdict
    skipped: dict[str, str] = field(default_factory=dict)  # phase → why it did not run
    revoked: list[str] = field(default_factory=list)  # application ids revoked at the re-check
    hardship_households: dict[str, str] = field(default_factory=dict)  # person_ref → household id
    tenancy_ids: list[str] = field(default_factory=list)  # the year's tenancies, by unit id
    payer_of: dict[str, str] = field(default_factory=dict)  # tenancy id → how its tenant pays (rent.payer)
    rent_reduction: str | None = None  # the relief id of the hardship referral's rent reduction
    loan_ids: list[str] = field(default_factory=list)  # disbursed loans, in the order taken
    all_loan_ids: list[str] = field(default_factory=list)  # every application, the rejected one too
    subscriber: object | None = None  # the demo's webhook subscriber (notifications.Subscriber)
    subscription_id: str | None = None
    webhooks: dict | None = None  # what the subscriber received, for the check
    amqp_uri: str | None = None  # the services' broker: the end waits for its event queues to empty
    seconds: dict[str, float] = field(default_factory=dict)  # phase → wall seconds (the report's phase_seconds)

    @contextmanager
    def timed(self, name: str) -> Iterator[None]:
        """Add the wall time of the block to ``seconds[name]`` (a phase's cost, for the report;
        the demo's own duration, not the district's clock)."""
        started = time.monotonic()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.monotonic() - started

    def bulk(self, name: str, items: list, fn: Callable) -> list:
        bar = self.progress.phase(name, len(items))
        results = []
        with ThreadPoolExecutor(THREADS) as pool:
            for result in pool.map(fn, items):
                results.append(result)
                bar.advance()
        bar.finish()
        return results

    def today(self) -> date:
        return clock.today(self.svc)


# -- the district's set-up ---------------------------------------------------------------------

def stock(run: Run) -> None:
    """6 projects of different programmes and supply modes; their units by the JSON import."""
    bar = run.progress.phase("stock", len(run.district.projects))
    for project in run.district.projects:
        run.svc.call("allocation", "POST", "/projects", json={
            "id": project.id, "name": project.name, "programme": project.programme,
            "supply_mode": project.supply_mode, "address": project.address})
        units = list(project.units)
        for i in range(0, len(units), 1000):
            run.svc.call("allocation", "POST", f"/projects/{project.id}/units", json={"units": units[i:i + 1000]})
        bar.advance()
    bar.finish(f"{run.district.unit_count} units")


def funds(run: Run) -> None:
    """Receipts from several sources (two into the relief fund); the year's relief budgets."""
    d = run.district
    bar = run.progress.phase("funds and budgets", len(d.receipts) + 2)
    on = run.today().isoformat()
    for r in d.receipts:
        run.svc.call("finance", "POST", "/fund-receipts", json={
            "source": r.source, "amount_fen": r.amount_fen, "reference": r.reference, "received_on": on,
            "for_relief": r.for_relief, "memo": "示范区资金到账"})
        bar.advance()
    for year in (d.start.year, d.start.year + 1):  # the demo's year spans two calendar years
        run.svc.call("finance", "PUT", f"/relief-budgets/{year}", json={"amount_fen": d.relief_budget_fen})
        run.svc.call("assistance", "PUT", f"/relief-budgets/{year}/cash", json={"total_fen": d.relief_budget_fen})
        run.svc.call("assistance", "PUT", f"/relief-budgets/{year}/rent_reduction",
                     json={"total_fen": d.relief_budget_fen // 5})
        bar.advance()
    bar.finish()


def hardship(run: Run) -> None:
    """The hardship registry (困难职工档案): about 3% of households."""
    workers = [w for w in run.district.workers if w.hardship]

    def register(w: Worker):
        body = run.svc.call("assistance", "POST", "/hardship-households", json={
            "id_number": w.id_number, "name": w.name, "category": w.hardship}).json()
        return body["person_ref"], body["household_id"]

    run.hardship_households.update(run.bulk("hardship registry", workers, register))


# -- applications ------------------------------------------------------------------------------

def _application(w: Worker, submit: bool) -> dict:
    return {
        "applicant": {"name": w.name, "id_number": w.id_number, "phone": w.phone, "enterprise": w.enterprise,
                      "hire_date": w.hire_date.isoformat(), "union_member": w.union_member,
                      "frontline": w.frontline, "honour": w.honour},
        "members": [{"relation": m.relation, "name": m.name, "id_number": m.id_number,
                     "monthly_income_fen": m.monthly_income_fen} for m in w.members],
        "programme": w.programme, "monthly_household_income_fen": w.monthly_household_income_fen,
        "housing": {"kind": w.housing_kind, "area_m2": w.housing_area_m2},
        "preferences": _preferences(w), "submit": submit,
    }


def _preferences(w: Worker) -> list[str]:
    return {"public_rental": ["GR1", "GR2"] if w.index % 3 else ["GR2", "GR1"]}.get(w.programme, [w.programme])


def _eo(run: Run, w: Worker) -> dict:
    return run.svc.token("enterprise_officer", subject=f"demo-eo-{w.enterprise}", enterprise=w.enterprise)


def applications(run: Run) -> None:
    """Every worker's application, entered by their enterprise union and submitted; one that the
    eligibility pre-check refuses (422) is kept as a draft, as staff would."""

    def submit(w: Worker):
        resp = run.svc.call("applications", "POST", "/applications", _eo(run, w), ok=(201, 422),
                            json=_application(w, submit=True))
        if resp.status_code == 422:
            resp = run.svc.call("applications", "POST", "/applications", _eo(run, w),
                                json=_application(w, submit=False))
        return w, resp.json()

    for w, app in run.bulk("applications", list(run.district.workers), submit):
        run.app_of[w.index] = app["application_id"]
        run.worker_of[app["application_id"]] = w
        run.created[app["application_id"]] = {"state": app["state"], "version": app["version"]}


def _decision(w: Worker, level: str, seed: int) -> str:
    """The reviewer's decision for this worker at this level, fixed by seed and worker."""
    k = (w.index * 7919 + seed * 104729 + {"enterprise": 1, "district": 2, "city": 3}[level]) % 100
    if level == "enterprise" and k < 6:
        return "return"
    if k >= 96:
        return "reject"
    return "pass"


def reviews(run: Run) -> None:
    """Enterprise → district (→ city) review. Some are returned for correction (补正): edited and
    resubmitted, they go back to the enterprise union and are passed; some are rejected."""
    svc, seed = run.svc, run.district.seed
    district, city = svc.officer(1), svc.token("city_officer", subject="demo-city-officer")

    def review(app_id: str):
        w = run.worker_of[app_id]
        app = run.created[app_id]  # state and version as the last answer gave them: no extra reads
        returned = False
        for _ in range(8):  # at most: three levels, a return, a resubmission, three levels
            state = app["state"]
            if state == "returned":
                body = _application(w, submit=False) | {"version": app["version"]}
                body.pop("submit")
                edited = svc.call("applications", "PUT", f"/applications/{app_id}", _eo(run, w), json=body).json()
                app = svc.call("applications", "POST", f"/applications/{app_id}/submit", _eo(run, w),
                               json={"version": edited["version"]}).json()
                continue
            level = {"submitted": "enterprise", "district_review": "district", "city_review": "city"}.get(state)
            if level is None:
                return state
            decision = _decision(w, level, seed)
            if decision == "return" and returned:
                decision = "pass"
            returned = returned or decision == "return"
            headers = {"enterprise": _eo(run, w), "district": district, "city": city}[level]
            app = svc.call("applications", "POST", f"/applications/{app_id}/reviews", headers, json={
                "level": level, "decision": decision, "version": app["version"],
                "reasons": [] if decision == "pass" else [{"return": "收入证明缺失，请补正",
                                                          "reject": "家庭人均住房面积核实超标"}[decision]]}).json()
        raise DemoError(f"application {app_id} still {app['state']} after its reviews")

    submitted = [a for a, app in run.created.items() if app["state"] != "draft"]
    run.bulk("reviews (3 levels)", submitted, review)


def objections(run: Run) -> None:
    """A few objections (异议) during the notice period: the first is upheld (the application is
    rejected), the others dismissed."""
    in_notice = sorted(a["application_id"] for a in run.svc.pages("applications", "/applications", state="in_notice"))
    few = max(2, min(5, len(in_notice) // 150))  # the public board takes 5 an hour from one client
    picked = sorted(in_notice, key=lambda a: run.worker_of[a].index)[:few]
    bar = run.progress.phase("objections", len(picked))
    for n, app_id in enumerate(picked):
        filed = run.svc.call("applications", "POST", f"/applications/{app_id}/objections", headers={},
                             json={"reason": "群众反映申请人家庭另有住房，请核实"}).json()
        run.svc.call("applications", "POST", f"/objections/{filed['objection_id']}/resolve", json={
            "upheld": n == 0, "note": "经核实情况属实" if n == 0 else "经核实不属实，驳回异议"})
        bar.advance()
    bar.finish()


def notices(run: Run) -> None:
    """The notice period (公示) ends: time moves past it and the notices are closed; allocation
    takes the approved applications into its pool from application.approved."""
    bar = run.progress.phase("notice period", 3)
    clock.advance(run.svc, days=8)
    bar.advance()
    for _ in range(1000):  # one call closes a batch of the due notices; until none is left
        if run.svc.call("applications", "POST", "/admin/notices/close").json()["count"] == 0:
            break
    bar.advance()
    approved = run.svc.get("applications", "/application-counts")["by_state"].get("approved", 0)
    wait_until(f"allocation's pool to hold the {approved} approved applications",
               lambda: run.svc.get("allocation", "/pool", page_size=1)["total"] >= approved, timeout=120)
    bar.finish(f"{approved} approved")


# -- allocation --------------------------------------------------------------------------------

def rounds(run: Run) -> None:
    """One round per programme: opened (commitment to a secret seed), drawn with a public value,
    and checked by `anju verify-round` on its public export."""
    programmes = sorted({p.programme for p in run.district.projects})
    bar = run.progress.phase("allocation rounds", len(programmes))
    on = run.today()
    for programme in programmes:
        if run.svc.get("allocation", "/pool", programme=programme, page_size=1)["total"] == 0:
            bar.advance()
            continue
        projects = [p.id for p in run.district.projects if p.programme == programme]
        opened = run.svc.call("allocation", "POST", "/rounds", json={
            "programme": programme, "project_ids": projects, "draw_date": on.isoformat(),
            "public_value_source": f"福彩3D draw of {on.isoformat()}", "respond_days": 14,
            "quotas": _hardship_quota(run, programme, projects)}).json()
        digits = " ".join(str((run.district.seed * k + len(run.rounds) + len(programme)) % 10) for k in (7, 3, 1))
        run.svc.call("allocation", "POST", f"/rounds/{opened['round_id']}/draw", json={"public_values": [digits]})
        export = run.svc.get("allocation", f"/public/rounds/{opened['round_id']}/export", headers={})
        path = run.out_dir / f"round-{programme}.json"
        path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
        verdict = subprocess.run([sys.executable, "-m", "services.cli", "verify-round", str(path)],
                                 capture_output=True, text=True, timeout=300)
        run.rounds.append({"round_id": opened["round_id"], "programme": programme, "export": str(path),
                           "verdict": verdict.stdout.splitlines()[0] if verdict.stdout else verdict.stderr.strip()})
        bar.advance()
    bar.finish()


def _hardship_quota(run: Run, programme: str, projects: list[str]) -> dict:
    """Seats reserved for hardship households (困难职工优先), in whole percent of the round's
    units: enough for every one in the pool, so each is offered a unit whoever wins the lottery."""
    hardship = sum(1 for e in run.svc.pages("allocation", "/pool", programme=programme, page_size=500)
                   if "hardship" in e["priority_groups"])
    units = sum(len(p.units) for p in run.district.projects if p.id in projects)
    return {"hardship": min(100, -(-100 * hardship // units))} if hardship and units else {}


def _offer_choice(position: int) -> str:
    """What the applicant of the offer at ``position`` (offers ordered by unit id) answers."""
    return {5: "decline", 9: "expire"}.get(position % 12, "accept")


def offers(run: Run) -> None:
    """Offers answered: most accepted, some declined (the unit goes to the next on the waitlist),
    some left to expire after their respond-by day; the waitlist's offers are accepted. Hardship
    households accept (relocation relief is there so that every one can move in); the others
    answer by their offer's position among the others' (by unit id), so how many decline or
    let it expire follows from the counts, not from who won the lottery."""
    svc = run.svc
    first = sorted(svc.pages("allocation", "/offers", status="open"), key=lambda o: o["unit_id"])
    bar = run.progress.phase("offers", len(first))
    let_expire, position = [], 0
    for offer in first:
        if offer["person_ref"] in run.hardship_households:
            choice = "accept"
        else:
            choice, position = _offer_choice(position), position + 1
        if choice == "expire":
            let_expire.append(offer["offer_id"])
        else:
            svc.call("allocation", "POST", f"/offers/{offer['offer_id']}/{choice}", json={})
        bar.advance()
    # The waitlist moves up on declines: accept the offers that follow, before time moves on.
    _accept_open(run, keep=set(let_expire))
    clock.advance(svc, days=15)
    svc.call("allocation", "POST", "/admin/offers/expire", json={})
    wait_until("the expired offers", lambda: all(
        svc.get("allocation", f"/offers/{o}")["status"] == "expired" for o in let_expire), timeout=60)
    _accept_open(run, keep=set())
    bar.finish(f"{len(let_expire)} left to expire")


def _accept_open(run: Run, keep: set[str]) -> None:
    for _ in range(20):  # each pass answers the offers the last one caused
        open_ = [o for o in run.svc.pages("allocation", "/offers", status="open") if o["offer_id"] not in keep]
        if not open_:
            return
        for offer in open_:
            run.svc.call("allocation", "POST", f"/offers/{offer['offer_id']}/accept", json={})


def move_ins(run: Run) -> None:
    """Every accepted offer moves in: tenancies of three years start today (tenancy.started)."""
    accepted = list(run.svc.pages("allocation", "/offers", status="accepted"))
    start = run.today()
    end = start.replace(year=start.year + 3) - timedelta(days=1)

    def move_in(offer):
        run.svc.call("allocation", "POST", f"/offers/{offer['offer_id']}/move-in",
                     json={"start": start.isoformat(), "end": end.isoformat()})

    run.bulk("move-ins", accepted, move_in)


def relocation_relief(run: Run) -> None:
    """Relocation relief (回迁救助): assistance opened a case for each hardship household that
    moved in (from tenancy.started); two different district officers approve it, and finance
    pays it from the relief fund (relief.approved → relief.paid)."""
    svc = run.svc
    housed = {t["person_ref"] for t in svc.pages("allocation", "/tenancies", status="active")}
    expected = len(housed & set(run.hardship_households))
    wait_until(f"assistance to open {expected} relocation relief case(s)",
               lambda: svc.get("assistance", "/relief-cases", origin="relocation", page_size=1)["total"] >= expected,
               timeout=120)
    cases = list(svc.pages("assistance", "/relief-cases", origin="relocation", status="requested"))
    bar = run.progress.phase("relocation relief", len(cases))
    for case in cases:
        for n in range(case["approvals_needed"]):
            svc.call("assistance", "POST", f"/relief-cases/{case['relief_id']}/approvals", svc.officer(n + 1),
                     json={"note": "核实无误，同意救助"})
        bar.advance()
    wait_until("finance to receive every approved relocation relief", lambda: svc.get(
        "finance", "/relief-payments", page_size=1)["total"] >= len(cases), timeout=120)
    bar.finish()


# -- the months --------------------------------------------------------------------------------

def months(run: Run) -> None:
    """Twelve months pass (the clock moves to the first of each month). In the eighth the annual
    re-check (年审) finds some tenants' incomes above the ceiling; a district officer confirms it
    and the application is revoked (eligibility.revoked), allocation gives the tenancy its
    revocation notice; after it the tenancy ends (tenancy.ended). Each month the rent and loan
    hooks run (payments, the billing run, repayments)."""
    bar = run.progress.phase("the year, month by month", 12)
    for month in range(1, 13):
        today = run.today()
        clock.advance(run.svc, days=(rent.first_of_next_month(today) - today).days)
        for hook in MONTHLY_HOOKS:
            with run.timed(f"months.{hook.__name__}"):
                hook(run, month)
        if month == 8:
            with run.timed("months._recheck"):
                _recheck(run)
        bar.advance()
    if run.revoked:
        run.svc.call("allocation", "POST", "/admin/tenancies/process-notices", json={})
        wait_until("the revoked tenancies to end", lambda: all(
            t["status"] == "ended" for a in run.revoked
            for t in run.svc.get("allocation", "/tenancies", application_id=a)["items"]), timeout=60)
    bar.finish(f"{len(run.revoked)} revoked at the re-check")


def _recheck(run: Run) -> None:
    # By unit id, not by worker: which units are let follows from the seed, who got which from
    # the lottery — so the rent the revoked tenancy no longer pays is the same in every run.
    tenants = [t["application_id"] for t in sorted(run.svc.pages("allocation", "/tenancies", status="active"),
                                                   key=lambda t: t["unit_id"])]
    chosen = tenants[:max(1, len(tenants) // 100)]  # how many follows from the count alone
    if not chosen:
        return
    updates = [{"application_id": a, "monthly_household_income_fen": 90_000 * 100} for a in chosen]
    recheck = run.svc.call("applications", "POST", "/rechecks",
                           json={"as_of": run.today().isoformat(), "updates": updates}).json()
    for item in recheck["items"]:
        if item["outcome"] == "pending":
            run.svc.call("applications", "POST",
                         f"/rechecks/{recheck['recheck_id']}/items/{item['application_id']}/confirm", json={})
            run.revoked.append(item["application_id"])
    wait_until("allocation to give the revoked tenancies their notice", lambda: all(
        t.get("notice_end_on") for a in run.revoked
        for t in run.svc.get("allocation", "/tenancies", application_id=a)["items"]), timeout=60)


MONTHLY_HOOKS: list[Callable[[Run, int], None]] = [rent.rent_month, loans.loans_month]
PHASES: list[Callable[[Run], None]] = [
    notifications.subscribe, stock, funds, hardship, applications, reviews, objections, notices, rounds, offers,
    move_ins, relocation_relief, rent.rent_accounts, loans.loans, months, rent.rent_year_end,
    notifications.notifications,
]
