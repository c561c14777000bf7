"""Idempotency-Key for state-changing HTTP endpoints.

The same key with the same body replays the first response; the same key with another body
is refused (422); a duplicate arriving while the first is still running gets 409 and must
retry. The claim is committed before the work runs, so concurrent duplicates have one effect.
Keys are scoped per caller (principal), so two officers cannot collide.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from .errors import Conflict, Unprocessable
from .events.contracts import utc_now


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: str


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def claim(store, principal: str, key: str, endpoint: str, digest: str) -> StoredResponse | None:
    """Claim the key; return the stored response if this request was already answered."""
    t = store.tables.idempotency
    if not key or len(key) > 200:
        raise Unprocessable("Idempotency-Key must be 1 to 200 characters")
    try:
        with store.serialised(), store.engine.begin() as conn:
            conn.execute(insert(t).values(principal=principal, key=key, endpoint=endpoint,
                                          request_hash=digest, created_at=utc_now()))
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
        raise Conflict("a request with this Idempotency-Key is still being processed; retry shortly")
    return StoredResponse(row.status_code, row.response_body)


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
