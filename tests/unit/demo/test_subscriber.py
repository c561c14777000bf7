"""The demo's webhook subscriber (services/demo/notifications.py) on 127.0.0.1: a POST signed
with its secret is counted under its webhook-id and event type (twice if it comes twice); a
forged or unsigned one is counted as a bad signature, never as received."""

from __future__ import annotations

import json
import os
import time

import requests

from services.demo.notifications import Subscriber
from services.notify.domain.webhook_signing import headers, secret_from_bytes


def _post(url: str, secret: str, msg_id: str, event_type: str) -> int:
    body = json.dumps({"event_type": event_type, "data": {}}).encode()
    signed = headers([secret], msg_id, int(time.time()), body)
    return requests.post(url, data=body, headers=signed, timeout=5).status_code


def test_signed_posts_are_counted_and_forged_ones_are_not():
    sub = Subscriber()
    try:
        sub.secret = secret_from_bytes(os.urandom(32))
        assert sub.url.startswith("http://127.0.0.1:")
        assert _post(sub.url, sub.secret, "msg-1", "rent.overdue") == 204
        assert _post(sub.url, sub.secret, "msg-1", "rent.overdue") == 204  # a repeat is seen as one
        assert _post(sub.url, sub.secret, "msg-2", "loan.disbursed") == 204
        assert _post(sub.url, secret_from_bytes(os.urandom(32)), "msg-3", "rent.overdue") == 204  # forged
        assert requests.post(sub.url, data=b"{}", timeout=5).status_code == 204  # unsigned
        assert dict(sub.received) == {("msg-1", "rent.overdue"): 2, ("msg-2", "loan.disbursed"): 1}
        assert sub.bad_signatures == 2
    finally:
        sub.close()
