"""notify's policies read from its config (config.yaml; environment variables override)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo

from .domain.quiet_hours import parse_window
from .domain.ratelimit import parse_limit
from .domain.retry import RetryPolicy, exponential, parse_schedule


@dataclass(frozen=True)
class DeliverySettings:
    retry: dict  # channel → RetryPolicy
    limits: dict  # channel → (rate per second, burst)
    quiet_start: time
    quiet_end: time
    zone: ZoneInfo
    batch: int
    lease_seconds: float
    digest_at: time = time(8)
    staff_email: str = ""


def delivery_settings(config) -> DeliverySettings:
    """RETRY_SCHEDULE_<CHANNEL> (comma-separated seconds; default SMS/e-mail/in-app 30 s doubling
    to 1 h, six retries; webhooks 5 s, 5 min, 30 min, 2 h, 5 h, 10 h), RETRY_JITTER (0.1 = ±10 %),
    RATE_LIMIT_<CHANNEL> ('20/s,40'), QUIET_HOURS ('21:00-08:00'; equal ends: none),
    DELIVERY_BATCH, DELIVERY_LEASE_SECONDS, DIGEST_AT (local HH:MM of the staff digest),
    STAFF_DIGEST_EMAIL (where the digest goes)."""
    jitter = float(config.get("RETRY_JITTER", 0.1))
    default = ",".join(str(w) for w in exponential(30, 6, 3600))
    retry = {}
    for ch, fallback in (("sms", default), ("email", default), ("inapp", default),
                         ("webhook", "5,300,1800,7200,18000,36000")):
        retry[ch] = RetryPolicy(parse_schedule(config.get(f"RETRY_SCHEDULE_{ch.upper()}", fallback)), jitter)
    limits = {ch: parse_limit(config.get(f"RATE_LIMIT_{ch.upper()}", "50/s,100"))
              for ch in ("sms", "email", "inapp", "webhook")}
    start, end = parse_window(config.get("QUIET_HOURS", "21:00-08:00"))
    return DeliverySettings(retry=retry, limits=limits, quiet_start=start, quiet_end=end,
                            zone=ZoneInfo(config.get("TIMEZONE", "Asia/Shanghai")),
                            batch=int(config.get("DELIVERY_BATCH", 100)),
                            lease_seconds=float(config.get("DELIVERY_LEASE_SECONDS", 60)),
                            digest_at=time.fromisoformat(str(config.get("DIGEST_AT", "08:00"))),
                            staff_email=str(config.get("STAFF_DIGEST_EMAIL") or ""))


def allowed_webhook_hosts(config) -> frozenset[str]:
    """WEBHOOK_ALLOWED_HOSTS: comma-separated hosts a subscriber URL may name even though they
    resolve to a non-public address (an operator's decision; tests allow 127.0.0.1)."""
    raw = config.get("WEBHOOK_ALLOWED_HOSTS", "") or ""
    return frozenset(h.strip().lower() for h in str(raw).split(",") if h.strip())
