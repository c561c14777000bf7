"""Submit throughput of the applications service over HTTP, one service instance, on SQLite
and on PostgreSQL, next to a yardstick measured in the same run and driven the same way.

    .venv/bin/python bench/applications_submit.py [--quick] [--clients 4,8,16] [--profile DIR]

For each database the service runs in its own process, started as `anju run` starts it
(nameko's runner, eventlet monkey-patched, config from services/applications/config.yaml
with environment overrides), on the real RabbitMQ (a scratch vhost, deleted afterwards)
with the outbox relay running and a queue bound to `applications.events`, so every event
is really routed. This process drives it with plain OS threads, one keep-alive
http.client connection each (no eventlet here). Each submission is a distinct valid person,
and does validation, dedup, persistence, the eligibility pre-check and the outbox, in one of
two modes (`--modes`, both by default):
  direct  one request: POST /applications with "submit": true (the worker's complete
          application, submitted at once; one transaction);
  pair    two requests: POST /applications (draft), then POST /applications/<id>/submit
          (the staff workflow; two transactions; the submit request is the one timed).

Per mode:
  (a) closed loop: N clients issue submissions back to back → submissions/s and requests/s;
  (b) open loop: submissions arrive at a fixed 100/s for ~10 s (1 s in --quick) → latency of
      the submitting request (p50/p95/p99) and of the whole submission from its scheduled start.

Yardstick: a bare nameko service whose plain `@http` handler returns a constant (no
database, no broker), run by the same runner with the same config and logging, and driven
by the same client code (one POST per direct submission, two per pair).

Targets (issue 4): ≥ 300 submissions/s on PostgreSQL; submit p99 < 100 ms at 100/s.
`--profile DIR` runs the service under cProfile during the closed-loop phase and writes
DIR/<db>.pstats plus a short top list.

Why an earlier version of this benchmark timed out: a nameko service started with
`ServiceRunner` in a process that was not eventlet-monkey-patched never answers HTTP at
all — the outbox relay's green thread blocks the hub in a real `threading.Event.wait` /
socket read, so even /health times out. `nameko run` (and `--serve` below) patch first.
"""

import sys

SERVE = __name__ == "__main__" and sys.argv[1:2] == ["--serve"]
if SERVE:  # the service processes only; the driving process never imports eventlet
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import http.client  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import queue  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import quote, urlparse  # noqa: E402

import harness  # noqa: E402 - bench/harness.py: broker, PostgreSQL, service processes
from harness import AMQP_BASE, ROOT, pg_admin, rabbit  # noqa: E402

from services.common.identity import check_digit  # noqa: E402 - stdlib-only module

PG_DB = "anju_bench_applications"
VHOST = "anju_bench_applications"
SINK = "bench.applications.sink"
ENTERPRISE = "E-steel"
TARGET_RATE = 300.0  # submissions/s on PostgreSQL
TARGET_P99_MS = 100.0  # submit request at 100 submissions/s
OPEN_RATE = 100.0
REQUEST_TIMEOUT = 10.0


# -- infrastructure (bench/harness.py): RabbitMQ vhost with a sink, PostgreSQL, the processes -------

YARDSTICK_ROUTES = {("POST", "/ping"): (200, '{"application_id": "constant", "state": "draft"}')}


def vhost_up() -> str:
    amqp_uri = harness.vhost_up(VHOST)
    v = quote(VHOST, safe="")
    # What production has: someone subscribed to applications.events (so events are routed).
    rabbit("PUT", f"/exchanges/{v}/applications.events", {"type": "topic", "durable": True})
    rabbit("PUT", f"/queues/{v}/{SINK}", {"durable": False, "auto_delete": False})
    rabbit("POST", f"/bindings/{v}/e/applications.events/q/{SINK}", {"routing_key": "#"})
    return amqp_uri


def vhost_down() -> None:
    harness.vhost_down(VHOST)


