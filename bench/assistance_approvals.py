"""assistance on PostgreSQL, each figure next to a yardstick measured in the same run. Not a test.

    .venv/bin/python bench/assistance_approvals.py [--quick] [--clients 8] [--events 2000] [--profile DIR]

(1) Approvals per second through HTTP: POST /relief-cases/<id>/approvals of one-level cash
    cases (≤ 2,000 yuan), each approved once by an officer who did not request it — the row
    lock on the case, the approver rule, the guarded budget UPDATE, relief.approved into the
    outbox, the audit entry, COMMIT. Yardstick: a bare nameko `@http` handler returning a
    constant (no database, no broker), run and driven the same way (closed loop, N threads,
    one keep-alive connection each).
(2) Relocation cases created per second when `--events` tenancy.started arrive at once (all
    published before the first is handled; each for a registered hardship household): the
    inbox, the household look-up, the case and its audit entry, one transaction per event.
    Yardstick: the raw consume rate of the same number of messages on the same broker — a
    plain AMQP consumer with the service's prefetch (max_workers) acking each message.

`--profile DIR` runs the service under cProfile during each measured phase and writes
DIR/approvals.pstats and DIR/relocation.pstats.

The service and the yardstick run in their own processes through bench/harness.py, as `anju
run` starts them (nameko's runner, eventlet monkey-patched, services/assistance/config.yaml with
environment overrides), on a scratch vhost and a scratch database (anju_bench_assistance), both
removed afterwards.
"""

import sys

SERVE = __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--serve"
if SERVE:
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import http.client  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from urllib.parse import urlparse  # noqa: E402

import harness  # noqa: E402 - bench/harness.py: broker, PostgreSQL, service processes

from services.common.identity import check_digit  # noqa: E402 - stdlib-only module

PG_DB = VHOST = "anju_bench_assistance"
RAW_QUEUE = "bench.assistance.raw"
PREFETCH = 10  # the service's max_workers (config.yaml), so the raw consumer keeps as many in flight
YARDSTICK_ROUTES = {("POST", "/ping"): (200, '{"status": "approved"}')}


def service(kind: str, workdir: str, amqp_uri: str, profile: str | None = None) -> harness.ServiceProcess:
    svc = harness.ServiceProcess(__file__, kind, workdir, harness.pg_url(PG_DB), amqp_uri,
                                 extra_args=(profile,) if profile else (),
                                 env={"LOG_LEVEL": "WARNING", "PYTHONWARNINGS": "ignore"})
    svc.wait_ready(timeout=60)
    return svc


def profiled(svc: harness.ServiceProcess, profile: str | None, name: str):
    """Start the service's profiler; the returned function stops it and keeps its stats as
    ``name``.pstats beside the profile file (no-ops without --profile)."""
    if not profile:
        return lambda: None
    svc.signal(signal.SIGUSR1)

    def stop() -> None:
        svc.signal(signal.SIGUSR2)
        deadline = time.monotonic() + 10
        while not os.path.exists(profile) and time.monotonic() < deadline:
            time.sleep(0.1)
        os.replace(profile, os.path.join(os.path.dirname(profile), f"{name}.pstats"))
    return stop


def closed_loop(port: int, paths: list[str], headers: dict, clients: int) -> tuple[float, int, int]:
    """POST {} to each path once, `clients` threads back to back → (requests/s, ok, failed)."""
    todo, lock, ok, bad = iter(paths), threading.Lock(), [0], [0]

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                path = next(todo, None)
            if path is None:
                break
            conn.request("POST", path, body=b"{}", headers={"Content-Type": "application/json", **headers})
            resp = conn.getresponse()
            resp.read()
            with lock:
                (ok if resp.status == 200 else bad)[0] += 1
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    return len(paths) / (time.perf_counter() - started), ok[0], bad[0]


def resident_id(i: int) -> str:
    first17 = f"110105{date(1960, 1, 1) + timedelta(days=i // 1000):%Y%m%d}{i % 1000:03d}"
    return first17 + check_digit(first17)


def parallel(n: int, fn, clients: int = 8) -> list:
    out, counter, lock = [None] * n, itertools.count(), threading.Lock()

    def worker():
        while True:
            with lock:
                i = next(counter)
            if i >= n:
                return
            out[i] = fn(i)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    return out


def publish_all(amqp_uri: str, exchange: str, routing_key: str, bodies: list[bytes]) -> None:
    import amqp

    parsed = urlparse(amqp_uri)
    conn = amqp.Connection(f"{parsed.hostname}:{parsed.port or 5672}", userid=parsed.username or "guest",
                           password=parsed.password or "guest", virtual_host=VHOST, confirm_publish=False)
    conn.connect()
    ch = conn.channel()
    ch.exchange_declare(exchange, "topic", durable=True, auto_delete=False)
    for body in bodies:
        ch.basic_publish(amqp.Message(body, content_type="application/json", delivery_mode=2), exchange, routing_key)
    conn.close()


