"""Idempotency-Key for state-changing HTTP endpoints.

The same key with the same body replays the first response; the same key with another body
is refused (422); a duplicate arriving while the first is still running gets 409 and must
retry. The claim is committed before the work runs, so concurrent duplicates have one effect.
Keys are scoped per caller (principal), so two officers cannot collide.

A claim whose process died mid-request (SIGKILL, a node lost) would stay "in progress" for
ever and answer 409 to every retry. A claim older than its time to live
(``IDEMPOTENCY_CLAIM_TTL_SECONDS``, default CLAIM_TTL_SECONDS) with no response is stale: the
next request with that key and the same body takes it over, and an operator can list and
clear stale claims (``anju idempotency list|clear``). The TTL must exceed the longest request
(a request is bounded by the HTTP timeouts in front of it, far below five minutes).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from .errors import Conflict, Unprocessable
from .events.contracts import utc_now

CLAIM_TTL_SECONDS = 300.0


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: str


@dataclass(frozen=True)
class StaleClaim:
    principal: str
    key: str
    endpoint: str
    created_at: datetime


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def claim(store, principal: str, key: str, endpoint: str, digest: str, *, ttl_seconds: float = CLAIM_TTL_SECONDS,
          now: datetime | None = None) -> StoredResponse | None:
    """Claim the key; return the stored response if this request was already answered."""
    t = store.tables.idempotency
    if not key or len(key) > 200:
        raise Unprocessable("Idempotency-Key must be 1 to 200 characters")
    now = now or utc_now()
    try:
        with store.serialised(), store.engine.begin() as conn:
            conn.execute(insert(t).values(principal=principal, key=key, endpoint=endpoint,
                                          request_hash=digest, created_at=now))
        return None
    except IntegrityError:
        pass
    with store.engine.connect() as conn:
        row = conn.execute(
            select(t).where(t.c.principal == principal, t.c.key == key)
        ).one()
    if row.request_hash != digest:
        raise Unprocessable("this Idempotency-Key was already used with a different request; "
                            "use a new key for a new request")
    if row.status_code is None:
        if row.created_at <= now - timedelta(seconds=ttl_seconds) and _take_over(store, row, now):
            return None  # the first attempt's process died mid-request; this one does the work
        raise Conflict("a request with this Idempotency-Key is still being processed; retry shortly")
    return StoredResponse(row.status_code, row.response_body)


def _take_over(store, row, now: datetime) -> bool:
    """Renew a stale claim for this request; of two racing retries only one wins (the
    update is conditional on the claim being the one both read)."""
    t = store.tables.idempotency
    with store.serialised(), store.engine.begin() as conn:
        result = conn.execute(update(t).where(
            t.c.principal == row.principal, t.c.key == row.key, t.c.status_code.is_(None),
            t.c.created_at == row.created_at).values(created_at=now))
    return result.rowcount == 1


def complete(store, principal: str, key: str, status: int, body: str) -> None:
    t = store.tables.idempotency
    with store.serialised(), store.engine.begin() as conn:
        conn.execute(update(t).where(t.c.principal == principal, t.c.key == key)
                     .values(status_code=status, response_body=body))


def release(store, principal: str, key: str) -> None:
    """Forget a claim whose request failed unexpectedly, so the client may retry it."""
    t = store.tables.idempotency
    with store.serialised(), store.engine.begin() as conn:
        conn.execute(delete(t).where(t.c.principal == principal, t.c.key == key))


def _stale(t, now: datetime, ttl_seconds: float):
    return and_(t.c.status_code.is_(None), t.c.created_at <= now - timedelta(seconds=ttl_seconds))


def stale_claims(store, now: datetime, ttl_seconds: float = CLAIM_TTL_SECONDS, limit: int = 1000) -> list[StaleClaim]:
    """Claims still "in progress" after their time to live: left by a process that died."""
    t = store.tables.idempotency
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.c.principal, t.c.key, t.c.endpoint, t.c.created_at)
                            .where(_stale(t, now, ttl_seconds)).order_by(t.c.created_at).limit(limit)).all()
    return [StaleClaim(*r) for r in rows]


def clear_stale_claims(store, now: datetime, ttl_seconds: float = CLAIM_TTL_SECONDS) -> int:
    """Delete stale claims (the clients may then retry with the same key); how many."""
    t = store.tables.idempotency
    with store.serialised(), store.engine.begin() as conn:
        return conn.execute(delete(t).where(_stale(t, now, ttl_seconds))).rowcount