def sink_depth(amqp_uri: str) -> int:
    """Messages in the sink now (AMQP passive declare; the management API's counts lag ~5 s)."""
    import amqp  # the plain AMQP client nameko/kombu use; no eventlet

    parsed = urlparse(amqp_uri)
    conn = amqp.Connection(f"{parsed.hostname}:{parsed.port or 5672}", userid=parsed.username or "guest",
                           password=parsed.password or "guest", virtual_host=VHOST, connect_timeout=5)
    conn.connect()
    try:
        return conn.channel().queue_declare(SINK, passive=True).message_count
    finally:
        conn.close()


def sink_purge() -> None:
    rabbit("DELETE", f"/queues/{quote(VHOST, safe='')}/{SINK}/contents")


def pg_url() -> str:
    return harness.pg_url(PG_DB)


def migrate(url: str) -> None:
    # `anju migrate` = services.common.migrations.upgrade, in a child so no eventlet is imported here
    subprocess.run([sys.executable, "-m", "services.cli", "migrate", "applications", "--database-url", url],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, timeout=120)


def mint_token() -> str:
    out = subprocess.run([sys.executable, "-m", "services.cli", "token", "--role", "enterprise_officer",
                          "--district", "demo", "--enterprise", ENTERPRISE, "--subject", "bench"],
                         cwd=ROOT, check=True, capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


def ServiceProcess(kind: str, workdir: str, database_url: str, amqp_uri: str,  # noqa: N802 - as before
                   profile: str | None) -> harness.ServiceProcess:
    return harness.ServiceProcess(__file__, kind, workdir, database_url, amqp_uri,
                                  extra_args=(profile,) if profile else ())


# -- the client side ------------------------------------------------------------------------------

def resident_id(region: str, born: date, seq: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def application_body(i: int, submit: bool = False) -> bytes:
    """A complete, eligible application for person number i (distinct ID numbers throughout, the
    household's members too: a person may be in one active household per programme);
    `submit`: submitted at once (one request) instead of saved as a draft."""
    born = date(1980, 1, 1) + timedelta(days=i // 1000)
    spouse = date(1982, 1, 1) + timedelta(days=i // 1000)
    return json.dumps({
        "applicant": {"name": "张小三", "id_number": resident_id("110105", born, i % 1000), "phone": "13812341234",
                      "email": "zxs@example.cn", "enterprise": ENTERPRISE, "hire_date": "2012-03-01",
                      "union_member": True, "honour": "city" if i % 7 == 0 else None, "frontline": i % 2 == 0,
                      "needs_accessible": False},
        "programme": ("public_rental", "shared_ownership", "staff_apartment")[i % 3],
        "members": [{"relation": "spouse", "name": "李四", "id_number": resident_id("110106", spouse, i % 1000),
                     "monthly_income_fen": 200000},
                    {"relation": "child", "name": "张小小",
                     "id_number": resident_id("110107", date(2015, 6, 1) + timedelta(days=i // 1000), i % 1000),
                     "monthly_income_fen": 0}],
        "monthly_household_income_fen": 500000,
        "housing": {"kind": "rented", "area_m2": "18.50"},
        "preferences": ["P1", "P2", "staff_apartment"],
        "submit": submit,
    }, ensure_ascii=False).encode()


class Failure(Exception):
    pass


class Client:
    """One keep-alive connection. `pair(i)` makes submission number i and returns the latency
    (s) of its submitting request: mode "direct" = one POST /applications with "submit": true;
    mode "pair" = POST /applications (draft) then POST …/submit (the submit is timed)."""

    def __init__(self, port: int, token: str, kind: str, mode: str = "direct"):
        self.port = port
        self.kind = kind
        self.mode = mode
        self.headers = {"Content-Type": "application/json", "Authorization": "Bearer " + token}
        self.conn = None
        self.requests = 0

    def _post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            self.conn.request("POST", path, body=body, headers=self.headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = None
            raise Failure(f"{type(exc).__name__} on {path.split('/')[1]}") from None
        self.requests += 1
        return resp.status, data

    def pair(self, i: int) -> float:
        if self.mode == "direct":
            started = time.perf_counter()
            if self.kind == "applications":
                status, data = self._post("/applications", application_body(i, submit=True))
                ok = status == 201 and b'"state": "submitted"' in data
            else:
                status, data = self._post("/ping", application_body(i, submit=True))
                ok = status == 200
            latency = time.perf_counter() - started
            if not ok:
                raise Failure(f"direct submit {status}: {data[:160]!r}")
            return latency
        if self.kind == "applications":
            status, data = self._post("/applications", application_body(i))
            if status != 201:
                raise Failure(f"create {status}: {data[:160]!r}")
            submit_path = f"/applications/{json.loads(data)['application_id']}/submit"
        else:
            status, data = self._post("/ping", application_body(i))
            if status != 200:
                raise Failure(f"ping {status}")
            submit_path = "/ping"
        started = time.perf_counter()
        status, data = self._post(submit_path, b"{}")
        latency = time.perf_counter() - started
        if status != 200:
            raise Failure(f"submit {status}: {data[:160]!r}")
        return latency

    def close(self):
        if self.conn is not None:
            self.conn.close()


class Errors:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}

    def add(self, text: str) -> None:
        with self.lock:
            self.counts[text] = self.counts.get(text, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def describe(self) -> str:
        return "; ".join(f"{n}× {t}" for t, n in sorted(self.counts.items(), key=lambda kv: -kv[1])[:3])


def closed_loop(port, token, kind, people, clients: int, seconds: float, max_pairs: int,
                mode: str = "direct") -> dict:
    """`clients` threads issue pairs back to back for `seconds` (or until max_pairs)."""
    errors = Errors()
    done = [0] * clients
    reqs = [0] * clients
    budget = itertools.count()
    start_gate = threading.Barrier(clients + 1)
    t = {}

    def worker(k: int):
        client = Client(port, token, kind, mode)
        start_gate.wait()
        try:
            while time.perf_counter() < t["end"] and next(budget) < max_pairs:
                try:
                    client.pair(next(people))
                    done[k] += 1
                except Failure as exc:
                    errors.add(str(exc))
        finally:
            reqs[k] = client.requests
            client.close()

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(clients)]
    for th in threads:
        th.start()
    t["start"] = time.perf_counter()
    t["end"] = t["start"] + seconds
    start_gate.wait()
    for th in threads:
        th.join(timeout=seconds + 3 * REQUEST_TIMEOUT)
    elapsed = time.perf_counter() - t["start"]
    return {"clients": clients, "pairs": sum(done), "requests": sum(reqs), "seconds": elapsed,
            "pairs_s": sum(done) / elapsed, "req_s": sum(reqs) / elapsed, "errors": errors}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def open_loop(port, token, kind, people, rate: float, seconds: float, workers: int = 32,
              mode: str = "direct") -> dict:
    """Pairs arrive on a fixed schedule (rate/s) whatever the answers do; a pool of keep-alive
    clients serves them. Latency of the whole pair counts from the scheduled start."""
    total = int(rate * seconds)
    arrivals: queue.Queue = queue.Queue()
    errors = Errors()
    submit_lat: list[float] = []
    pair_lat: list[float] = []
    lock = threading.Lock()
    hard_stop = time.perf_counter() + seconds + 2 * REQUEST_TIMEOUT + 5

    def worker():
        client = Client(port, token, kind, mode)
        try:
            while True:
                item = arrivals.get()
                if item is None or time.perf_counter() > hard_stop:
                    return
                i, scheduled = item
                try:
                    lat = client.pair(i)
                    finished = time.perf_counter()
                    with lock:
                        submit_lat.append(lat)
                        pair_lat.append(finished - scheduled)
                except Failure as exc:
                    errors.add(str(exc))
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for th in threads:
        th.start()
    t0 = time.perf_counter() + 0.05
    for k in range(total):
        scheduled = t0 + k / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        arrivals.put((next(people), scheduled))
    for _ in threads:
        arrivals.put(None)
    for th in threads:
        th.join(timeout=max(0.1, hard_stop - time.perf_counter()))
    ms = 1000.0
    return {"offered": total, "completed": len(submit_lat), "errors": errors,
            "submit_p50": percentile(submit_lat, 50) * ms, "submit_p95": percentile(submit_lat, 95) * ms,
            "submit_p99": percentile(submit_lat, 99) * ms, "submit_max": max(submit_lat, default=float("nan")) * ms,
            "pair_p99": percentile(pair_lat, 99) * ms}


# -- one target -----------------------------------------------------------------------------------

def measure(label, kind, workdir, db_url, amqp_uri, token, plan, profile_dir=None) -> dict:
    """Closed loops at each client count, then the open loop, for each mode (see Client)."""
    import signal

    profile = str(Path(profile_dir) / f"{label}.pstats") if profile_dir else None
    svc = ServiceProcess(kind, workdir, db_url, amqp_uri, profile)
    people = itertools.count()
    note(f"{label}: starting the service on port {svc.port}")
    result = {"label": label, "kind": kind, "modes": {}, "events": None}
    errors_total = 0
    try:
        svc.wait_ready()
        note(f"{label}: ready")
        warm = closed_loop(svc.port, token, kind, people, 4, plan["warmup"], 10_000)
        if warm["pairs"] == 0:
            raise RuntimeError(f"{label}: warm-up completed nothing ({warm['errors'].describe()})\n"
                               f"{svc.log_tail()}")
        errors_total += warm["errors"].total
        for mode in plan["modes"]:
            runs = result["modes"][mode] = {"closed": [], "open": None}
            if profile and mode == plan["modes"][0]:
                svc.signal(signal.SIGUSR1)
            for n in plan["clients"]:
                r = closed_loop(svc.port, token, kind, people, n, plan["closed_s"], plan["max_pairs"], mode)
                runs["closed"].append(r)
                errors_total += r["errors"].total
                say(f"  {label:<11} {mode:<6} closed loop, {n:>2} clients: {r['pairs_s']:7.1f} submissions/s "
                    f"{r['req_s']:7.1f} requests/s  ({r['pairs']} in {r['seconds']:.1f}s, {r['errors'].total} "
                    f"errors{': ' + r['errors'].describe() if r['errors'].total else ''})")
            if profile and mode == plan["modes"][0]:
                svc.signal(signal.SIGUSR2)
            time.sleep(0.5)  # let the relay catch up so the open loop starts from a quiet service
            o = runs["open"] = open_loop(svc.port, token, kind, people, OPEN_RATE, plan["open_s"], mode=mode)
            errors_total += o["errors"].total
            say(f"  {label:<11} {mode:<6} open loop {OPEN_RATE:.0f}/s: submit p50 {o['submit_p50']:.1f} ms, p95 "
                f"{o['submit_p95']:.1f} ms, p99 {o['submit_p99']:.1f} ms, max {o['submit_max']:.1f} ms; whole "
                f"submission p99 from schedule {o['pair_p99']:.1f} ms ({o['completed']}/{o['offered']}, "
                f"{o['errors'].total} errors{': ' + o['errors'].describe() if o['errors'].total else ''})")
        note(f"{label}: loops done")
        if kind == "applications":
            expected = next(people) - errors_total
            deadline = time.monotonic() + 20
            depth = sink_depth(amqp_uri)
            while depth < expected and time.monotonic() < deadline:
                time.sleep(0.5)
                depth = sink_depth(amqp_uri)
            result["events"] = (depth, expected)
            say(f"  {label:<11} application.submitted events routed to the bus: {depth}/{expected}")
            sink_purge()
    finally:
        svc.stop()
        note(f"{label}: stopped")
    result["errors"] = errors_total
    if profile and Path(profile).exists():
        import pstats

        say(f"  {label}: cProfile of the first mode's closed loops → {profile}; top by own time:")
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(12)
    return result


_T0 = time.monotonic()


def say(msg: str) -> None:
    print(msg, flush=True)


def note(msg: str) -> None:
    print(f"  [{time.monotonic() - _T0:5.1f}s] {msg}", flush=True)


def fmt_pass(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(results: list[dict]) -> None:
    say("\n" + "=" * 104)
    say(f"{'target':<12}{'mode':<8}{'closed loop: submissions/s (requests/s) by clients':<56}"
        f"{'open loop 100/s: submit p50/p95/p99 ms'}")
    say("-" * 104)
    for r in results:
        for mode, runs in r["modes"].items():
            closed = "  ".join(f"{c['clients']}: {c['pairs_s']:.0f} ({c['req_s']:.0f})" for c in runs["closed"])
            o = runs["open"]
            say(f"{r['label']:<12}{mode:<8}{closed:<56}{o['submit_p50']:.1f} / {o['submit_p95']:.1f} / "
                f"{o['submit_p99']:.1f}")
    say("-" * 104)
    pg = next((r for r in results if r["label"] == "postgresql"), None)
    yard = next((r for r in results if r["kind"] == "yardstick"), None)
    for r in results:
        if r["kind"] != "applications":
            continue
        scope = "" if r is pg else "   (the targets are set for PostgreSQL; shown for reference)"
        for mode, runs in r["modes"].items():
            best = max(runs["closed"], key=lambda c: c["pairs_s"])
            o = runs["open"]
            what = "direct submissions (1 request each)" if mode == "direct" else "draft + submit (2 requests each)"
            say(f"{r['label']:<11} {what}: max {best['pairs_s']:6.1f} submissions/s ({best['req_s']:.0f} requests/s, "
                f"{best['clients']} clients) vs ≥ {TARGET_RATE:.0f}: {fmt_pass(best['pairs_s'] >= TARGET_RATE)}; "
                f"submit p99 at {OPEN_RATE:.0f}/s {o['submit_p99']:.1f} ms vs < {TARGET_P99_MS:.0f} ms: "
                f"{fmt_pass(o['submit_p99'] < TARGET_P99_MS and o['completed'] == o['offered'])}{scope}")
        depth, expected = r["events"] or (0, 0)
        say(f"{'':<11} errors {r['errors']}; application.submitted events on the bus {depth}/{expected}")
    if yard:
        best = max((c for runs in yard["modes"].values() for c in runs["closed"]), key=lambda c: c["req_s"])
        first = yard["modes"][next(iter(yard["modes"]))]["open"]
        say(f"yardstick   bare nameko @http (constant reply, no database, no broker): {best['req_s']:.0f} requests/s "
            f"closed loop ({best['clients']} clients), p99 {first['submit_p99']:.1f} ms open loop")
        if pg:
            pbest = max((c for runs in pg["modes"].values() for c in runs["closed"]), key=lambda c: c["req_s"])
            say(f"            PostgreSQL applications: {pbest['req_s'] / best['req_s']:.0%} of the yardstick's "
                "requests/s")
    say("=" * 104)
    record_all(results)


def record_all(results: list[dict]) -> None:
    """The figures into the one report (bench/report.py): submissions/s and submit p50/p99 per
    database and mode, next to the bare @http yardstick of the same run."""
    from report import record

    yard = next((r for r in results if r["kind"] == "yardstick"), None)
    y_rate = y_p50 = y_p99 = None
    if yard:
        y_rate = max(c["req_s"] for runs in yard["modes"].values() for c in runs["closed"])
        y_open = yard["modes"][next(iter(yard["modes"]))]["open"]
        y_p50, y_p99 = y_open["submit_p50"], y_open["submit_p99"]
    for r in results:
        if r["kind"] != "applications":
            continue
        pg = r["label"] == "postgresql"
        for mode, runs in r["modes"].items():
            best = max(runs["closed"], key=lambda c: c["pairs_s"])
            what = "POST /applications submit:true" if mode == "direct" else "draft then submit"
            record("applications_submit", f"submissions/s, {what}, {r['label']}", best["pairs_s"], "submissions/s",
                   yardstick="bare nameko @http, requests/s", yardstick_value=y_rate,
                   target=(">=", TARGET_RATE) if pg else None,
                   note="" if pg else "the target is set for PostgreSQL")
            o = runs["open"]
            record("applications_submit", f"submit p50 at {OPEN_RATE:.0f}/s, {what}, {r['label']}", o["submit_p50"],
                   "ms", yardstick="bare nameko @http p50", yardstick_value=y_p50)
            record("applications_submit", f"submit p99 at {OPEN_RATE:.0f}/s, {what}, {r['label']}", o["submit_p99"],
                   "ms", yardstick="bare nameko @http p99", yardstick_value=y_p99,
                   target=("<", TARGET_P99_MS) if pg else None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts (< 30 s in all)")
    parser.add_argument("--clients", default=None, help="closed-loop client counts, e.g. 4,8,16")
    parser.add_argument("--profile", metavar="DIR", default=None, help="cProfile the services' closed loops")
    parser.add_argument("--modes", default="direct,pair",
                        help="direct (one request per submission) and/or pair (draft, then submit)")
    parser.add_argument("--only", choices=["sqlite", "postgresql", "yardstick"], action="append")
    args = parser.parse_args()
    if args.quick:
        plan = {"clients": [8], "warmup": 0.5, "closed_s": 2.0, "open_s": 1.5, "max_pairs": 2_000}
    else:
        plan = {"clients": [4, 8, 16], "warmup": 1.0, "closed_s": 6.0, "open_s": 10.0, "max_pairs": 20_000}
    plan["modes"] = args.modes.split(",")
    if args.clients:
        plan["clients"] = [int(c) for c in args.clients.split(",")]
    targets = args.only or ["yardstick", "sqlite", "postgresql"]
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    say(f"applications submit benchmark ({'quick' if args.quick else 'full'}): clients {plan['clients']}, "
        f"closed {plan['closed_s']}s each, open {OPEN_RATE:.0f}/s for {plan['open_s']}s; "
        f"{os.cpu_count()} CPUs; broker {AMQP_BASE.split('@')[-1]}{VHOST}")
    token = mint_token()
    results = []
    with tempfile.TemporaryDirectory(prefix="anju-bench-") as workdir:
        vhost_down()
        amqp_uri = vhost_up()
        try:
            if "yardstick" in targets:
                results.append(measure("yardstick", "yardstick", workdir, "sqlite:///" + workdir + "/unused.db",
                                       amqp_uri, token, plan, args.profile))
            if "sqlite" in targets:
                url = f"sqlite:///{workdir}/applications.db"
                migrate(url)
                results.append(measure("sqlite", "applications", workdir, url, amqp_uri, token, plan,
                                       args.profile))
            if "postgresql" in targets:
                pg_admin(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
                pg_admin(f'CREATE DATABASE "{PG_DB}"')
                try:
                    migrate(pg_url())
                    results.append(measure("postgresql", "applications", workdir, pg_url(), amqp_uri, token, plan,
                                           args.profile))
                finally:
                    pg_admin(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        finally:
            vhost_down()
    report(results)
    say(f"total {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    if SERVE:
        harness.serve("applications", "applications" if sys.argv[2] == "applications" else "yardstick",
                      YARDSTICK_ROUTES, profile_path=sys.argv[3] if len(sys.argv) > 3 else None)
    else:
        sys.exit(main())
