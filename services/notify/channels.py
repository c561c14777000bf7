"""Channels behind one interface (渠道): ``send(message) -> provider message id``, or raise
``SendFailed`` saying whether trying again can help. SMS goes to an HTTP gateway (with a
fallback gateway) or, by default, to a local file sink; e-mail over SMTP or to a local file
sink; webhooks POST the signed envelope. In-app messages are rows (sender.py writes them).

Addresses (phone, e-mail) live only in the ``Message`` while it is sent; what is kept is
``masked(...)``.
"""

from __future__ import annotations

import json
import os
import smtplib
import socket
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from services.common.identity import mask_phone

from . import sealing
from .domain import sms_gateway, webhook_signing
from .settings import allowed_webhook_hosts


@dataclass
class Message:
    delivery_id: str
    event_id: str
    channel: str
    address: str  # a phone, an e-mail address or a URL
    subject: str
    body: str
    sealed_secrets: str = ""  # webhooks: the subscription's secrets, sealed (sealing.py)


class SendFailed(Exception):
    def __init__(self, message: str, *, retry: bool, retry_after: float | None = None, gone: bool = False):
        super().__init__(message)
        self.retry = retry
        self.retry_after = retry_after
        self.gone = gone  # webhooks: 410, disable the subscription


def mask_email(address: str) -> str:
    """z***@example.cn: the first character of the local part and the domain."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def masked(channel: str, address: str) -> str:
    if channel == "sms":
        return mask_phone(address)
    if channel == "email":
        return mask_email(address)
    return address


# -- SMS -----------------------------------------------------------------------------------

class SmsFileSink:
    """The embedded default: each SMS is a JSON line in a local file (what `make run` uses and
    the tests read). The file stands in for the phone network, so it holds the number."""

    name = "sms-file-sink"

    def __init__(self, path: str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def send(self, message: Message) -> str:
        provider_id = f"sink-{uuid.uuid4().hex[:16]}"
        line = json.dumps({"provider_message_id": provider_id, "delivery_id": message.delivery_id,
                           "event_id": message.event_id, "to": message.address, "text": message.body,
                           "at": time.time()}, ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as f:  # one write per line: lines never interleave
            f.write(line + "\n")
        return provider_id


class HttpSmsGateway:
    """A signed JSON POST {to, text, client_ref} to a gateway answering {code, message_id}."""

    def __init__(self, url: str, key_id: str, secret: str, timeout: float = 5.0, name: str = "sms-gateway"):
        self.url, self.key_id, self.secret, self.timeout, self.name = url, key_id, secret.encode(), timeout, name

    def send(self, message: Message) -> str:
        body = json.dumps({"to": message.address, "text": message.body, "client_ref": message.delivery_id},
                          ensure_ascii=False).encode()
        ts = int(time.time())
        req = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "X-Key-Id": self.key_id, "X-Timestamp": str(ts),
            "X-Signature": sms_gateway.sign(self.secret, ts, body)})
        status, answer = None, {}
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - configured URL
                status, answer = resp.status, _json(resp.read())
        except urllib.error.HTTPError as exc:
            status, answer = exc.code, _json(exc.read())
        except (OSError, TimeoutError):
            status = None
        verdict = sms_gateway.classify(status, answer.get("code"))
        if verdict == "sent":
            return str(answer.get("message_id") or "")
        raise SendFailed(f"{self.name}: HTTP {status}, code {answer.get('code')}", retry=verdict == "retry")


def _json(raw: bytes) -> dict:
    try:
        out = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return out if isinstance(out, dict) else {}


class FallbackSms:
    """The primary gateway, then the fallback when the primary fails in a way retrying could
    fix (a rejected number is rejected by both: no second try)."""

    name = "sms-with-fallback"

    def __init__(self, primary, fallback):
        self.primary, self.fallback = primary, fallback

    def send(self, message: Message) -> str:
        try:
            return self.primary.send(message)
        except SendFailed as first:
            if not first.retry:
                raise
            try:
                return self.fallback.send(message)
            except SendFailed as second:
                raise SendFailed(f"{first}; fallback: {second}", retry=second.retry) from None


# -- e-mail --------------------------------------------------------------------------------

class SmtpEmail:
    name = "smtp"

    def __init__(self, host: str, port: int, sender: str, timeout: float = 10.0, starttls: bool = False,
                 user: str = "", password: str = ""):
        self.host, self.port, self.sender, self.timeout = host, port, sender, timeout
        self.starttls, self.user, self.password = starttls, user, password

    def send(self, message: Message) -> str:
        msg = build_email(self.sender, message)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused:
            raise SendFailed("the mail server refused the recipient", retry=False) from None
        except smtplib.SMTPResponseException as exc:
            raise SendFailed(f"SMTP {exc.smtp_code}", retry=exc.smtp_code < 500) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(f"SMTP: {type(exc).__name__}", retry=True) from None
        return msg["Message-ID"]


def build_email(sender: str, message: Message) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = message.address
    msg["Subject"] = message.subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = f"<{message.delivery_id}@anju.notify>"  # the same on a re-send: the receiver dedups
    msg["X-Anju-Event-Id"] = message.event_id
    msg.set_content(message.body, charset="utf-8")
    return msg


class EmailFileSink:
    """The embedded default for e-mail: each message appended to a local mbox-like file."""

    name = "email-file-sink"

    def __init__(self, path: str, sender: str):
        self.path, self.sender = Path(path), sender
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def send(self, message: Message) -> str:
        msg = build_email(self.sender, message)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(f"From {self.sender}\n{msg.as_string()}\n")
        return msg["Message-ID"]


# -- webhooks ------------------------------------------------------------------------------

class WebhookPoster:
    """POST of the envelope signed per Standard Webhooks; the destination is checked again at
    send time (a name may resolve elsewhere since it was registered)."""

    name = "webhook"

    def __init__(self, timeout: float, allowed_hosts: frozenset[str], vault: sealing.SecretVault):
        self.timeout, self.allowed_hosts, self.vault = timeout, allowed_hosts, vault

    def send(self, message: Message) -> str:
        try:
            webhook_signing.check_destination(message.address, resolve(message.address), self.allowed_hosts)
        except webhook_signing.WebhookRejected as exc:
            raise SendFailed(exc.message, retry=False) from None
        try:  # opened only here, for the moment of signing
            secrets = self.vault.open(message.sealed_secrets)
        except sealing.SealError as exc:
            raise SendFailed(str(exc), retry=True) from None
        body = message.body.encode()
        headers = webhook_signing.headers(secrets, message.event_id, int(time.time()), body)
        req = urllib.request.Request(message.address, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - checked above
                status, retry_after = resp.status, None
        except urllib.error.HTTPError as exc:
            status, retry_after = exc.code, _retry_after(exc.headers.get("Retry-After"))
        except (OSError, TimeoutError) as exc:
            raise SendFailed(f"no answer: {type(exc).__name__}", retry=True) from None
        verdict = webhook_signing.outcome(status)
        if verdict == "delivered":
            return f"http-{status}"
        if verdict == "gone":
            raise SendFailed("410 Gone: the subscriber asked us to stop", retry=False, gone=True)
        raise SendFailed(f"HTTP {status}", retry=True, retry_after=retry_after)


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (the HTTP-date form is read as 'no hint'), at most a day."""
    try:
        return min(max(float(value), 0.0), 86400.0) if value is not None else None
    except ValueError:
        return None


