"""Helpers of notify's integration tests: a real SMTP server (aiosmtpd, in its own process so
its asyncio loop is not under eventlet's monkey-patching), a webhook receiver on loopback,
publishing an envelope to a producer's exchange, and starting notify."""

from __future__ import annotations

import json
import mailbox
import socket
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import eventlet

from services.common.events.contracts import encode


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """aiosmtpd's Mailbox handler writing each received message into a Maildir."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.dir = tmp / "maildir"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-u", "-l", f"127.0.0.1:{self.port}",
             "-c", "aiosmtpd.handlers.Mailbox", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                eventlet.sleep(0.1)
        self.stop()
        raise AssertionError("the local SMTP server did not start")

    def messages(self) -> list:
        if not self.dir.exists():
            return []
        return list(mailbox.Maildir(str(self.dir), create=False))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Receiver:
    """A webhook subscriber on 127.0.0.1: records each POST (headers and body) and answers
    with the statuses given (the last one repeats)."""

    def __init__(self, statuses=(204,), delay: float = 0.0, headers: dict | None = None):
        self.requests: list[dict] = []
        self.statuses, self.delay, self.extra = list(statuses), delay, headers or {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()},
                                          "body": body, "at": time.monotonic()})
                if receiver.delay:
                    eventlet.sleep(receiver.delay)
                n = len(receiver.requests) - 1
                status = receiver.statuses[min(n, len(receiver.statuses) - 1)]
                self.send_response(status)
                for k, v in receiver.extra.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = eventlet.spawn(self.server.serve_forever, 0.05)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def publish(amqp_uri: str, envelope: dict) -> None:
    """Publish an envelope as its producer's relay would (persistent, routing key = type)."""
    from kombu import Connection, Exchange, Producer

    with Connection(amqp_uri) as conn:
        exchange = Exchange(f"{envelope['producer']}.events", type="topic", durable=True)
        Producer(conn.default_channel, exchange=exchange).publish(
            encode(envelope), routing_key=envelope["event_type"], delivery_mode=2, declare=[exchange],
            content_type="application/json", message_id=envelope["event_id"])


def approved_data(person_ref: str, points: str = "87.5") -> dict:
    return {"application_id": "a1b2c3d4-0000-4000-8000-000000000001", "person_ref": person_ref,
            "district": "demo", "programme": "public_rental", "household_size": 3, "points": points,
            "points_tenths": int(float(points) * 10),
            "breakdown": {"policy_version": 1, "total": points, "lines": []},
            "preferences": [], "priority_groups": [], "needs_accessible": False, "enterprise": "E1",
            "name_masked": "张*三", "id_number_masked": "350102********1234", "approved_at": "2026-11-23T08:00:00Z"}


def notify_config(service_config, db_url: str, tmp: Path, **over) -> dict:
    """notify's config for a test. No quiet hours unless a test asks for them: the default
    window (21:00-08:00 Asia/Shanghai, 13:00-00:00 UTC) holds a non-urgent SMS until morning, so
    a test waiting for one passed before 13:00 UTC and failed after it."""
    settings = {"DELIVERY_POLL_SECONDS": 0.1, "SMS_SINK_PATH": str(tmp / "sms.jsonl"),
                "EMAIL_SINK_PATH": str(tmp / "mail.txt"), "RETRY_JITTER": 0, "QUIET_HOURS": "00:00-00:00"}
    return service_config("notify", db_url, **{**settings, **over})


def sms_lines(tmp: Path) -> list[dict]:
    path = tmp / "sms.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
