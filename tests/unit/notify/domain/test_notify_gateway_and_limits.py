"""The SMS gateway's answers mapped to sent / retry / reject, its request signature, and the
token bucket of per-channel rate limits."""

import hashlib
import hmac

import pytest

from services.notify.domain.ratelimit import TokenBucket, parse_limit
from services.notify.domain.sms_gateway import classify, sign


@pytest.mark.parametrize("status,code,verdict", [
    (200, "OK", "sent"), (200, "THROTTLED", "retry"), (200, "BUSY", "retry"), (200, "QUOTA_EXCEEDED", "retry"),
    (200, "INVALID_NUMBER", "reject"), (200, "BLACKLISTED", "reject"), (200, "CONTENT_REJECTED", "reject"),
    (200, "WHATEVER", "retry"), (200, None, "retry"), (400, None, "reject"), (401, "SIGNATURE_INVALID", "reject"),
    (429, None, "retry"), (500, None, "retry"), (503, "OK", "retry"), (None, None, "retry"), (302, None, "retry"),
])
def test_gateway_answers(status, code, verdict):
    assert classify(status, code) == verdict


def test_the_request_signature_is_hmac_sha256_over_timestamp_dot_body():
    expected = hmac.new(b"k", b"1700000000.{\"to\":1}", hashlib.sha256).hexdigest()
    assert sign(b"k", 1700000000, b'{"to":1}') == expected


def test_a_bucket_allows_the_burst_then_the_rate():
    b = TokenBucket(rate=2, burst=3, now=0)
    assert [b.take(0) for _ in range(4)] == [True, True, True, False]
    assert b.take(0.4) is False  # 0.8 token
    assert b.take(0.5) is True  # 1.0
    assert b.take(10) and b.take(10) and b.take(10) and not b.take(10)  # refills to the burst only


@pytest.mark.parametrize("text,parsed", [("20/s,40", (20.0, 40)), ("60/m,5", (1.0, 5)), ("3600/h,1", (1.0, 1))])
def test_limits(text, parsed):
    assert parse_limit(text) == parsed


@pytest.mark.parametrize("text", ["20", "20/d,1", "0/s,1", "5/s,0", "x/s,1"])
def test_a_limit_that_makes_no_sense_is_refused(text):
    with pytest.raises(ValueError):
        parse_limit(text)