def resolve(url: str) -> list[str]:
    host = webhook_signing.host_of(url)
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None)})
    except OSError:
        return []


# -- from the config -----------------------------------------------------------------------

def _secret(config, name: str) -> str:
    """A credential: from the config (tests) or the environment (a Kubernetes Secret), never
    from config.yaml, whose values end up in a ConfigMap."""
    return str(config.get(name) or os.environ.get(name, ""))


def from_config(config, vault: sealing.SecretVault | None = None) -> dict:
    """channel → sender. SMS: SMS_GATEWAY_URL (+ SMS_GATEWAY_KEY_ID/SECRET, and
    SMS_FALLBACK_URL/KEY_ID/SECRET) or the file sink at SMS_SINK_PATH; e-mail: SMTP_HOST
    (SMTP_PORT, SMTP_STARTTLS, SMTP_USER/PASSWORD) or the file sink at EMAIL_SINK_PATH."""
    get = config.get
    if get("SMS_GATEWAY_URL"):
        sms = HttpSmsGateway(get("SMS_GATEWAY_URL"), get("SMS_GATEWAY_KEY_ID", ""),
                             _secret(config, "SMS_GATEWAY_SECRET"),
                             float(get("SMS_GATEWAY_TIMEOUT", 5)), "primary")
        if get("SMS_FALLBACK_URL"):
            sms = FallbackSms(sms, HttpSmsGateway(get("SMS_FALLBACK_URL"), get("SMS_FALLBACK_KEY_ID", ""),
                                                  _secret(config, "SMS_FALLBACK_SECRET"),
                                                  float(get("SMS_GATEWAY_TIMEOUT", 5)), "fallback"))
    else:
        sms = SmsFileSink(get("SMS_SINK_PATH", "var/notify-sms.jsonl"))
    sender = get("EMAIL_FROM", "安居工程 <noreply@anju.example>")
    if get("SMTP_HOST"):
        email = SmtpEmail(get("SMTP_HOST"), int(get("SMTP_PORT", 25)), sender, float(get("SMTP_TIMEOUT", 10)),
                          str(get("SMTP_STARTTLS", "false")).lower() == "true", get("SMTP_USER", ""),
                          _secret(config, "SMTP_PASSWORD"))
    else:
        email = EmailFileSink(get("EMAIL_SINK_PATH", "var/notify-mail.txt"), sender)
    return {"sms": sms, "email": email,
            "webhook": WebhookPoster(float(get("WEBHOOK_TIMEOUT_SECONDS", 5)), allowed_webhook_hosts(config),
                                     vault or sealing.vault_from_config(config))}
