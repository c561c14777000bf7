"""The demo's notifications (通知) and webhooks: notify routes the year's events to applicants,
tenants and borrowers (SMS, e-mail when the person has one, in-app) and to webhook subscribers.
Before the year begins the demo starts a small subscriber of its own on 127.0.0.1 (notify must
allow-list that host: WEBHOOK_ALLOWED_HOSTS, which `anju run --demo` sets) and an operator
registers it for a few event types; it records every signed POST and checks the signature with
the secret notify gave (Standard Webhooks, the `standardwebhooks` reference verifier).

At the end the demo waits for notify to have sent what is due (a non-urgent SMS in the quiet
hours waits for the morning: deferred, not lost), then reads back the delivery log
(GET /deliveries) — the summary counts by channel and status come from there, never from the
demo's own idea of what should have been sent."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

import requests

from .client import DemoError, Services, events_in_flight

if TYPE_CHECKING:
    from .phases import Run

WEBHOOK_TYPES = ("application.approved", "allocation.offered", "tenancy.started", "rent.overdue",
                 "loan.disbursed", "relief.paid", "eligibility.revoked")
PAGE = 200  # the platform paging maximum (services/common/paging.py)
BUS_IDLE_SECONDS = 6.0  # RabbitMQ refreshes queue statistics every 5 s by default


class Subscriber:
    """The demo's webhook subscriber: a tiny HTTP server on 127.0.0.1 (a free port) that answers
    204 and keeps, per webhook-id (the event id), how many times it came and whether every copy's
    signature verified."""

    def __init__(self):
        self.received: Counter = Counter()  # (webhook-id, event type) → times received
        self.bad_signatures = 0
        self.secret: str | None = None
        self.lock = threading.Lock()
        subscriber = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                subscriber.take({k.lower(): v for k, v in self.headers.items()}, body)
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/anju-demo-hook"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def take(self, headers: dict, body: bytes) -> None:
        from standardwebhooks import Webhook

        try:
            payload = Webhook(self.secret).verify(body, headers) if self.secret else None
        except Exception:  # noqa: BLE001 - any failure to verify is a bad signature, counted
            payload = None
        with self.lock:
            if payload is None:
                self.bad_signatures += 1
                return
            self.received[(headers.get("webhook-id"), payload.get("event_type"))] += 1

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def subscribe(run: Run) -> None:
    """Before the year: the demo's subscriber, registered by an operator for a few types."""
    if not run.svc.has_endpoint("notify", "post", "/subscriptions"):
        run.skipped.setdefault("notifications and webhooks",
                               "not available in this build (no notify POST /subscriptions)")
        return
    sub = Subscriber()
    resp = run.svc.call("notify", "POST", "/subscriptions", operator(run.svc), ok=(201, 422), json={
        "name": "示范区数据订阅（演示）", "url": sub.url, "event_types": list(WEBHOOK_TYPES)})
    if resp.status_code == 422:
        sub.close()
        run.skipped.setdefault("webhooks", "notify refuses a subscriber on 127.0.0.1 — start notify with "
                                           f"WEBHOOK_ALLOWED_HOSTS=127.0.0.1 ({resp.text[:200]})")
        return
    sub.secret = resp.json()["secret"]
    run.subscriber, run.subscription_id = sub, resp.json()["subscription_id"]


def operator(svc: Services) -> dict:
    return svc.token("operator", subject="demo-operator")


def deliveries(svc: Services, **params) -> list[dict]:
    """The whole delivery log (or the part ``params`` select), walked by cursor: each page starts
    where the last ended (by page number, each page recounted the log and scanned past the pages
    before it: a year's 83,000 deliveries took minutes to read). Deliveries recorded during the
    walk are not in it (it reads the log as it stood on its first page)."""
    out, after = [], None
    while True:
        cursor = {"after": after} if after else {}
        page = svc.get("notify", "/deliveries", operator(svc), page_size=PAGE, **cursor, **params)
        out += page["deliveries"]
        after = page["next"]
        if after is None:
            return out


