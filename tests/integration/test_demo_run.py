"""`make run` with empty databases: `anju run --demo 150` starts the five services (their clocks
adjustable, starting 400 days ago), plays the demo district's year through the public APIs and
the bus, prints the summary and the consistency check, and keeps serving. The report it wrote
(var/demo/report.json, read back from the services) must pass every invariant and hold the
counts; the Grafana dashboard's every metric must be in the running services' /metrics, and
the business gauges must say what the summary read back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests

from services.common.config import DEFAULT_PORTS, SERVICES
from services.demo import dashboard

ROOT = Path(__file__).resolve().parents[2]
OFFSET = 400  # away from a developer's `make run`, test_cli_run (200) and the README walk-through (300)
WORKERS = 150


def _start(data: Path, amqp: str, offset: int) -> dict:
    """`anju run --demo WORKERS` (what `make run` does on empty databases), started."""
    env = dict(os.environ, AMQP_URI=amqp, PYTHONWARNINGS="ignore")
    for key in ("CLOCK_ADJUSTABLE", "CLOCK_START", "JWT_SECRET", "NOTICE_DAYS"):
        env.pop(key, None)
    proc = subprocess.Popen([sys.executable, "-m", "services.cli", "run", "--port-offset", str(offset),
                             "--data-dir", str(data), "--demo", str(WORKERS)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    os.set_blocking(proc.stdout.fileno(), False)
    return {"proc": proc, "printed": "", "data": data, "amqp": amqp,
            "bases": {s: f"http://127.0.0.1:{DEFAULT_PORTS[s] + offset}" for s in SERVICES}}


def _wait_serving(runs: list[dict], timeout: float = 240) -> None:
    """Until each run has played the demo and says it serves (or stopped)."""
    deadline, waiting = time.monotonic() + timeout, list(runs)
    while waiting and time.monotonic() < deadline:
        quiet = True
        for run in list(waiting):
            line = run["proc"].stdout.readline()
            if line:
                quiet = False
                run["printed"] += line
                if "Press Ctrl-C" in line:
                    waiting.remove(run)
            elif run["proc"].poll() is not None:
                waiting.remove(run)
        if quiet:
            time.sleep(0.1)


def _stop(run: dict) -> None:
    if run["proc"].poll() is None:
        os.killpg(run["proc"].pid, signal.SIGTERM)
        run["proc"].wait(timeout=40)


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory, vhost_pipeline, pytestconfig):
    """Two districts from the same seed, each on its own databases, ports and vhost, played side
    by side (one for the checks and the dashboard, both for the same-summary test)."""
    uri = urlparse(pytestconfig.getoption("RABBIT_AMQP_URI"))
    with vhost_pipeline.get() as one, vhost_pipeline.get() as two:
        runs = [_start(tmp_path_factory.mktemp("demo-run"), f"{uri.scheme}://{uri.netloc}/{one}", OFFSET),
                _start(tmp_path_factory.mktemp("demo-again"), f"{uri.scheme}://{uri.netloc}/{two}", OFFSET + 50)]
        try:
            _wait_serving(runs)
            yield runs
        finally:
            for run in runs:
                _stop(run)


@pytest.fixture(scope="module")
def demo_run(demo_runs):
    return demo_runs[0]


def _report(run) -> dict:
    return json.loads((run["data"] / "demo" / "report.json").read_text(encoding="utf-8"))


def test_make_run_plays_the_demo_year_and_its_consistency_check_passes(demo_run):
    printed = demo_run["printed"]
    assert "Press Ctrl-C" in printed, printed[-3000:]
    assert "Consistency check:" in printed and "FAIL" not in printed, printed[-3000:]
    report = _report(demo_run)
    assert report["check"]["ok"], report["check"]
    names = set(report["check"]["invariants"])
    assert {"ledger_trial_balance_zero", "verify_ledger_ok", "no_unit_with_two_tenancies",
            "relief_approved_paid_or_pending_with_reason", "approved_applications_accounted_for",
            "hardship_households_allocated_moved_in", "rounds_verified", "outboxes_drained",
            "no_dead_letters", "phases_complete", "every_tenancy_billed_once_per_active_month",
            "ledger_matches_rent_and_loan_records", "notifications_delivered_once", "no_dead_deliveries",
            "webhooks_received_once_signed"} <= names
    s = report["summary"]
    by_state = s["applications"]["by_state"]
    assert s["applications"]["total"] == WORKERS
    # returned ones were corrected and passed; some refused at the pre-check stay drafts
    assert by_state["approved"] > WORKERS // 2 and by_state["rejected"] >= 2 and by_state["draft"] > 0
    assert by_state["revoked"] >= 1 and by_state.get("returned", 0) == 0
    assert s["tenancies"]["ended"] >= 1 and s["tenancies"]["active"] > 0
    assert s["offers"]["declined"] > 0 and s["offers"]["expired"] > 0 and s["offers"]["moved_in"] > 0
    # a unit freed by a move-out is offered to its programme's waitlist at once: such an offer may
    # still be open at the year's end; every other offer was answered
    assert s["offers"]["open"] <= s["tenancies"]["ended"] and s["offers"]["accepted"] == 0
    assert s["units"]["occupied"] == s["tenancies"]["active"] and 0 < s["units"]["occupancy_rate"] <= 1
    assert len(s["rounds"]) == 5 and all(r["matched"] > 0 for r in s["rounds"])
    assert s["hardship_households"] > 0
    assert s["funds"]["trial_balance_balanced"] is True
    # twelve billing runs: most paid on time, some late, a few in arrears; the hardship
    # household's arrears referred to assistance and its rent reduced
    rent = s["rent"]
    assert rent["accounts"]["active"] == s["tenancies"]["active"] and rent["accounts"]["ended"] >= 1
    assert rent["invoices"] >= 12 * s["tenancies"]["active"] and rent["billed_fen"] > 0
    assert 0.8 < rent["collection_rate"] < 1 and rent["owed_fen"] > 0
    assert rent["in_arrears"]["accounts"] >= 2 and rent["in_arrears"]["by_bucket"]["90+"]["accounts"] >= 1
    assert rent["referrals"]["by_outcome"].get("rent_reduction") == 1 and rent["reductions_fen"] > 0
    loans = s["loans"]
    assert loans["by_status"] == {"active": 2, "rejected": 1, "settled": 1}
    assert loans["in_arrears"]["loans"] == 1 and 0 < loans["outstanding_principal_fen"] < loans["disbursed_fen"]
    # notify's delivery log: applicants, tenants and borrowers by SMS and in-app; the demo's own
    # subscriber's webhooks, each received once and signed (the check above)
    notes = s["notifications"]
    assert notes["webhook_subscribers"] == 1
    for channel in ("sms", "inapp", "webhook"):
        assert notes["by_channel"][channel].get("sent", 0) > 0, notes
    assert all(not n.get("dead") for n in notes["by_channel"].values())
    for event_type in ("application.approved", "allocation.offered", "rent.invoiced", "rent.overdue",
                       "loan.disbursed", "relief.paid"):
        assert notes["by_event_type"].get(event_type, 0) > 0, notes
    # Read back, not echoed: the services say the same now.
    bases = demo_run["bases"]
    assert report["where_to_look"]["public_notice_board"] == f"{bases['applications']}/public/notices"
    token = subprocess.run([sys.executable, "-m", "services.cli", "token", "--role", "district_officer",
                            "--district", "demo"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    counts = requests.get(f"{bases['applications']}/application-counts",
                          headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    assert counts["by_state"] == by_state
    for round_ in report["where_to_look"]["verify_rounds"]:
        assert round_.endswith("anju verify-round round.json")


def _metrics(run) -> str:
    return "\n".join(requests.get(base + "/metrics", timeout=10).text for base in run["bases"].values())


def _sample(text: str, name: str, **labels) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{"):
            series, value = line.rsplit(" ", 1)
            if all(f'{k}="{v}"' in series for k, v in labels.items()):
                total += float(value)
    return total


def test_every_grafana_panel_names_a_metric_the_running_services_export(demo_run):
    text = _metrics(demo_run)
    board = dashboard.load()
    assert board["panels"], "no panels"
    assert not dashboard.missing(board, dashboard.exported(text))
    # the demo really moved events through the outbox the dashboard watches
    assert _sample(text, "anju_outbox_published_total") > WORKERS


def test_the_business_gauges_say_what_the_demo_summary_read_back(demo_run):
    """The dashboard's business figures, from the services' own tables at scrape time, equal the
    summary the demo read from their list and report endpoints. The gauges are recomputed at
    most every STATE_GAUGE_SECONDS (the demo's own check read /metrics): read again until then."""
    from services.common.metrics import STATE_GAUGE_SECONDS

    deadline = time.monotonic() + 2 * STATE_GAUGE_SECONDS
    while True:
        try:
            return _gauges_match(_report(demo_run)["summary"], _metrics(demo_run))
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def _gauges_match(s: dict, text: str) -> None:
    for state, n in s["applications"]["by_state"].items():
        assert _sample(text, "anju_applications_by_state", district="demo", state=state) == n, state
    assert _sample(text, "anju_applications_by_state", district="demo") == s["applications"]["total"]
    assert _sample(text, "anju_applications_review_queue", district="demo") == 0  # every review done
    assert _sample(text, "anju_allocation_units", district="demo") == s["units"]["total"]
    assert _sample(text, "anju_allocation_units", district="demo", status="occupied") == s["units"]["occupied"]
    assert _sample(text, "anju_finance_rent_billed_fen", district="demo") == s["rent"]["billed_fen"]
    assert _sample(text, "anju_finance_rent_collected_fen", district="demo") == s["rent"]["collected_fen"]
    assert abs(_sample(text, "anju_finance_rent_collection_ratio", district="demo")
               - s["rent"]["collection_rate"]) < 1e-4
    loans = s["loans"]
    for status, n in loans["by_status"].items():
        assert _sample(text, "anju_finance_loans", district="demo", status=status) == n, status
    assert _sample(text, "anju_finance_loans_outstanding_principal_fen") == loans["outstanding_principal_fen"]
    assert _sample(text, "anju_finance_loans_in_arrears") == loans["in_arrears"]["loans"] == 1
    assert _sample(text, "anju_finance_loans_arrears_fen") == loans["in_arrears"]["arrears_fen"] > 0
    # relief: the relocation cases used the cash budget, the hardship referral's rent reduction its own
    for kind in ("cash", "rent_reduction"):
        used = _sample(text, "anju_assistance_relief_budget_used_fen", kind=kind)
        assert 0 < used <= _sample(text, "anju_assistance_relief_budget_fen", kind=kind), kind


def test_the_same_seed_gives_the_same_summary(demo_runs):
    """A second district from the same seed, on its own databases and vhost: the summary read
    back is the same (the lottery's secret and the ids differ; the counts do not)."""
    first, again = demo_runs
    assert "Press Ctrl-C" in again["printed"], again["printed"][-3000:]
    second = _report(again)
    assert second["check"]["ok"], second["check"]
    assert second["summary"] == _report(first)["summary"]

    def round_ids(report):
        return {cmd.split("/rounds/")[1].split("/")[0] for cmd in report["where_to_look"]["verify_rounds"]}

    assert round_ids(_report(first)) and not round_ids(_report(first)) & round_ids(second)  # another district's
