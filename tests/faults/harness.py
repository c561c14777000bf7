"""The fault suite's moving parts: real service processes (so SIGKILL and SIGTERM are real),
PostgreSQL databases the suite owns (so an outage can be caused per database without touching
anyone else's), publishing bursts with confirms, and a private RabbitMQ node to restart.

Sizes: the short form (make test) uses SHORT counts; `make faults` sets ANJU_FAULTS_LONG=1.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from kombu import Connection, Exchange, Producer

ROOT = Path(__file__).resolve().parents[2]
LONG = os.environ.get("ANJU_FAULTS_LONG") == "1"


def burst_size(short: int, long: int = 2000) -> int:
    return long if LONG else short


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(fn, timeout: float, what: str, interval: float = 0.1):
    """Poll `fn` until truthy (bounded); fail naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last: {value!r})")
        time.sleep(interval)


# -- services as processes ----------------------------------------------------------------------

SERVICE_CLASSES = {
    "applications": "services.applications.service:ApplicationsService",
    "allocation": "services.allocation.service:AllocationService",
    "finance": "services.finance.service:FinanceService",
    "assistance": "services.assistance.service:AssistanceService",
    "notify": "services.notify.service:NotifyService",
}


class ServiceProcess:
    """One service run by `nameko run` in its own process group, as in production."""

    def __init__(self, service: str, db_url: str, amqp_uri: str, log_dir: Path, **env):
        self.service = service
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{service}-{self.port}.log"
        self.env = dict(os.environ, DATABASE_URL=db_url, AMQP_URI=amqp_uri, DISTRICT="demo",
                        HTTP_HOST="127.0.0.1", HTTP_PORT=str(self.port), OUTBOX_POLL_SECONDS="0.2",
                        LOG_LEVEL="WARNING", PYTHONWARNINGS="ignore")
        self.env.update({k: str(v) for k, v in env.items()})  # a test may override the defaults above
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self, wait: bool = True) -> ServiceProcess:
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nameko", "run", "--config", str(ROOT / "services" / self.service / "config.yaml"),
             SERVICE_CLASSES[self.service]], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        self.starts += 1
        if wait:
            self.wait_healthy()
        return self

    def wait_healthy(self, timeout: float = 60.0) -> None:
        def up():
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.service} exited ({self.proc.returncode}); log:\n{self.log_tail()}")
            try:
                return requests.get(f"{self.base}/health", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        wait_for(up, timeout, f"{self.service} /health")
        # /health answers before the queue consumer is up: wait until every inbox queue has
        # its consumer, or events published now would find no queue (and be parked).
        wait_for(lambda: all(consumers(self.env["AMQP_URI"], q) for q in self.queues()), timeout,
                 f"{self.service}'s consumers")

    def queues(self) -> list[str]:
        import importlib

        from services.common.events.operator import consumer_queues

        module, name = SERVICE_CLASSES[self.service].split(":")
        return consumer_queues(getattr(importlib.import_module(module), name))

    def ready(self) -> tuple[int, dict]:
        resp = requests.get(f"{self.base}/ready", timeout=10)
        return resp.status_code, resp.json()

    def kill(self) -> None:
        """SIGKILL: no cleanup, no acks, no relay marks."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def terminate(self, grace: float = 30.0) -> float:
        """SIGTERM (what Kubernetes sends); seconds until the process exited."""
        started = time.monotonic()
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.service} did not stop within {grace}s of SIGTERM") from None
        return time.monotonic() - started

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """After a test: nothing it checks depends on a graceful stop, and SIGKILL saves
        seconds per service on a 2-core machine."""
        self.kill()


# -- the databases (this suite's own) -----------------------------------------------------------

def database_name(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def set_connections(url: str, *, allowed: bool) -> None:
    """Open or close ONE database of this suite's own to connections; closing also ends its
    current sessions. The cluster and everyone else's databases are untouched."""
    name = database_name(url)
    assert name.startswith(pg_name_prefix()), f"refusing to touch a database this suite did not create: {name}"
    statements = [f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if allowed else "false"}']
    if not allowed:
        statements.append(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
                          "AND pid <> pg_backend_pid()")
    from databases import _admin

    _admin(*statements)


def pg_name_prefix() -> str:
    from databases import pg_name

    return pg_name("faults_")


# -- the bus ------------------------------------------------------------------------------------

def publish(amqp_uri: str, envelopes: list[dict], *, raw: list[tuple[str, str, bytes]] | None = None) -> None:
    """Publish envelopes to their producers' exchanges with publisher confirms (persistent)."""
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = Producer(conn.default_channel)
        declared = set()
        for env in envelopes:
            exchange = Exchange(f"{env['producer']}.events", type="topic", durable=True)
            producer.publish(json.dumps(env), exchange=exchange, routing_key=env["event_type"], delivery_mode=2,
                             content_type="application/json", message_id=env["event_id"],
                             declare=[exchange] if exchange.name not in declared else [])
            declared.add(exchange.name)
        for exchange_name, routing_key, body in raw or []:
            producer.publish(body, exchange=exchange_name, routing_key=routing_key, delivery_mode=2,
                             content_type="application/json")


def queue_depth(amqp_uri: str, name: str) -> int:
    with Connection(amqp_uri, connect_timeout=5) as conn:
        return conn.default_channel.queue_declare(name, passive=True).message_count


def consumers(amqp_uri: str, name: str) -> int:
    """How many consumers the queue has (0 if it does not exist yet)."""
    try:
        with Connection(amqp_uri, connect_timeout=5) as conn:
            return conn.default_channel.queue_declare(name, passive=True).consumer_count
    except Exception:  # noqa: BLE001 - not declared yet
        return 0


def queue_messages(amqp_uri: str, name: str, limit: int = 1000) -> list:
    """Read (and put back) up to `limit` messages: (headers, body) pairs."""
    out = []
    with Connection(amqp_uri, connect_timeout=5) as conn:
        channel = conn.channel()
        held = []
        while len(held) < limit:
            msg = channel.basic_get(name, no_ack=False)
            if msg is None:
                break
            held.append(msg)
            out.append((dict(msg.headers or {}), msg.body))
        for msg in held:
            channel.basic_reject(msg.delivery_tag, requeue=True)
    return out


# -- a private RabbitMQ node --------------------------------------------------------------------

class PrivateBroker:
    """A RabbitMQ node of the suite's own (its node name, ports, data and logs in a temporary
    directory), so the broker can be stopped and its connections closed without touching the
    machine's shared node. `rabbitmqctl -n <node>` talks to this node only."""

    BIN = Path("/usr/lib/rabbitmq/bin")

    def __init__(self, base: Path):
        self.base = base
        self.port = free_port()
        self.dist_port = free_port()
        self.node = f"anju-faults-{self.port}@localhost"
        self.amqp_uri = f"pyamqp://guest:guest@127.0.0.1:{self.port}/"
        base.mkdir(parents=True, exist_ok=True)
        (base / "enabled_plugins").write_text("[].\n")
        (base / "rabbitmq.conf").write_text(f"listeners.tcp.1 = 127.0.0.1:{self.port}\nloopback_users = none\n"
                                            "log.console = false\n")
        self.env = dict(os.environ, HOME=str(base), RABBITMQ_NODENAME=self.node, RABBITMQ_NODE_PORT=str(self.port),
                        RABBITMQ_DIST_PORT=str(self.dist_port), RABBITMQ_MNESIA_BASE=str(base / "mnesia"),
                        RABBITMQ_LOG_BASE=str(base / "log"),
                        RABBITMQ_ENABLED_PLUGINS_FILE=str(base / "enabled_plugins"),
                        RABBITMQ_CONFIG_FILE=str(base / "rabbitmq"), RABBITMQ_PID_FILE=str(base / "pid"),
                        RABBITMQ_ADVANCED_CONFIG_FILE=str(base / "advanced.config"))

    def _bin(self, name: str) -> str:
        found = self.BIN / name
        if found.exists():
            return str(found)
        return shutil.which(name) or name

    def ctl(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([self._bin("rabbitmqctl"), "-n", self.node, *args], env=self.env, capture_output=True,
                              text=True, timeout=timeout)

    def start(self) -> PrivateBroker:
        subprocess.run([self._bin("rabbitmq-server"), "-detached"], env=self.env, check=True, timeout=60,
                       capture_output=True)
        result = self.ctl("wait", str(self.base / "pid"), "--timeout", "90", timeout=120)
        if result.returncode != 0:
            raise AssertionError(f"the private RabbitMQ node did not start: {result.stdout}{result.stderr}")
        return self

    def stop_app(self) -> None:
        result = self.ctl("stop_app")
        assert result.returncode == 0, result.stderr

    def start_app(self) -> None:
        # Right after stop_app the listener's port can still be held for a moment: retry (bounded).
        for _ in range(20):
            result = self.ctl("start_app")
            if result.returncode == 0:
                return
            time.sleep(1)
        raise AssertionError(f"start_app failed: {result.stderr}")

    def close_all_connections(self) -> None:
        result = self.ctl("close_all_connections", "fault test")
        assert result.returncode == 0, result.stderr

    def stop(self) -> None:
        self.ctl("stop", timeout=60)
