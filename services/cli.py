"""`anju`: the command the Makefile wraps.

    anju run [--district demo]          start all five services (Ctrl-C stops them)
    anju migrate [SERVICE...]           apply Alembic migrations
    anju token --role R --district D    mint a development bearer token
    anju spec                           write docs/openapi/*.json and docs/asyncapi.yaml
    anju verify-round FILE              recompute a drawn round: MATCH or the first difference, and what was checked
    anju verify-ledger FILE             recompute a ledger export's hash chain: OK or the first mismatch
    anju check-broker [--start]         make sure RabbitMQ answers at AMQP_URI
    anju district new CODE --name 名称   write deploy/overlays/CODE/ for a new district
    anju demo --workers N --seed S      play the demo district's year against running services
    anju events status [SERVICE...] [--prometheus]
                                        outbox backlog, oldest pending age, unrouted and dead letters
    anju events replay --from dlq|unrouted --queue Q [--event-id ID] [--dry-run]
                                        put dead-lettered or parked messages back on their way
    anju idempotency list|clear --service S [--older-than SECONDS]
                                        Idempotency-Key claims left "in progress" by a dead process
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path
from urllib.parse import urlparse

from services.common.config import DEFAULT_PORTS, SERVICES, load_config

ROOT = Path(__file__).resolve().parents[1]
SERVICE_CLASSES = {
    "applications": "services.applications.service:ApplicationsService",
    "allocation": "services.allocation.service:AllocationService",
    "finance": "services.finance.service:FinanceService",
    "assistance": "services.assistance.service:AssistanceService",
    "notify": "services.notify.service:NotifyService",
}


def load_service_class(service: str):
    """The nameko service class of one of the five services, by name."""
    import importlib

    module, name = SERVICE_CLASSES[service].split(":")
    return getattr(importlib.import_module(module), name)


def _say(msg: str) -> None:
    print(msg, flush=True)


def _broker_address(amqp_uri: str) -> tuple[str, int]:
    parsed = urlparse(amqp_uri)
    return parsed.hostname or "127.0.0.1", parsed.port or 5672


def _answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


def ensure_broker(amqp_uri: str, start: bool = True) -> None:
    host, port = _broker_address(amqp_uri)
    if _answers(host, port):
        return
    local = host in ("127.0.0.1", "localhost", "::1")
    if start and local and shutil.which("rabbitmq-server"):
        _say(f"RabbitMQ is not answering at {host}:{port}; starting the local rabbitmq-server …")
        subprocess.run(["rabbitmq-server", "-detached"], check=False)
        for _ in range(60):
            if _answers(host, port):
                time.sleep(1)
                return
            time.sleep(1)
    sys.exit(f"No RabbitMQ at {host}:{port}. Install and start one (Debian: `apt install "
             f"rabbitmq-server && rabbitmq-server -detached`) or set AMQP_URI to a reachable broker.")


def cmd_check_broker(args) -> None:
    ensure_broker(os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/"), start=args.start)
    _say("RabbitMQ answers.")


def _sqlite_url(service: str, data: Path | None = None) -> str:
    return f"sqlite:///{(data or ROOT / 'var') / (service + '.db')}"


def cmd_migrate(args) -> None:
    from services.common.migrations import upgrade

    for service in args.services or SERVICES:
        url = args.database_url or os.environ.get("DATABASE_URL") or _sqlite_url(service)
        _say(f"migrating {service:<12} → {url.split('@')[-1]}")
        upgrade(service, url)


def cmd_token(args) -> None:
    from services.common.auth import JwtSettings, mint_token

    settings = JwtSettings.from_config(load_config("applications"))
    token = mint_token(settings, subject=args.subject, role=args.role, district=args.district,
                       ttl_seconds=args.ttl, enterprise=args.enterprise)
    print(token)


def _healthy(host: str, port: int) -> bool:
    host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/health", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


def cmd_run(args) -> None:
    amqp_uri = os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/")
    ensure_broker(amqp_uri)
    data = Path(args.data_dir) if args.data_dir else ROOT / "var"
    data.mkdir(parents=True, exist_ok=True)
    from services.common.migrations import upgrade

    services = args.services or list(SERVICES)
    ports = {service: DEFAULT_PORTS[service] + args.port_offset for service in services}
    # The demo district loads only into empty databases (none of them there yet), all five up.
    demo = args.demo if args.demo > 0 and len(services) == len(SERVICES) and not any(
        (data / f"{service}.db").exists() for service in services) else 0
    clock_env = run_clock_env(os.environ, demo_days=DEMO_DAYS if demo else 0)
    for service in services:
        upgrade(service, _sqlite_url(service, data))
    _say(f"migrated {len(services)} SQLite databases under {data}/")
    for service in services:
        if not _port_free(args.host, ports[service]):
            sys.exit(f"anju run: port {ports[service]} ({service}) is already in use — is another `make run` "
                     f"still running? `ss -ltnp 'sport = :{ports[service]}'` names the process.")
    children: dict[str, subprocess.Popen] = {}
    logs = data / "logs"
    logs.mkdir(exist_ok=True)
    for service in services:
        env = dict(os.environ, DISTRICT=args.district, DATABASE_URL=_sqlite_url(service, data),
                   HTTP_HOST=args.host, HTTP_PORT=str(ports[service]), AMQP_URI=amqp_uri,
                   PYTHONWARNINGS="ignore::DeprecationWarning", **clock_env)
        log = open(logs / f"{service}.log", "ab")
        children[service] = subprocess.Popen(
            [sys.executable, "-m", "nameko", "run", "--config", str(ROOT / "services" / service / "config.yaml"),
             SERVICE_CLASSES[service]], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def stop_all(*_):
        # Once: a second signal (Ctrl-C twice, or the whole process group signalled) must not
        # cut the wait short and leave services running behind our back.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _say("\nstopping …")
        _stop_children(children, grace=STOP_GRACE_SECONDS)
        sys.exit(0)

    signal.signal(signal.SIGINT, stop_all)
    signal.signal(signal.SIGTERM, stop_all)
    deadline = time.monotonic() + 60
    pending = set(services)
    while pending and time.monotonic() < deadline:
        for service in list(pending):
            if children[service].poll() is not None:
                _say(f"{service} exited; see {logs}/{service}.log")
                stop_all()
            if _healthy(args.host, ports[service]):
                pending.discard(service)
        time.sleep(0.3)
    if pending:
        _say(f"not healthy after 60s: {', '.join(sorted(pending))}; see {logs}/")
        stop_all()
    _say(f"\nAnju is running for district {args.district!r} (logs in {logs}/):")
    for service in services:
        _say(f"  {service:<12} http://{args.host}:{ports[service]}/health   /ready   /metrics   /openapi.json")
    _say("\nA staff token: .venv/bin/anju token --role district_officer --district " + args.district)
    if demo:
        _load_demo(args, demo, amqp_uri)
    elif args.demo > 0:
        _say("(the databases under " + str(data) + " are not empty: no demo district loaded; DEMO=0 skips it)")
    _say("Press Ctrl-C to stop all services.")
    while True:
        for service, proc in children.items():
            if proc.poll() is not None:
                _say(f"{service} exited unexpectedly (code {proc.returncode}); see {logs}/{service}.log")
                stop_all()
        time.sleep(1)


DEMO_DAYS = 400  # the demo's year and its notices: the services start this long ago, so it ends about today


def run_clock_env(environ, demo_days: int = 0) -> dict:
    """A development run (the development JWT secret) may have its clock moved by the demo
    (CLOCK_ADJUSTABLE, services/common/clock.py); a run with a real secret keeps real time. A run
    that loads the demo district starts ``demo_days`` ago (CLOCK_START), so the demo's year ends
    about today and a restarted copy (real time again) carries on after it; and notify lets the
    demo's subscriber on 127.0.0.1 receive webhooks (WEBHOOK_ALLOWED_HOSTS)."""
    if "CLOCK_ADJUSTABLE" in environ or not environ.get("JWT_SECRET", "dev-only-").startswith("dev-only-"):
        return {}
    env = {"CLOCK_ADJUSTABLE": "true"}
    if demo_days:
        from datetime import UTC, datetime, timedelta

        # The wall's time, on purpose: this sets where the services' own clocks start (the demo
        # year then ends about today); it is the operator's command, not a handler.
        env["CLOCK_START"] = (datetime.now(UTC) - timedelta(days=demo_days)).isoformat(timespec="seconds")
        # the demo's own webhook subscriber listens on 127.0.0.1 (services/demo/notifications.py):
        # notify refuses loopback subscribers unless the operator allow-lists the host
        env.setdefault("WEBHOOK_ALLOWED_HOSTS", environ.get("WEBHOOK_ALLOWED_HOSTS") or "127.0.0.1")
        # The demo's SMS and e-mail go to local files (no gateway, no SMTP server): the real
        # gateway's 50/s (notify's default, what a real district keeps) would only make the demo
        # wait for its own sink. An operator's RATE_LIMIT_* or a real gateway keeps the default.
        for channel, gateway in (("SMS", "SMS_GATEWAY_URL"), ("EMAIL", "SMTP_HOST")):
            if not environ.get(gateway):
                env[f"RATE_LIMIT_{channel}"] = environ.get(f"RATE_LIMIT_{channel}") or DEMO_SINK_RATE
    return env


