"""Standard Webhooks (https://www.standardwebhooks.com/) signing and subscriber URLs.

- A secret is ``whsec_`` + base64 of 24–64 random bytes; the HMAC key is the decoded bytes.
- The signature of a delivery is ``v1,`` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")),
  where id is the ``webhook-id`` header (the event id), timestamp the ``webhook-timestamp``
  header (unix seconds) and body the exact bytes POSTed. During a secret rotation the header
  carries one signature per active secret, space-separated; a subscriber accepts any.
- A subscriber URL must be http(s) and must not resolve to a loopback, link-local, private,
  multicast, reserved or unspecified address (no requests into our own network), unless the
  operator's allow-list names its host.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
from urllib.parse import urlsplit

PREFIX = "whsec_"
MIN_KEY, MAX_KEY = 24, 64


class WebhookRejected(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


def secret_from_bytes(raw: bytes) -> str:
    if not MIN_KEY <= len(raw) <= MAX_KEY:
        raise ValueError(f"a secret is {MIN_KEY}–{MAX_KEY} random bytes")
    return PREFIX + base64.b64encode(raw).decode("ascii")


def key_of(secret: str) -> bytes:
    if not secret.startswith(PREFIX):
        raise ValueError("a secret starts with whsec_")
    raw = base64.b64decode(secret[len(PREFIX):], validate=True)
    if not MIN_KEY <= len(raw) <= MAX_KEY:
        raise ValueError(f"a secret is {MIN_KEY}–{MAX_KEY} bytes")
    return raw


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key_of(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_header(secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header: one ``v1,`` signature per active secret."""
    if not secrets:
        raise ValueError("at least one secret")
    return " ".join(signature(s, msg_id, timestamp, body) for s in secrets)


def headers(secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature_header(secrets, msg_id, timestamp, body),
            "content-type": "application/json"}


def host_of(url: str) -> str:
    """The URL's host, lower case; refuses what is not an http(s) URL with a host."""
    if len(url) > 2000:
        raise WebhookRejected("URL longer than 2000 characters", "url")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise WebhookRejected("the URL must be http or https", "url")
    if not parts.hostname:
        raise WebhookRejected("the URL has no host", "url")
    if parts.username or parts.password:
        raise WebhookRejected("the URL must not carry credentials", "url")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise WebhookRejected("the URL's port is not a number in 0–65535", "url") from None
    return parts.hostname.lower()


def forbidden_address(address: str) -> bool:
    """True for addresses a webhook must not reach (our own network and the special ranges)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_loopback or ip.is_link_local or ip.is_private or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or not ip.is_global)


def check_destination(url: str, addresses: list[str], allowed_hosts: frozenset[str]) -> None:
    """Refuse ``url`` whose host resolved to ``addresses`` unless the allow-list names the host."""
    host = host_of(url)
    if host in allowed_hosts:
        return
    if not addresses:
        raise WebhookRejected(f"the host {host} does not resolve", "url")
    bad = [a for a in addresses if forbidden_address(a)]
    if bad:
        raise WebhookRejected(f"the host {host} resolves to a non-public address ({bad[0]}); "
                              "an operator must allow-list it", "url")


def outcome(status: int | None) -> str:
    """What a subscriber's reply means: ``delivered`` (2xx), ``gone`` (410: disable the
    subscription), ``retry`` (anything else, including a timeout: status None)."""
    if status is not None and 200 <= status < 300:
        return "delivered"
    if status == 410:
        return "gone"
    return "retry"
