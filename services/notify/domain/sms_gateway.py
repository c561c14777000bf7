"""The SMS gateway's answers (短信网关回执), mapped to what we do next.

- ``sent``: the gateway took the message (HTTP 2xx with code OK);
- ``retry``: worth trying again later or on the fallback gateway — the gateway is busy,
  throttling, timing out or broken (HTTP 429 and 5xx, codes THROTTLED, BUSY, TIMEOUT,
  SYSTEM_ERROR, or an answer we cannot read);
- ``reject``: trying again cannot help — the number is invalid or blocked, the text was
  refused, or our request is wrong (other HTTP 4xx, codes INVALID_NUMBER, BLACKLISTED,
  CONTENT_REJECTED, SIGNATURE_INVALID, QUOTA_EXCEEDED is retry: quotas refill).

The request is signed: ``X-Signature`` = hex HMAC-SHA256(secret, "{timestamp}.{body}"), with
``X-Timestamp`` (unix seconds) and ``X-Key-Id``; the gateway refuses a stale timestamp.
"""

from __future__ import annotations

import hashlib
import hmac

RETRY_CODES = frozenset({"THROTTLED", "BUSY", "TIMEOUT", "SYSTEM_ERROR", "QUOTA_EXCEEDED"})
REJECT_CODES = frozenset({"INVALID_NUMBER", "BLACKLISTED", "CONTENT_REJECTED", "SIGNATURE_INVALID"})


def classify(http_status: int | None, code: str | None) -> str:
    """``sent``, ``retry`` or ``reject`` for a gateway's answer (http_status None: no answer)."""
    if http_status is None or http_status == 429 or http_status >= 500:
        return "retry"
    if 400 <= http_status < 500:
        return "reject"
    if 200 <= http_status < 300:
        if code == "OK":
            return "sent"
        if code in REJECT_CODES:
            return "reject"
        return "retry"  # RETRY_CODES, and codes we do not know: the fallback may do better
    return "retry"


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    return hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
