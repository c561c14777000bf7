"""Standard Webhooks signing against the specification's published example, the reference
verifier (the `standardwebhooks` package), and the rule for subscriber URLs."""

import base64
import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from services.notify.domain import webhook_signing as ws

SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def test_the_specifications_example_signature():
    # standard-webhooks spec, "Signature scheme" example (computed by the spec's authors)
    sig = ws.signature(SPEC_SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')
    assert sig == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


@given(st.binary(min_size=24, max_size=64), st.text(min_size=1, max_size=40).filter(lambda s: "." not in s),
       st.dictionaries(st.text(max_size=5), st.integers(), max_size=3))
def test_the_reference_verifier_accepts_what_we_sign(key, msg_id, payload):
    secret = ws.secret_from_bytes(key)
    body = json.dumps(payload).encode()
    ts = int(time.time())
    headers = ws.headers([secret], msg_id, ts, body)
    assert Webhook(secret).verify(body, headers) == payload


def test_during_a_rotation_either_secret_verifies():
    old, new = ws.secret_from_bytes(b"o" * 32), ws.secret_from_bytes(b"n" * 32)
    ts, body = int(time.time()), b'{"a":1}'
    headers = ws.headers([new, old], "evt-1", ts, body)
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        assert Webhook(secret).verify(body, headers) == {"a": 1}
    with pytest.raises(WebhookVerificationError):
        Webhook(ws.secret_from_bytes(b"x" * 32)).verify(body, headers)


def test_secrets_are_whsec_and_24_to_64_bytes():
    s = ws.secret_from_bytes(bytes(range(24)))
    assert s == "whsec_" + base64.b64encode(bytes(range(24))).decode()
    assert ws.key_of(s) == bytes(range(24))
    for bad in (b"x" * 23, b"x" * 65):
        with pytest.raises(ValueError):
            ws.secret_from_bytes(bad)
    with pytest.raises(ValueError):
        ws.key_of("sk_" + base64.b64encode(b"x" * 32).decode())


@pytest.mark.parametrize("url,addresses,why", [
    ("ftp://example.cn/x", ["203.0.113.9"], "http or https"),
    ("file:///etc/passwd", [], "http or https"),
    ("http://user:pw@example.cn/x", ["8.8.8.8"], "credentials"),
    ("http:///nohost", [], "no host"),
    ("http://example.cn:99999/x", ["8.8.8.8"], "port"),
    ("http://127.0.0.1:8080/x", ["127.0.0.1"], "non-public"),
    ("http://intranet.local/x", ["10.1.2.3"], "non-public"),
    ("http://router/x", ["192.168.1.1"], "non-public"),
    ("http://meta/x", ["169.254.169.254"], "non-public"),
    ("http://v6/x", ["::1"], "non-public"),
    ("http://mapped/x", ["::ffff:127.0.0.1"], "non-public"),
    ("http://half/x", ["8.8.8.8", "172.16.0.1"], "non-public"),
    ("http://nowhere.example/x", [], "does not resolve"),
])
def test_urls_that_are_not_public_http_are_refused(url, addresses, why):
    with pytest.raises(ws.WebhookRejected, match=why) as refused:
        ws.check_destination(url, addresses, frozenset())
    assert refused.value.field == "url"


def test_a_public_address_or_an_allow_listed_host_is_accepted():
    ws.check_destination("https://mz.gov.example/hook", ["8.8.8.8"], frozenset())
    ws.check_destination("http://127.0.0.1:9000/hook", ["127.0.0.1"], frozenset({"127.0.0.1"}))
    ws.check_destination("http://LocalHost:9000/hook", ["127.0.0.1"], frozenset({"localhost"}))


@pytest.mark.parametrize("status,meaning", [(200, "delivered"), (204, "delivered"), (299, "delivered"),
                                            (300, "retry"), (301, "retry"), (400, "retry"), (410, "gone"),
                                            (429, "retry"), (500, "retry"), (None, "retry")])
def test_only_2xx_is_success_and_410_is_gone(status, meaning):
    assert ws.outcome(status) == meaning