DEMO_SINK_RATE = "2000/s,4000"  # the demo district's local file sinks: not the gateway's limit


def _load_demo(args, workers: int, amqp_uri: str) -> None:
    """`make run` on empty databases: the demo district's year (services/demo), its summary."""
    from services.demo.cli import play, render
    from services.demo.client import DemoError, Services
    from services.demo.progress import Progress

    _say(f"\nLoading the demo district ({workers} workers, seed {args.demo_seed}) through the public APIs …")
    try:
        report = play(Services(args.host, args.port_offset, args.district), workers, args.demo_seed,
                      Path(args.data_dir or ROOT / "var") / "demo", Progress(stream=sys.stdout), amqp_uri)
    except DemoError as exc:
        _say(f"\nTHE DEMO DID NOT COMPLETE: {exc}\n")
        return
    _say(render(report))
    if not report["check"]["ok"]:
        _say("\nCONSISTENCY CHECK FAILED: " + "; ".join(
            f"{k}: {v['detail']}" for k, v in report["check"]["invariants"].items() if not v["ok"]) + "\n")


STOP_GRACE_SECONDS = 20.0  # nameko finishes in-flight workers on SIGTERM; then SIGKILL


def _stop_children(children: dict, grace: float) -> None:
    """SIGTERM every child at once, wait for all of them together up to ``grace`` seconds,
    SIGKILL what is left, and return only when every one has exited."""
    for proc in children.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for name, proc in children.items():
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            _say(f"  {name} stopped")
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            _say(f"  {name} killed after {grace:.0f} s")


