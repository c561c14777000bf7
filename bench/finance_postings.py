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

SERVE = __name__ == "__main__" and sys.argv[1:2] == ["--serve"]
if SERVE:  # the service processes only
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import http.client  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import harness  # noqa: E402 - bench/harness.py: broker, PostgreSQL, service processes
from harness import cli, pg_admin  # noqa: E402

PG_DB = "anju_bench_finance"
VHOST = "anju_bench_finance"
TIMEOUT = 10.0
YARDSTICK_ROUTES = {("POST", "/journal-entries"): (201, '{"entry_id": "constant", "seq": 1}')}


def pg_url() -> str:
    return harness.pg_url(PG_DB)


def ServiceProcess(kind: str, workdir: str, database_url: str, amqp_uri: str):  # noqa: N802 - as before
    return harness.ServiceProcess(__file__, kind, workdir, database_url, amqp_uri, env={"LOG_LEVEL": "WARNING"})


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
        harness.vhost_down(VHOST)
        amqp_uri = harness.vhost_up(VHOST)
        pg_admin(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        pg_admin(f'CREATE DATABASE "{PG_DB}"')
        try:
            yard = measure("yardstick", workdir, f"sqlite:///{workdir}/unused.db", amqp_uri, token, plan)
            cli("migrate", "finance", "--database-url", pg_url())
            fin = measure("finance", workdir, pg_url(), amqp_uri, token, plan)
            chain = verify(pg_url())
        finally:
            pg_admin(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            harness.vhost_down(VHOST)
    best_f, best_y = max(fin, key=lambda r: r["rate"]), max(yard, key=lambda r: r["rate"])
    print("-" * 96)
    print(f"finance    best {best_f['rate']:8.1f} postings/s ({best_f['clients']} clients, "
          f"p99 {best_f['p99']:.1f} ms); chain after the run: {chain}")
    print(f"yardstick  best {best_y['rate']:8.1f} requests/s ({best_y['clients']} clients, bare nameko @http)")
    print(f"ratio      finance / yardstick = {best_f['rate'] / best_y['rate']:.0%}")
    from report import record

    record("finance_postings", "single balanced postings over HTTP, PostgreSQL", best_f["rate"], "postings/s",
           yardstick="bare nameko @http, requests/s", yardstick_value=best_y["rate"],
           note=f"p99 {best_f['p99']:.1f} ms at {best_f['clients']} clients; chain after the run: {chain}")
    return 0


if __name__ == "__main__":
    if SERVE:
        harness.serve("finance", sys.argv[2], YARDSTICK_ROUTES)
    else:
        sys.exit(main())