def notifications(run: Run) -> None:
    """After the year: every event published has been consumed (notify has recorded the
    deliveries of each: the bus carries the year's last events while the demo ends), notify has
    sent what is due (deferred SMS excepted), and the subscriber has every webhook notify says
    it sent."""
    if "notifications and webhooks" in run.skipped:
        return
    svc = run.svc
    bar = run.progress.phase("notifications and webhooks", 2)
    idle_since: list[float] = []

    def bus_idle() -> bool:
        """No event in a consumer's queue, seen twice BUS_IDLE_SECONDS apart: the broker's
        depths are statistics refreshed every few seconds, so one zero could be an old one."""
        if run.amqp_uri is None:
            return True
        try:
            in_flight = events_in_flight(run.amqp_uri)
        except requests.RequestException as exc:
            raise DemoError(f"cannot read the broker's queues to see the bus drained: {exc}") from exc
        if in_flight:
            idle_since.clear()
            return False
        idle_since[:1] = idle_since[:1] or [time.monotonic()]
        return time.monotonic() - idle_since[0] >= BUS_IDLE_SECONDS

    def settled() -> bool:
        if not bus_idle():
            return False
        now = datetime.fromisoformat(svc.get("notify", "/admin/clock", svc.officer())["now"])
        due = [d for d in deliveries(svc, status="pending") if datetime.fromisoformat(d["next_attempt_at"]) <= now]
        return not due

    wait_until_settled(settled, timeout=max(120.0, len(run.district.workers) / 5))
    bar.advance()
    sub = run.subscriber
    if sub is not None:
        sent = {d["event_id"] for d in deliveries(svc, channel="webhook", status="sent")
                if d["subscription_id"] == run.subscription_id}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not sent <= {e for e, _ in sub.received}:
            time.sleep(0.2)
        run.webhooks = {"subscription_id": run.subscription_id, "bad_signatures": sub.bad_signatures,
                        "received": {f"{e} {t}": n for (e, t), n in sub.received.items()}}
        sub.close()
    bar.finish()


def wait_until_settled(check, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise DemoError(f"timed out after {timeout:.0f} s waiting for notify to send the deliveries due")
        time.sleep(1.0)


# The staff's daily digest is made by notify's timer on real time when the moved clock passes
# DIGEST_AT: how many there are depends on how long the demo took, not on the seed.
TIMER_MADE = ("staff.digest",)


def summarise(svc: Services, log: list[dict] | None = None) -> dict:
    """Notifications by channel and status, and by event type, webhook subscribers — notify's
    delivery log (``log`` when the caller has just read it; the staff digest aside: TIMER_MADE)."""
    log = [d for d in (deliveries(svc) if log is None else log) if d["event_type"] not in TIMER_MADE]
    by_channel: dict[str, Counter] = {}
    for d in log:
        by_channel.setdefault(d["channel"], Counter())[d["status"]] += 1
    return {"deliveries": len(log),
            "by_channel": {c: dict(sorted(n.items())) for c, n in sorted(by_channel.items())},
            "by_event_type": dict(sorted(Counter(d["event_type"] for d in log).items())),
            "webhook_subscribers": len(svc.get("notify", "/subscriptions", operator(svc))["subscriptions"])}


def check(svc: Services, c, webhooks: dict | None, log: list[dict] | None = None) -> None:
    """Every notification delivered once: no two deliveries of one event on one channel to one
    recipient (or subscriber); none dead; each webhook notify sent reached the subscriber once,
    signed. ``log``: notify's delivery log when the caller has just read it."""
    log = deliveries(svc) if log is None else log
    keys = Counter((d["event_id"], d["channel"], d["recipient"], d["subscription_id"]) for d in log)
    twice = [k for k, n in keys.items() if n > 1]
    c.record("notifications_delivered_once", not twice,
             f"delivered twice: {twice[:5]}" if twice else f"{len(log)} deliveries checked")
    dead = [d["delivery_id"] for d in log if d["status"] == "dead"]
    c.record("no_dead_deliveries", not dead, f"{len(dead)} dead: {dead[:5]}" if dead else "")
    if webhooks is None:
        return
    sent = Counter((d["event_id"], d["event_type"]) for d in log
                   if d["channel"] == "webhook" and d["status"] == "sent"
                   and d["subscription_id"] == webhooks["subscription_id"])
    received = Counter({tuple(k.split(" ", 1)): n for k, n in webhooks["received"].items()})
    missing = sorted(set(sent) - set(received))
    unexpected = sorted(set(received) - set(sent))
    repeated = sorted(k for k, n in received.items() if n > 1)
    ok = not (missing or unexpected or repeated or webhooks["bad_signatures"])
    c.record("webhooks_received_once_signed", ok, json.dumps({
        "sent": sum(sent.values()), "received": sum(received.values()), "missing": missing[:3],
        "not_in_the_log": unexpected[:3], "received_twice": repeated[:3],
        "bad_signatures": webhooks["bad_signatures"]}, ensure_ascii=False))
