"""What the benchmarks share: the broker, PostgreSQL and a service started as `anju run` starts
it, next to its yardstick (a bare nameko `@http` service replying a constant). Tiny on purpose;
see bench/README.md.

A bench script is both the driver and, re-run with ``--serve KIND``, the service process:

    import sys
    SERVE = __name__ == "__main__" and sys.argv[1:2] == ["--serve"]
    if SERVE:                            # the child only, before any other import (as `nameko run`)
        import eventlet
        eventlet.monkey_patch()
    import harness
    ...
    if SERVE:
        harness.serve("finance", sys.argv[2], YARDSTICK_ROUTES)
    svc = harness.ServiceProcess(__file__, "finance", workdir, db_url, amqp_uri); svc.wait_ready()

The driving process never imports eventlet (plain OS threads and http.client drive the service).
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlparse

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

AMQP_BASE = os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/")
RABBIT_API = os.environ.get("BENCH_RABBIT_API", "http://127.0.0.1:15672/api")
# ANJU_BENCH_PG_ADMIN_URL: the name the finance and allocation benches read before they shared this module
PG_ADMIN = (os.environ.get("BENCH_PG_ADMIN_URL") or os.environ.get("ANJU_BENCH_PG_ADMIN_URL")
            or "postgresql://postgres@127.0.0.1:5432/postgres")


# -- the broker and the database ------------------------------------------------------------------

def rabbit(method: str, path: str, body=None):
    """The RabbitMQ management API (``path`` after /api)."""
    parsed = urlparse(AMQP_BASE)
    auth = base64.b64encode(f"{parsed.username or 'guest'}:{parsed.password or 'guest'}".encode()).decode()
    req = urllib.request.Request(RABBIT_API + path, method=method, data=json.dumps(body or {}).encode(),
                                 headers={"Authorization": "Basic " + auth, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        data = resp.read()
        return json.loads(data) if data else None


def vhost_up(vhost: str) -> str:
    """A scratch vhost (the bench's own), with the broker user's permissions; its AMQP URI."""
    v = quote(vhost, safe="")
    rabbit("PUT", f"/vhosts/{v}")
    rabbit("PUT", f"/permissions/{v}/{quote(urlparse(AMQP_BASE).username or 'guest', safe='')}",
           {"configure": ".*", "write": ".*", "read": ".*"})
    parsed = urlparse(AMQP_BASE)
    return f"{parsed.scheme}://{parsed.netloc}/{vhost}"


def vhost_down(vhost: str) -> None:
    try:
        rabbit("DELETE", f"/vhosts/{quote(vhost, safe='')}")
    except urllib.error.HTTPError as exc:
        if exc.code != 404:
            raise


def pg_admin(sql: str) -> None:
    """One statement on the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg2

    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def pg_url(database: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + database


def pg_drop(database: str) -> None:
    pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def pg_fresh(database: str, service: str) -> str:
    """``database`` dropped, created and migrated to ``service``'s head by Alembic in this
    process (what `anju migrate` does, without a child); its URL."""
    from services.common.migrations import upgrade

    pg_drop(database)
    pg_admin(f'CREATE DATABASE "{database}"')
    upgrade(service, pg_url(database))
    return pg_url(database)


def pg_connect(database: str):
    """A plain blocking psycopg2 connection for a bench's own loading, counting and raw
    yardsticks. The platform's engines install psycogreen's wait callback process-wide (libpq
    waits yield to an eventlet hub); it is removed here so a raw COPY measures PostgreSQL, not
    the callback. An engine made afterwards installs it again."""
    import psycopg2
    from psycopg2 import extensions

    extensions.set_wait_callback(None)
    return psycopg2.connect(pg_url(database))


def pg_value(sql: str, database: str):
    """The first column of the first row of one query on ``database`` (None without rows)."""
    conn = pg_connect(database)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            row = cur.fetchone()
        conn.commit()
        return row[0] if row else None
    finally:
        conn.close()


def cli(*args: str) -> str:
    """`anju ARGS…` in a child (migrate, token): its stdout."""
    return subprocess.run([sys.executable, "-m", "services.cli", *args], cwd=ROOT, check=True, capture_output=True,
                          text=True, timeout=120).stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the service process --------------------------------------------------------------------------

def serve(service: str, kind: str, yardstick_routes: dict[tuple[str, str], tuple[int, str]],
          service_class=None, profile_path: str | None = None) -> None:
    """In the child: run ``service`` (kind == service) or the yardstick — a bare `@http` service
    answering each (method, url) of ``yardstick_routes`` with its constant (status, body), and
    GET /ready — with the service's config and logging, as `nameko run` would."""
    import logging.config

    from nameko.cli.run import run

    from services.common.config import load_config

    config = load_config(service)  # ${ENV:default} overrides applied, as `nameko run --config`
    logging.config.dictConfig(config["LOGGING"])
    if kind == service:
        if service_class is None:
            from services.cli import load_service_class

            service_class = load_service_class(service)
    else:
        service_class = yardstick(yardstick_routes)
    if not profile_path:
        run([service_class], config)
        return
    import cProfile
    import signal

    profiler = cProfile.Profile()

    def toggle(signum, frame):  # SIGUSR1 starts, SIGUSR2 stops and writes the stats
        if signum == signal.SIGUSR1:
            profiler.enable()
        else:
            profiler.disable()
            profiler.dump_stats(profile_path)

    signal.signal(signal.SIGUSR1, toggle)
    signal.signal(signal.SIGUSR2, toggle)
    run([service_class], config)


def yardstick(routes: dict[tuple[str, str], tuple[int, str]]):
    """The bare nameko `@http` service: no database, no broker work, a constant reply per route."""
    from nameko.web.handlers import http

    def handler(status: int, body: str):
        def reply(self, request):
            return status, body
        return reply

    attrs = {"name": "bench_yardstick", "ready": http("GET", "/ready")(handler(200, '{"status": "ready"}'))}
    for n, ((method, url), (status, body)) in enumerate(sorted(routes.items())):
        attrs[f"route_{n}"] = http(method, url)(handler(status, body))
    return type("Yardstick", (), attrs)


class ServiceProcess:
    """One service (or yardstick) in its own process, started by re-running ``script`` with
    ``--serve KIND``; its log goes to a file in ``workdir`` (never an unread pipe)."""

    def __init__(self, script: str, kind: str, workdir: str, database_url: str, amqp_uri: str,
                 extra_args: tuple[str, ...] = (), env: dict | None = None):
        self.kind, self.port = kind, free_port()
        self.log_path = Path(workdir) / f"{kind}-{self.port}.log"
        full_env = {**os.environ, "DATABASE_URL": database_url, "AMQP_URI": amqp_uri, "DISTRICT": "demo",
                    "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(self.port),
                    "PYTHONWARNINGS": "ignore::DeprecationWarning", **(env or {})}  # env overrides any of these
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, str(Path(script).resolve()), "--serve", kind, *extra_args],
                                     cwd=ROOT, env=full_env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self, timeout: float = 40.0) -> None:
        deadline, last = time.monotonic() + timeout, "no answer"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/ready")
                resp = conn.getresponse()
                last = f"{resp.status} {resp.read()[:200]!r}"
                conn.close()
                if resp.status == 200:
                    return
            except OSError as exc:
                last = repr(exc)
            time.sleep(0.2)
        raise RuntimeError(f"{self.kind} not ready after {timeout:.0f}s ({last}):\n{self.log_tail()}")

    def request(self, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, bytes]:
        """One request on a fresh connection (setting a bench up; a measured loop keeps its own
        connections) → (status, body)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=None if body is None else json.dumps(body),
                         headers={"Content-Type": "application/json", **(headers or {})})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def signal(self, signum) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signum)

    def stop(self) -> None:
        """SIGTERM (nameko finishes in-flight work; a connection wakes an idle accept loop),
        SIGKILL after ~10 s."""
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
