"""Per-channel rate limits (限速): a token bucket per channel, so a burst of events does not
exceed what an SMS gateway or mail relay accepts. ``rate`` messages per second on average,
at most ``burst`` at once. The caller passes the time (monotonic seconds)."""

from __future__ import annotations


class TokenBucket:
    def __init__(self, rate: float, burst: int, now: float = 0.0):
        if rate <= 0 or burst < 1:
            raise ValueError("a rate limit needs rate > 0 per second and burst >= 1")
        self.rate = float(rate)
        self.burst = int(burst)
        self.tokens = float(burst)
        self.stamp = now

    def take(self, now: float) -> bool:
        """Take one token at ``now``; False when the channel must wait."""
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def parse_limit(text: str) -> tuple[float, int]:
    """'20/s,40' → (20.0 per second, burst 40)."""
    try:
        rate_part, burst_part = str(text).split(",")
        number, unit = rate_part.strip().split("/")
        per = {"s": 1.0, "m": 60.0, "h": 3600.0}[unit.strip()]
        rate, burst = float(number) / per, int(burst_part)
    except (ValueError, KeyError):
        raise ValueError(f"rate limit {text!r}: give N/s|m|h,BURST, e.g. 20/s,40") from None
    if rate <= 0 or burst < 1:
        raise ValueError(f"rate limit {text!r}: rate > 0 and burst >= 1")
    return rate, burst
