"""A bounded load run over all five services: mixed traffic on loopback for a fixed duration and
at most a fixed number of requests, reporting per endpoint the count, errors, p50 and p99, each
service's resident memory over time, and its growth over the run's second half (the long run:
its last ten minutes).

    .venv/bin/python bench/load.py [--seconds 900] [--rate 20] [--json report.json]

The rate: DESIGN.md §4 sizes a district at 200,000 applications a year (≈ 0.03/s averaged over
working hours, a few per second at a deadline's peak) and 20,000 tenancies billed monthly, so
20 requests/s of mixed reads and writes is several times a district's peak; what this run
checks is that the services hold it with no errors, steady latency and no memory growth.

The services run as `nameko run` processes on SQLite files in a temporary directory and on a
RabbitMQ vhost of the run's own (created and deleted through the management API of the local
broker); nothing but 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SERVICES = {
    "applications": "services.applications.service:ApplicationsService",
    "allocation": "services.allocation.service:AllocationService",
    "finance": "services.finance.service:FinanceService",
    "assistance": "services.assistance.service:AssistanceService",
    "notify": "services.notify.service:NotifyService",
}
MANAGEMENT = "http://127.0.0.1:15672/api"
BROKER = ("guest", "guest")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _token(role: str, subject: str) -> dict:
    from services.common.auth import JwtSettings, mint_token
    from services.common.config import load_config

    settings = JwtSettings.from_config(load_config("applications"))
    return {"Authorization": f"Bearer {mint_token(settings, subject=subject, role=role, district='demo')}"}


def _receipt_body() -> dict:
    return {"source": "donation", "amount_fen": random.randint(100, 10_000_00),
            "reference": f"LOAD-{uuid.uuid4().hex[:12]}", "received_on": datetime.now(UTC).date().isoformat()}


# (weight, service, method, path, who, body factory): the traffic mix
MIX = [
    (3, "finance", "POST", "/fund-receipts", "finance", _receipt_body),
    (2, "finance", "GET", "/fund-receipts?page=1&page_size=20", "auditor", None),
    (3, "notify", "GET", "/public/notices", None, None),
    (2, "allocation", "GET", "/pool?page=1&page_size=20", "auditor", None),
    (2, "applications", "GET", "/applications?page=1&page_size=20", "auditor", None),
    (1, "applications", "GET", "/application-counts", "auditor", None),
    (1, "assistance", "GET", "/referrals", "auditor", None),
    (1, "assistance", "GET", "/hardship-households", "auditor", None),
    (1, "finance", "GET", "/ready", None, None),
    (1, "notify", "GET", "/ready", None, None),
]


class Suite:
    """The five services as processes, on SQLite and a vhost of their own."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.vhost = f"anju-load-{uuid.uuid4().hex[:8]}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.bases: dict[str, str] = {}

    def start(self) -> None:
        requests.put(f"{MANAGEMENT}/vhosts/{self.vhost}", auth=BROKER, timeout=10).raise_for_status()
        requests.put(f"{MANAGEMENT}/permissions/{self.vhost}/guest", auth=BROKER, timeout=10,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        from services.common.migrations import upgrade

        for service, cls in SERVICES.items():
            url = f"sqlite:///{self.workdir}/{service}.db"
            upgrade(service, url)
            port = _free_port()
            env = dict(os.environ, DATABASE_URL=url, AMQP_URI=f"pyamqp://guest:guest@127.0.0.1:5672/{self.vhost}",
                       DISTRICT="demo", HTTP_HOST="127.0.0.1", HTTP_PORT=str(port), LOG_LEVEL="WARNING",
                       PYTHONWARNINGS="ignore")
            log = open(self.workdir / f"{service}.log", "ab")
            self.procs[service] = subprocess.Popen(
                [sys.executable, "-m", "nameko", "run", "--config", str(ROOT / "services" / service / "config.yaml"),
                 cls], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            log.close()
            self.bases[service] = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        for service, base in self.bases.items():
            while True:
                if self.procs[service].poll() is not None:
                    raise RuntimeError(f"{service} exited; see {self.workdir}/{service}.log")
                try:
                    if requests.get(f"{base}/ready", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{service} not ready after 90 s")
                time.sleep(0.2)

    def rss_mb(self) -> dict[str, float]:
        out = {}
        for service, proc in self.procs.items():
            try:
                for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        out[service] = int(line.split()[1]) / 1024
            except OSError:
                out[service] = float("nan")
        return out

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        requests.delete(f"{MANAGEMENT}/vhosts/{self.vhost}", auth=BROKER, timeout=10)


def run(seconds: float, rate: float, workers: int = 4, sample_every: float = 5.0, seed: int = 1) -> dict:
    """Run the load; return the report (a dict, also what --json writes)."""
    rng = random.Random(seed)
    max_requests = int(seconds * rate)
    with tempfile.TemporaryDirectory(prefix="anju-load-") as tmp:
        suite = Suite(Path(tmp))
        suite.start()
        tokens = {"finance": _token("finance_officer", "load-finance"), "auditor": _token("auditor", "load-audit")}
        plan = [rng.choices(MIX, weights=[m[0] for m in MIX])[0] for _ in range(max_requests)]
        latencies: dict[str, list[float]] = defaultdict(list)
        errors: dict[str, list[str]] = defaultdict(list)
        memory: list[tuple[float, dict]] = []
        started = time.monotonic()
        lock = threading.Lock()
        cursor = iter(range(max_requests))

        def worker():
            session = requests.Session()
            while True:
                with lock:
                    i = next(cursor, None)
                if i is None:
                    return
                due = started + i / rate  # a fixed schedule, not as fast as possible
                now = time.monotonic()
                if due > now:
                    time.sleep(due - now)
                if time.monotonic() - started > seconds:
                    return
                _, service, method, path, who, body = plan[i]
                name = f"{service} {method} {path.split('?')[0]}"
                t0 = time.perf_counter()
                try:
                    resp = session.request(method, suite.bases[service] + path, timeout=30,
                                           headers=tokens.get(who, {}), json=body() if body else None)
                    ok = resp.status_code < 400
                    detail = f"{resp.status_code} {resp.text[:200]}"
                except requests.RequestException as exc:
                    ok, detail = False, repr(exc)
                with lock:
                    latencies[name].append(time.perf_counter() - t0)
                    if not ok:
                        errors[name].append(detail)

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            memory.append((time.monotonic() - started, suite.rss_mb()))
            for t in threads:
                t.join(timeout=sample_every / len(threads))
        memory.append((time.monotonic() - started, suite.rss_mb()))
        elapsed = time.monotonic() - started
        suite.stop()

    def pct(values, q):
        return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]

    endpoints = {name: {"count": len(v), "errors": len(errors[name]), "p50_ms": round(pct(v, 50) * 1000, 1),
                        "p99_ms": round(pct(v, 99) * 1000, 1)} for name, v in sorted(latencies.items())}
    total = sum(e["count"] for e in endpoints.values())
    # growth over the last ten minutes (or the second half of a shorter run), per service
    window_start = elapsed - 600 if elapsed >= 890 else elapsed / 2
    growth = {}
    for service in SERVICES:
        window = [m[service] for t, m in memory if t >= window_start]
        growth[service] = round(window[-1] - window[0], 1) if len(window) > 1 else 0.0
    return {"seconds": round(elapsed, 1), "rate_per_s": rate, "requests": total,
            "errors": sum(e["errors"] for e in endpoints.values()),
            "error_rate": (sum(e["errors"] for e in endpoints.values()) / total) if total else 1.0,
            "endpoints": endpoints, "error_samples": {k: v[:3] for k, v in errors.items() if v},
            "memory_mb": [(round(t, 1), {k: round(v, 1) for k, v in m.items()}) for t, m in memory],
            "memory_growth_mb": growth, "growth_window_from_s": round(window_start, 1)}


def print_report(report: dict) -> None:
    print(f"{report['requests']} requests in {report['seconds']} s at {report['rate_per_s']}/s; "
          f"errors {report['errors']} ({report['error_rate']:.2%})")
    print(f"{'endpoint':<48}{'count':>7}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}")
    for name, e in report["endpoints"].items():
        print(f"{name:<48}{e['count']:>7}{e['errors']:>8}{e['p50_ms']:>9}{e['p99_ms']:>9}")
    print("resident memory (MB) over time:")
    services = list(SERVICES)
    print("   t(s) " + "".join(f"{s:>14}" for s in services))
    step = max(1, len(report["memory_mb"]) // 15)
    for t, m in report["memory_mb"][::step] + [report["memory_mb"][-1]]:
        print(f"{t:>7} " + "".join(f"{m.get(s, float('nan')):>14}" for s in services))
    print(f"growth from t={report['growth_window_from_s']} s to the end (MB): {report['memory_growth_mb']}")
    for name, samples in report["error_samples"].items():
        print(f"  errors on {name}: {samples}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=900.0)
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second (a fixed schedule)")
    parser.add_argument("--json", default=None, help="also write the report here")
    args = parser.parse_args()
    report = run(args.seconds, args.rate)
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    sys.exit(1 if report["errors"] else 0)


if __name__ == "__main__":
    main()
