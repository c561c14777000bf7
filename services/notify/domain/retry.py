"""Retries (重试): when to try a failed delivery again, and when to give up.

A schedule is the list of waits after each failed attempt: attempt n (1-based) failing waits
``schedule[n-1]`` seconds, times a jitter factor drawn from [1 - jitter, 1 + jitter] so a burst
of failures does not retry in lock-step; after the last wait's retry fails the delivery is
dead (dead-letter list, manual re-send). A provider's ``Retry-After`` replaces the wait when it
is longer (never shorter: the schedule is our floor).

Webhooks follow Standard Webhooks' spirit: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h. SMS and e-mail
use exponential backoff: ``base · 2^n`` capped.
"""

from __future__ import annotations

from dataclasses import dataclass

WEBHOOK_SCHEDULE = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0)


def exponential(base: float, retries: int, cap: float) -> tuple[float, ...]:
    """``retries`` waits: base, 2·base, 4·base… each at most ``cap`` seconds."""
    if base <= 0 or retries < 0 or cap < base:
        raise ValueError("base > 0, retries >= 0 and cap >= base")
    return tuple(min(base * 2**n, cap) for n in range(retries))


def parse_schedule(text: str) -> tuple[float, ...]:
    """A schedule from its setting, comma-separated seconds ('5,300,1800')."""
    try:
        waits = tuple(float(part) for part in str(text).split(",") if part.strip())
    except ValueError:
        raise ValueError(f"retry schedule {text!r}: comma-separated seconds") from None
    if any(w <= 0 for w in waits):
        raise ValueError(f"retry schedule {text!r}: every wait must be > 0 seconds")
    return waits


@dataclass(frozen=True)
class RetryPolicy:
    schedule: tuple[float, ...]
    jitter: float = 0.1  # ±10 %

    def __post_init__(self):
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")

    @property
    def max_attempts(self) -> int:
        return len(self.schedule) + 1

    def wait_after(self, attempts: int, draw: float, retry_after: float | None = None) -> float | None:
        """Seconds to wait after ``attempts`` failed attempts (None: give up). ``draw`` is a
        uniform random number in [0, 1) (passed in so the rule is testable)."""
        if attempts < 1:
            raise ValueError("attempts counts failed attempts, from 1")
        if attempts > len(self.schedule):
            return None
        wait = self.schedule[attempts - 1] * (1 - self.jitter + 2 * self.jitter * draw)
        if retry_after is not None and retry_after > wait:
            wait = float(retry_after)
        return wait
