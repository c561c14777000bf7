"""Single balanced postings over HTTP on PostgreSQL: POST /journal-entries throughput of one
finance service instance, next to a bare nameko `@http` yardstick measured in the same run and
driven the same way. Not a test.

    .venv/bin/python bench/finance_postings.py [--quick] [--clients 4,8,16] [--seconds 5]

Both run in their own process as `anju run` starts a service (nameko's runner, eventlet
monkey-patched, the service's config.yaml with environment overrides), on the real RabbitMQ (a
scratch vhost, deleted afterwards) and, for finance, a fresh PostgreSQL database
(anju_bench_finance, migrated by Alembic, dropped afterwards). This process drives them with
plain OS threads, one keep-alive http.client connection each (no eventlet here).

Each posting is an accountant's two-line entry (Dr 1122 other receivables / Cr 2241 other
payables, a distinct amount and idempotency id per request): authentication, validation, the
chain-head lock, the idempotency look-up, the period and account checks, the hash, lines,
entry, balances and head, and COMMIT — every posting of the district serialised on one row
lock, which is the point: the chain's order is well defined. The yardstick's handler returns a
constant (no database, no broker). Closed loop at each client count; the latency of the
requests in the best run is shown too. Ratio = postings/s ÷ yardstick requests/s.
"""

import sys

SERVE = __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--serve"
if SERVE:  # the service processes only
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import base64  # noqa: E402
import http.client  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import quote, urlparse  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AMQP_BASE = os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/")
RABBIT_API = os.environ.get("BENCH_RABBIT_API", "http://127.0.0.1:15672/api")
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DB = "anju_bench_finance"
VHOST = "anju_bench_finance"
TIMEOUT = 10.0


def serve(kind: str) -> None:
    import logging.config

    from nameko.cli.run import run

    from services.common.config import load_config

    config = load_config("finance")
    logging.config.dictConfig(config["LOGGING"])
    if kind == "finance":
        from services.finance.service import FinanceService as service_class
    else:
        from nameko.web.handlers import http

        class Yardstick:
            name = "bench_yardstick"

            @http("GET", "/ready")
            def ready(self, request):
                return 200, '{"status": "ready"}'

            @http("POST", "/journal-entries")
            def ping(self, request):
                return 201, '{"entry_id": "constant", "seq": 1}'

        service_class = Yardstick
    run([service_class], config)


