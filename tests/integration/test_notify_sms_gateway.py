"""The SMS gateway adapter over real HTTP on loopback: the request is signed (the gateway
checks HMAC-SHA256 over "{timestamp}.{body}"), provider codes decide retry or not, and a busy
primary falls back to the second gateway while a rejected number is not tried twice."""

from __future__ import annotations

import hashlib
import hmac
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import eventlet
import pytest

from services.notify.channels import FallbackSms, HttpSmsGateway, Message, SendFailed, from_config

SECRET = "gateway-secret"


class Gateway:
    """A gateway that verifies our signature and answers the code it is given."""

    def __init__(self, code="OK", status=200):
        self.code, self.status, self.calls = code, status, []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = hmac.new(SECRET.encode(), f"{self.headers['X-Timestamp']}.".encode() + body,
                                    hashlib.sha256).hexdigest()
                signed = hmac.compare_digest(expected, self.headers["X-Signature"])
                gateway.calls.append({"body": json.loads(body), "signed": signed, "key": self.headers["X-Key-Id"]})
                answer = json.dumps({"code": gateway.code if signed else "SIGNATURE_INVALID",
                                     "message_id": f"gw-{len(gateway.calls)}"}).encode()
                self.send_response(gateway.status if signed else 401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        eventlet.spawn(self.server.serve_forever, 0.05)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateways():
    made = []

    def make(**kw):
        made.append(Gateway(**kw))
        return made[-1]

    yield make
    for g in made:
        g.close()


MSG = Message("d-1", "e-1", "sms", "13812345678", "", "【安居工程】测试")


def test_a_signed_request_is_accepted_with_the_providers_message_id(gateways):
    gw = gateways()
    assert HttpSmsGateway(gw.url, "key-1", SECRET).send(MSG) == "gw-1"
    (call,) = gw.calls
    assert call["signed"] and call["key"] == "key-1"
    assert call["body"] == {"to": "13812345678", "text": "【安居工程】测试", "client_ref": "d-1"}


def test_a_wrong_secret_is_refused_and_not_retried(gateways):
    gw = gateways()
    with pytest.raises(SendFailed) as failed:
        HttpSmsGateway(gw.url, "key-1", "wrong").send(MSG)
    assert failed.value.retry is False


@pytest.mark.parametrize("code,status,retry", [("BUSY", 200, True), ("THROTTLED", 200, True), (None, 503, True),
                                               ("INVALID_NUMBER", 200, False), ("CONTENT_REJECTED", 200, False)])
def test_provider_codes_decide_whether_to_retry(gateways, code, status, retry):
    gw = gateways(code=code, status=status)
    with pytest.raises(SendFailed) as failed:
        HttpSmsGateway(gw.url, "k", SECRET).send(MSG)
    assert failed.value.retry is retry


def test_a_busy_primary_falls_back_and_a_rejected_number_does_not(gateways):
    busy, backup = gateways(code="BUSY"), gateways()
    sms = FallbackSms(HttpSmsGateway(busy.url, "k", SECRET), HttpSmsGateway(backup.url, "k", SECRET))
    assert sms.send(MSG) == "gw-1" and len(busy.calls) == 1 and len(backup.calls) == 1
    rejecting, backup2 = gateways(code="INVALID_NUMBER"), gateways()
    sms = FallbackSms(HttpSmsGateway(rejecting.url, "k", SECRET), HttpSmsGateway(backup2.url, "k", SECRET))
    with pytest.raises(SendFailed) as failed:
        sms.send(MSG)
    assert failed.value.retry is False and backup2.calls == []


def test_a_dead_primary_falls_back(gateways):
    backup = gateways()
    sms = FallbackSms(HttpSmsGateway("http://127.0.0.1:9/sms", "k", SECRET, timeout=1),
                      HttpSmsGateway(backup.url, "k", SECRET))
    assert sms.send(MSG) == "gw-1"


def test_the_config_builds_the_gateway_with_its_fallback(gateways, tmp_path):
    primary, backup = gateways(code="SYSTEM_ERROR"), gateways()
    senders = from_config({"SMS_GATEWAY_URL": primary.url, "SMS_GATEWAY_KEY_ID": "k", "SMS_GATEWAY_SECRET": SECRET,
                           "SMS_FALLBACK_URL": backup.url, "SMS_FALLBACK_SECRET": SECRET,
                           "EMAIL_SINK_PATH": str(tmp_path / "m.txt")})
    assert senders["sms"].send(MSG) == "gw-1" and len(primary.calls) == 1 and len(backup.calls) == 1
    assert type(from_config({"SMS_SINK_PATH": str(tmp_path / "s.jsonl"),
                             "EMAIL_SINK_PATH": str(tmp_path / "m.txt")})["sms"]).__name__ == "SmsFileSink"