def _port_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``port``: as the services' own listen does, with
    SO_REUSEADDR, so connections of a copy that just stopped (TIME_WAIT) do not count."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def cmd_spec(args) -> None:
    from services.common.spec import write_specs

    for path in write_specs(ROOT / "docs"):
        _say(f"wrote {path.relative_to(ROOT)}")


def cmd_verify_round(args) -> None:
    """Recompute a drawn round from its export (staff or public): the verdict — MATCH, or
    MISMATCH / INVALID with the first problem — then every value checked, each with the event
    field the district published it in, for the reader to compare."""
    import json

    from services.allocation.domain.verify import verify

    try:
        with open(args.file, encoding="utf-8") as fh:
            export = json.load(fh)
    except (OSError, ValueError) as exc:
        sys.exit(f"cannot read {args.file}: {exc}")
    report = verify(export)
    print(report.status if report.ok else f"{report.status}: {report.message}")
    if report.checked:
        print("checked (compare each with the published value):" if report.ok
              else "checked before that:")
        width = max(len(what) for what, _, _ in report.checked)
        for what, value, where in report.checked:
            print(f"  {what:<{width}}  {value}  ({where})")
    sys.exit(0 if report.ok else 1)


def _deploygen():
    """scripts/deploygen.py, the manifests' generator (not part of the service images)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("deploygen", ROOT / "scripts" / "deploygen.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("deploygen", module)
    spec.loader.exec_module(module)
    return module


def cmd_district_new(args) -> None:
    """Write a district's overlay (namespace, vhost, DISTRICT, database names, ingress hosts,
    shovel to the city) and its shovel user in the city overlay."""
    deploygen = _deploygen()
    try:
        written = deploygen.new_district(args.code, args.name, deploy_dir=args.deploy_dir, database=args.database)
    except deploygen.DistrictError as exc:
        sys.exit(f"anju district new: {exc}")
    for path in written:
        _say(f"wrote {path}")
    overlay = Path(args.deploy_dir or ROOT / "deploy") / "overlays" / args.code
    _say(f"\nDistrict {args.name} ({args.code}): namespace anju-{args.code}, vhost {args.code}.\n"
         f"Check it renders:  kubectl kustomize {overlay}\n"
         f"Before applying, create its secrets (deploy/README.md, 'Adding a district').")


def cmd_verify_ledger(args) -> None:
    """Recompute the hash chain and trial balance of a ledger export (GET /ledger/export)."""
    import json

    from services.finance.domain.chain import verify_export

    try:
        if args.file == "-":
            export = json.load(sys.stdin)
        else:
            with open(args.file, encoding="utf-8") as fh:
                export = json.load(fh)
    except (OSError, ValueError) as exc:
        sys.exit(f"cannot read {args.file}: {exc}")
    result = verify_export(export)
    print(f"{result.status}: {result.message()}")
    if result.trial_balance:
        print(f"trial balance over the {result.checked} entries verified (fen):")
        print(f"  {'account':<40}{'debit':>20}{'credit':>20}")
        for code, row in sorted(result.trial_balance.items()):
            print(f"  {code:<40}{row['debit_fen']:>20}{row['credit_fen']:>20}")
        debits, credits = result.totals()
        print(f"  {'total':<40}{debits:>20}{credits:>20}")
    sys.exit(0 if result.ok else 1)


def _database_urls(pairs: list[str]) -> dict[str, str]:
    """SERVICE=URL pairs; otherwise DATABASE_URL_<SERVICE>, otherwise the `anju run` SQLite file."""
    given = {}
    for pair in pairs or []:
        service, _, url = pair.partition("=")
        if service not in SERVICES or not url:
            raise ValueError(f"--database-url wants SERVICE=URL with SERVICE one of {', '.join(SERVICES)}")
        given[service] = url
    return {s: given.get(s) or os.environ.get(f"DATABASE_URL_{s.upper()}") or _sqlite_url(s) for s in SERVICES}


def _store(service: str, url: str):
    import importlib

    from services.common.db import Store

    return Store(url, importlib.import_module(f"services.{service}.models").metadata)


def cmd_events_status(args) -> None:
    from services.common.events.contracts import utc_now
    from services.common.events.operator import prometheus_text, status

    amqp_uri = os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/")
    urls = _database_urls(args.database_url)
    rows = []
    for service in args.services or SERVICES:
        store = _store(service, urls[service])
        try:
            # the wall's time: outbox rows are stamped with it (an operator's backlog age), not
            # with a service's possibly moved clock
            rows.append(status(service, store, load_service_class(service), amqp_uri, utc_now()))
        finally:
            store.dispose()
    if args.prometheus:
        sys.stdout.write(prometheus_text(rows, os.environ.get("DISTRICT", "demo")))
        return
    print(f"{'service':<14}{'outbox backlog':>16}{'oldest pending':>16}{'unrouted':>10}{'dead letters':>14}")
    for r in rows:
        age = "-" if r.oldest_pending_seconds is None else f"{r.oldest_pending_seconds:.0f}s"
        print(f"{r.service:<14}{r.outbox_backlog:>16}{age:>16}{r.unrouted:>10}{r.dead_lettered:>14}")
        for queue, n in sorted(r.dead_letters.items()):
            if n:
                print(f"  {queue}: {n}")


def cmd_events_replay(args) -> None:
    from services.common.events.operator import replay

    amqp_uri = os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/")
    report = replay(amqp_uri, args.source, args.queue, event_id=args.event_id, dry_run=args.dry_run)
    replayed = [m.event_id for m in report if m.moved]
    if args.source == "unrouted" and replayed:  # their outbox rows may be purged now
        from services.common.events.operator import clear_unrouted, producer_of_unrouted

        service = producer_of_unrouted(args.queue)
        store = _store(service, _database_urls(args.database_url)[service])
        try:
            print(f"{clear_unrouted(store, replayed)} outbox row(s) of {service} no longer marked unrouted")
        finally:
            store.dispose()
    for m in report:
        verb = "moved" if m.moved else ("would move" if args.dry_run else "kept")
        print(f"{verb} {m.event_id} {m.event_type}: {m.source} → {m.destination} ({m.reason})")
    moved = sum(m.moved for m in report)
    if args.dry_run:
        print(f"dry run: {len(report)} message(s) would be moved; nothing was moved")
    else:
        print(f"{moved} message(s) moved, {len(report) - moved} left in place")


def cmd_idempotency(args) -> None:
    from services.common import idempotency
    from services.common.events.contracts import utc_now

    ttl = args.older_than if args.older_than is not None else float(
        load_config(args.service).get("IDEMPOTENCY_CLAIM_TTL_SECONDS", idempotency.CLAIM_TTL_SECONDS))
    store = _store(args.service, _database_urls(args.database_url and [f"{args.service}={args.database_url}"])
                   [args.service])
    try:
        if args.action == "list":
            claims = idempotency.stale_claims(store, utc_now(), ttl)  # claims carry the wall's time too
            for c in claims:
                print(f"{c.created_at.isoformat()}  {c.principal}  {c.key}  {c.endpoint}")
            print(f"{len(claims)} claim(s) in progress for more than {ttl:.0f}s")
        else:
            print(f"cleared {idempotency.clear_stale_claims(store, utc_now(), ttl)} claim(s) in progress for "
                  f"more than {ttl:.0f}s; their clients may retry with the same key")
    finally:
        store.dispose()


def main(argv: list[str] | None = None) -> None:
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    parser = argparse.ArgumentParser(prog="anju", description="Anju (安居) worker-housing services")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start all five services for one district")
    run.add_argument("--district", default=os.environ.get("DISTRICT", "demo"))
    run.add_argument("services", nargs="*", choices=[[], *SERVICES], default=[])
    run.add_argument("--host", default=os.environ.get("HTTP_HOST", "127.0.0.1"),
                     help="address to listen on (default 127.0.0.1: this machine only)")
    run.add_argument("--port-offset", type=int, default=0, help="added to every service's port (8001…8005)")
    run.add_argument("--data-dir", default=None, help="SQLite databases and logs (default ./var)")
    run.add_argument("--demo", type=int, default=0, metavar="WORKERS",
                     help="on empty databases, load the demo district with this many workers (make run: 5000)")
    run.add_argument("--demo-seed", type=int, default=7)
    run.set_defaults(func=cmd_run)

    migrate = sub.add_parser("migrate", help="apply Alembic migrations")
    migrate.add_argument("services", nargs="*", choices=[[], *SERVICES], default=[])
    migrate.add_argument("--database-url", default=None)
    migrate.set_defaults(func=cmd_migrate)

    token = sub.add_parser("token", help="mint a development bearer token")
    token.add_argument("--role", required=True)
    token.add_argument("--district", required=True)
    token.add_argument("--subject", default="dev-user")
    token.add_argument("--enterprise", default=None)
    token.add_argument("--ttl", type=int, default=8 * 3600, help="seconds (default 8 h)")
    token.set_defaults(func=cmd_token)

    spec = sub.add_parser("spec", help="regenerate docs/openapi/*.json and docs/asyncapi.yaml")
    spec.set_defaults(func=cmd_spec)

    verify_round = sub.add_parser("verify-round", help="recompute a drawn allocation round from its export")
    verify_round.add_argument("file", help="the round's exported JSON (snapshot, policy, seed parts, results)")
    verify_round.set_defaults(func=cmd_verify_round)

    verify_ledger = sub.add_parser("verify-ledger", help="recompute a finance ledger export's hash chain")
    verify_ledger.add_argument("file", help="the export's JSON (GET /ledger/export on finance), or - for stdin")
    verify_ledger.set_defaults(func=cmd_verify_ledger)

    broker = sub.add_parser("check-broker", help="make sure RabbitMQ answers at AMQP_URI")
    broker.add_argument("--start", action="store_true", help="start a local rabbitmq-server if needed")
    broker.set_defaults(func=cmd_check_broker)

    district = sub.add_parser("district", help="deployment overlays per district")
    district_sub = district.add_subparsers(dest="district_command", required=True)
    district_new = district_sub.add_parser("new", help="write deploy/overlays/<code>/ for a new district")
    district_new.add_argument("code", help="the district code: lowercase ASCII letters, digits, hyphens (e.g. gulou)")
    district_new.add_argument("--name", required=True, help="the district's name, e.g. 鼓楼区")
    district_new.add_argument("--database", choices=("cnpg", "external"), default="cnpg",
                              help="CloudNativePG in the namespace (default) or an external database by URL")
    district_new.add_argument("--deploy-dir", default=None, help="the deploy/ directory (default: this repository's)")
    district_new.set_defaults(func=cmd_district_new)

    from services.demo.cli import add_parser as add_demo_parser

    add_demo_parser(sub)
    events = sub.add_parser("events", help="the event plumbing: status and replay")
    events_sub = events.add_subparsers(dest="events_command", required=True)
    status = events_sub.add_parser("status", help="per service: outbox backlog, oldest pending, unrouted, dead letters")
    status.add_argument("services", nargs="*", choices=[[], *SERVICES], default=[])
    status.add_argument("--database-url", action="append", metavar="SERVICE=URL",
                        help="a service's database (default DATABASE_URL_<SERVICE>, else ./var/<service>.db)")
    status.add_argument("--prometheus", action="store_true", help="print Prometheus text format instead")
    status.set_defaults(func=cmd_events_status)
    replay = events_sub.add_parser("replay", help="re-publish dead-lettered or unrouted messages")
    replay.add_argument("--from", dest="source", choices=("dlq", "unrouted"), required=True)
    replay.add_argument("--queue", required=True,
                        help="dlq: the consumer's queue (or its .dlq); unrouted: <service>.events.unrouted")
    replay.add_argument("--event-id", default=None, help="only this event")
    replay.add_argument("--dry-run", action="store_true", help="say what would move; move nothing")
    replay.add_argument("--database-url", action="append", metavar="SERVICE=URL",
                        help="unrouted: the producer's database, whose outbox rows of the events replayed are no "
                             "longer marked unrouted (default DATABASE_URL_<SERVICE>, else ./var/<service>.db)")
    replay.set_defaults(func=cmd_events_replay)

    idem = sub.add_parser("idempotency", help='Idempotency-Key claims left "in progress" by a dead process')
    idem.add_argument("action", choices=("list", "clear"))
    idem.add_argument("--service", required=True, choices=SERVICES)
    idem.add_argument("--database-url", default=None)
    idem.add_argument("--older-than", type=float, default=None,
                      help="seconds (default the service's IDEMPOTENCY_CLAIM_TTL_SECONDS, 300)")
    idem.set_defaults(func=cmd_idempotency)

    args = parser.parse_args(argv)
    try:
        args.func(args)
    except ValueError as exc:
        sys.exit(f"anju {args.command}: {exc}")


if __name__ == "__main__":
    main()