def _rabbit(method: str, path: str, body=None):
    parsed = urlparse(AMQP_BASE)
    auth = base64.b64encode(f"{parsed.username or 'guest'}:{parsed.password or 'guest'}".encode()).decode()
    req = urllib.request.Request(RABBIT_API + path, method=method, data=json.dumps(body or {}).encode(),
                                 headers={"Authorization": "Basic " + auth, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        data = resp.read()
        return json.loads(data) if data else None


def vhost_up() -> str:
    v = quote(VHOST, safe="")
    _rabbit("PUT", f"/vhosts/{v}")
    _rabbit("PUT", f"/permissions/{v}/{quote(urlparse(AMQP_BASE).username or 'guest', safe='')}",
            {"configure": ".*", "write": ".*", "read": ".*"})
    parsed = urlparse(AMQP_BASE)
    return f"{parsed.scheme}://{parsed.netloc}/{VHOST}"


def vhost_down() -> None:
    try:
        _rabbit("DELETE", f"/vhosts/{quote(VHOST, safe='')}")
    except urllib.error.HTTPError as exc:
        if exc.code != 404:
            raise


def pg_admin(sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def pg_url() -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_DB


def cli(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "services.cli", *args], cwd=ROOT, check=True, capture_output=True,
                          text=True, timeout=120).stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServiceProcess:
    def __init__(self, kind: str, workdir: str, database_url: str, amqp_uri: str):
        self.kind, self.port = kind, free_port()
        self.log_path = Path(workdir) / f"{kind}-{self.port}.log"
        env = dict(os.environ, DATABASE_URL=database_url, AMQP_URI=amqp_uri, DISTRICT="demo", HTTP_HOST="127.0.0.1",
                   HTTP_PORT=str(self.port), PYTHONWARNINGS="ignore::DeprecationWarning", LOG_LEVEL="WARNING")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--serve", kind], cwd=ROOT,
                                     env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 40.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited:\n{self.log_path.read_text(errors='replace')[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/ready")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.kind} not ready after {timeout:.0f}s")

    def stop(self) -> None:
        import signal

        for _ in range(3):
            if self.proc.poll() is not None:
                break
            self.proc.send_signal(signal.SIGTERM)
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self._log.close()


def entry_body(i: int) -> bytes:
    amount = 100 + i % 100_000
    return json.dumps({"idempotency_id": f"bench-{i}", "memo": f"bench #{i}", "lines": [
        {"account": "1122", "side": "debit", "amount_fen": amount},
        {"account": "2241", "side": "credit", "amount_fen": amount}]}).encode()


def closed_loop(port: int, token: str, clients: int, seconds: float, numbers) -> dict:
    headers = {"Content-Type": "application/json", "Authorization": "Bearer " + token}
    done, errors, latencies = [0] * clients, [0] * clients, [[] for _ in range(clients)]
    gate = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        gate.wait()
        while time.perf_counter() < stop_at[0]:
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/journal-entries", body=entry_body(next(numbers)), headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 201
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
                ok = False
            if ok:
                done[k] += 1
                latencies[k].append(time.perf_counter() - t0)
            else:
                errors[k] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    start = time.perf_counter()
    stop_at[0] = start + seconds
    gate.wait()
    for t in threads:
        t.join(timeout=seconds + 3 * TIMEOUT)
    elapsed = time.perf_counter() - start
    lat = sorted(x for per in latencies for x in per)

    def pct(p):
        return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000 if lat else float("nan")

    return {"clients": clients, "ok": sum(done), "errors": sum(errors), "rate": sum(done) / elapsed,
            "p50": pct(50), "p99": pct(99)}


def measure(kind: str, workdir: str, db_url: str, amqp_uri: str, token: str, plan: dict) -> list[dict]:
    svc = ServiceProcess(kind, workdir, db_url, amqp_uri)
    numbers = itertools.count()
    try:
        svc.wait_ready()
        closed_loop(svc.port, token, 4, plan["warmup"], numbers)
        results = []
        for n in plan["clients"]:
            r = closed_loop(svc.port, token, n, plan["seconds"], numbers)
            results.append(r)
            print(f"  {kind:<10} {n:>2} clients: {r['rate']:8.1f} {'postings' if kind == 'finance' else 'requests'}/s"
                  f"  p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms  ({r['ok']} ok, {r['errors']} errors)",
                  flush=True)
        return results
    finally:
        svc.stop()


def verify(db_url: str) -> str:
    """The chain after the run, verified in place (after the loops: only now is the platform,
    eventlet included, imported into this process)."""
    from sqlalchemy.orm import Session

    from services.common.db import Store
    from services.finance import ledger, models

    store = Store(db_url, models.metadata)
    try:
        with Session(store.engine) as s:
            r = ledger.verify_in_place(s, "demo")
        return f"{r['status']}, {r['entries_verified']} entries"
    finally:
        store.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="8 clients, 2 s (under 30 s in all)")
    parser.add_argument("--clients", default=None)
    parser.add_argument("--seconds", type=float, default=None)
    args = parser.parse_args()
    plan = {"clients": [8], "seconds": 2.0, "warmup": 0.5} if args.quick else \
        {"clients": [4, 8, 16], "seconds": 5.0, "warmup": 1.0}
    if args.clients:
        plan["clients"] = [int(c) for c in args.clients.split(",")]
    if args.seconds:
        plan["seconds"] = args.seconds
    print(f"finance single postings over HTTP on PostgreSQL ({'quick' if args.quick else 'full'}): clients "
          f"{plan['clients']}, {plan['seconds']} s each; {os.cpu_count()} CPUs", flush=True)
    token = cli("token", "--role", "finance_officer", "--district", "demo", "--subject", "bench")
    with tempfile.TemporaryDirectory(prefix="anju-bench-finance-") as workdir:
        vhost_down()
        amqp_uri = vhost_up()
        pg_admin(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        pg_admin(f'CREATE DATABASE "{PG_DB}"')
        try:
            yard = measure("yardstick", workdir, f"sqlite:///{workdir}/unused.db", amqp_uri, token, plan)
            cli("migrate", "finance", "--database-url", pg_url())
            fin = measure("finance", workdir, pg_url(), amqp_uri, token, plan)
            chain = verify(pg_url())
        finally:
            pg_admin(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            vhost_down()
    best_f, best_y = max(fin, key=lambda r: r["rate"]), max(yard, key=lambda r: r["rate"])
    print("-" * 96)
    print(f"finance    best {best_f['rate']:8.1f} postings/s ({best_f['clients']} clients, "
          f"p99 {best_f['p99']:.1f} ms); chain after the run: {chain}")
    print(f"yardstick  best {best_y['rate']:8.1f} requests/s ({best_y['clients']} clients, bare nameko @http)")
    print(f"ratio      finance / yardstick = {best_f['rate'] / best_y['rate']:.0%}")
    return 0


if __name__ == "__main__":
    if SERVE:
        serve(sys.argv[2])
    else:
        sys.exit(main())
