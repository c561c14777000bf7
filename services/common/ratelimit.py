"""Per-client rate limits on an endpoint, declared with it (`@api(..., limit=RateLimit(5, 3600))`),
answered with 429 and ``Retry-After``.

A sliding window per (endpoint, client) kept in the process: each replica counts its own, so
with N replicas a client gets at most N × count (say so in the limit you choose). The client is
the caller's principal when there is one; for a public endpoint it is the address the request
came from (``X-Forwarded-For``'s first hop when ``TRUST_FORWARDED_FOR`` is set, as behind the
district's ingress).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from dataclasses import dataclass

from .errors import TooManyRequests

MAX_CLIENTS = 10_000  # windows kept per endpoint; the least recently seen are forgotten first


@dataclass(frozen=True)
class RateLimit:
    count: int  # requests allowed ...
    per_seconds: float  # ... in any window this long

    def __post_init__(self):
        if self.count < 1 or self.per_seconds <= 0:
            raise ValueError("a rate limit needs count >= 1 and per_seconds > 0")


class Limiter:
    def __init__(self, limit: RateLimit, clock=time.monotonic):
        self.limit = limit
        self.clock = clock
        self._windows: OrderedDict[str, deque] = OrderedDict()

    def hit(self, client: str) -> None:
        """Count one request of ``client``, or raise TooManyRequests (nothing counted)."""
        now = self.clock()
        window = self._windows.pop(client, None) or deque()
        while window and window[0] <= now - self.limit.per_seconds:
            window.popleft()
        self._windows[client] = window
        if len(self._windows) > MAX_CLIENTS:
            self._windows.popitem(last=False)
        if len(window) >= self.limit.count:
            retry = max(1, math.ceil(window[0] + self.limit.per_seconds - now))
            raise TooManyRequests(f"too many requests: at most {self.limit.count} per "
                                  f"{_duration(self.limit.per_seconds)}; retry in {retry} s",
                                  retry_after=retry)
        window.append(now)


def _duration(seconds: float) -> str:
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            n = int(seconds // size)
            return unit if n == 1 else f"{n} {unit}s"
    return f"{seconds:g} s"


def client_of(request, principal, trust_forwarded_for: bool) -> str:
    if principal is not None:
        return principal.ref
    if trust_forwarded_for:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
        if forwarded:
            return "addr:" + forwarded
    return "addr:" + (request.remote_addr or "")