def raw_consume_rate(amqp_uri: str, bodies: list[bytes]) -> float:
    """The broker's own pace: publish the bodies to a queue, then consume and ack them all with
    the service's prefetch → messages/s."""
    import amqp

    parsed = urlparse(amqp_uri)
    conn = amqp.Connection(f"{parsed.hostname}:{parsed.port or 5672}", userid=parsed.username or "guest",
                           password=parsed.password or "guest", virtual_host=VHOST)
    conn.connect()
    ch = conn.channel()
    ch.queue_declare(RAW_QUEUE, durable=True, auto_delete=False)
    for body in bodies:
        ch.basic_publish(amqp.Message(body, content_type="application/json", delivery_mode=2), "", RAW_QUEUE)
    ch.basic_qos(0, PREFETCH, False)
    got = [0]

    def on_message(message):
        got[0] += 1
        ch.basic_ack(message.delivery_tag)

    ch.basic_consume(RAW_QUEUE, callback=on_message)
    started = time.perf_counter()
    while got[0] < len(bodies) and time.perf_counter() - started < 120:
        conn.drain_events(timeout=5)
    rate = got[0] / (time.perf_counter() - started)
    conn.close()
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 cases and events")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--events", type=int, default=2000, help="tenancy.started arriving at once")
    parser.add_argument("--profile", metavar="DIR", default=None, help="cProfile the service's measured phases")
    args = parser.parse_args()
    n = 300 if args.quick else args.events
    print(f"assistance approvals and relocation cases on PostgreSQL: {n} cases/events, {args.clients} clients, "
          f"{os.cpu_count()} CPUs", flush=True)
    requester = {"Authorization": "Bearer " + harness.cli("token", "--role", "district_officer", "--district", "demo",
                                                  "--subject", "bench-requester")}
    approver = {"Authorization": "Bearer " + harness.cli("token", "--role", "district_officer", "--district", "demo",
                                                 "--subject", "bench-approver")}
    year = datetime.now(UTC).year
    with tempfile.TemporaryDirectory(prefix="anju-bench-") as workdir:
        harness.vhost_down(VHOST)
        amqp_uri = harness.vhost_up(VHOST)
        harness.pg_drop(PG_DB)
        harness.pg_admin(f'CREATE DATABASE "{PG_DB}"')
        try:
            harness.cli("migrate", "assistance", "--database-url", harness.pg_url(PG_DB))
            profile = None
            if args.profile:
                os.makedirs(args.profile, exist_ok=True)
                profile = os.path.join(os.path.abspath(args.profile), "current.pstats")
            svc = service("assistance", workdir, amqp_uri, profile)
            try:
                assert svc.request("PUT", f"/relief-budgets/{year}/cash", {"total_fen": 10**12}, requester)[0] == 200

                def register(i):
                    status, data = svc.request("POST", "/hardship-households", {
                        "id_number": resident_id(i), "name": "李四", "category": "dibao"}, requester)
                    assert status == 201, data
                    return json.loads(data)["person_ref"], json.loads(data)["household_id"]

                households = parallel(n, register)

                def open_case(i):
                    status, data = svc.request("POST", "/relief-cases", {
                        "household_id": households[i][1], "kind": "cash", "reason": "bench", "amount_fen": 100_000},
                        requester)
                    assert status == 201, data
                    return json.loads(data)["relief_id"]

                cases = parallel(n, open_case)
                stop = profiled(svc, profile, "approvals")
                approvals, ok, bad = closed_loop(svc.port, [f"/relief-cases/{c}/approvals" for c in cases], approver,
                                                 args.clients)
                stop()
                print(f"  approvals over HTTP: {approvals:7.1f}/s ({ok} approved, {bad} refused)", flush=True)

                bodies = [json.dumps({
                    "event_id": str(uuid.uuid4()), "event_type": "tenancy.started", "schema_version": 1,
                    "occurred_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"), "district": "demo",
                    "producer": "allocation",
                    "data": {"tenancy_id": f"T{i}", "application_id": f"A{i}", "person_ref": ref, "unit_id": f"U{i}",
                             "project_id": "P1", "start": date.today().isoformat(), "end": "2030-01-01",
                             "rent_fen": 80_000}}).encode() for i, (ref, _) in enumerate(households)]
                count = "SELECT count(*) FROM relief_cases WHERE origin = 'relocation'"
                stop = profiled(svc, profile, "relocation")
                started = time.perf_counter()
                publish_all(amqp_uri, "allocation.events", "tenancy.started", bodies)
                published = time.perf_counter() - started
                made = 0
                while made < n and time.perf_counter() - started < 300:
                    time.sleep(0.1)
                    made = harness.pg_value(count, PG_DB)
                relocation = made / (time.perf_counter() - started)
                stop()
                print(f"  relocation cases from {n} tenancy.started at once: {relocation:7.1f}/s ({made} made; "
                      f"publishing took {published:.2f} s)", flush=True)
            finally:
                svc.stop()
            yard = service("yardstick", workdir, amqp_uri)
            try:
                bare = closed_loop(yard.port, ["/ping"] * n, approver, args.clients)[0]
            finally:
                yard.stop()
            raw = raw_consume_rate(amqp_uri, bodies)
        finally:
            harness.pg_drop(PG_DB)
            harness.vhost_down(VHOST)
    print(f"  yardstick bare nameko @http: {bare:7.1f} requests/s; raw consume on the same broker: {raw:7.1f}/s")
    print(f"assistance approvals {approvals:.0f}/s = {approvals / bare:.0%} of the bare @http yardstick; "
          f"relocation cases {relocation:.0f}/s = {relocation / raw:.0%} of the raw consume rate")
    from report import record  # the one report (bench/report.py)

    record("assistance_approvals", f"relief approvals over HTTP, PostgreSQL, {args.clients} clients", approvals,
           "approvals/s", yardstick="bare nameko @http, requests/s", yardstick_value=bare,
           note=f"{ok} approved, {bad} refused")
    record("assistance_approvals", f"relocation cases from {n} tenancy.started at once", relocation, "cases/s",
           yardstick="raw consume + ack on the same broker, msg/s", yardstick_value=raw, note=f"{made} made")
    return 0 if bad == 0 and made == n else 1


if __name__ == "__main__":
    if SERVE:
        harness.serve("assistance", sys.argv[2], YARDSTICK_ROUTES,
                      profile_path=sys.argv[3] if len(sys.argv) > 3 else None)
    else:
        sys.exit(main())
