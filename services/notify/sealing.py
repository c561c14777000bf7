"""Webhook signing secrets sealed at rest (密钥加密存储).

A subscriber's signing secret lets anyone who reads it forge our webhooks, so the database holds
it only sealed (Fernet: AES-128-CBC + HMAC-SHA256), never as plain text: a database dump, a
backup in object storage or a read-only replica gives away nothing. The keys live outside the
database, in WEBHOOK_SECRET_KEYS (a Kubernetes Secret): comma-separated Fernet keys, the first
seals, every one opens — so a key is rotated without a gap (deploy/README.md):

1. put the new key first, keep the old one after it, roll the Deployment;
2. ``POST /admin/subscriptions/reseal`` seals every row again under the new key;
3. drop the old key.

Without WEBHOOK_SECRET_KEYS a development key (public, in this file) is used, and notify refuses
to answer beyond this machine with it — as the web server does with the development JWT secret.
Rows written before sealing existed (a JSON list) are still read, and resealed by step 2.
"""

from __future__ import annotations

import base64
import json
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "fernet:"
# Public on purpose: good only on loopback (see refuse_development_key).
DEVELOPMENT_KEY = base64.urlsafe_b64encode(b"dev-only-anju-webhook-secrets-00").decode()
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


class SealError(RuntimeError):
    """A sealed value this copy cannot open, or a key set it cannot use."""


class SecretVault:
    def __init__(self, keys: list[str]):
        if not keys:
            raise SealError("WEBHOOK_SECRET_KEYS holds no key")
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        except (ValueError, TypeError):
            raise SealError("WEBHOOK_SECRET_KEYS: each key must be 32 url-safe base64-encoded bytes "
                            "(make one with `python -c 'from cryptography.fernet import Fernet; "
                            "print(Fernet.generate_key().decode())'`)") from None
        self.development = keys[0] == DEVELOPMENT_KEY

    def seal(self, secrets: list[str]) -> str:
        return PREFIX + self._fernet.encrypt(json.dumps(secrets).encode()).decode()

    def open(self, stored: str) -> list[str]:
        if stored.startswith("["):  # written before sealing existed
            return json.loads(stored)
        if not stored.startswith(PREFIX):
            raise SealError("a subscription's secrets are in no known form")
        try:
            return json.loads(self._fernet.decrypt(stored[len(PREFIX):].encode()))
        except InvalidToken:
            raise SealError("a subscription's secrets were sealed with a key that is not in "
                            "WEBHOOK_SECRET_KEYS: put that key back (after the new one)") from None

    def reseal(self, stored: str) -> str:
        """The same secrets sealed under the first key (a no-op in meaning; new ciphertext)."""
        return self.seal(self.open(stored))


def vault_from_config(config) -> SecretVault:
    raw = str(config.get("WEBHOOK_SECRET_KEYS") or os.environ.get("WEBHOOK_SECRET_KEYS", "") or DEVELOPMENT_KEY)
    return SecretVault([k.strip() for k in raw.split(",") if k.strip()])


def refuse_development_key(vault: SecretVault, host: str) -> None:
    """The development key is in the repository: sealing with it protects nothing, so a copy
    that answers other machines must have its own key."""
    if vault.development and host not in _LOOPBACK:
        raise SealError(f"refusing to listen on {host or '0.0.0.0'} with the development webhook key: set "
                        "WEBHOOK_SECRET_KEYS (Secret anju-notify-webhooks, key `keys`) or HTTP_HOST=127.0.0.1")
