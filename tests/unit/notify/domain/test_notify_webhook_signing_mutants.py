"""Standard Webhooks signing and subscriber URLs at their edges (issue 20), beyond
test_notify_webhook_signing.py: a secret of exactly 24 and 64 bytes both ways and the refusals'
words; the headers in full for the specification's example; no header without a secret; a URL of
exactly 2000 characters; the host in lower case; ports 0 and 65535; each special range on its own
(multicast, reserved, unspecified, shared 100.64/10, an IPv6 link-local with its zone, mapped
addresses both ways); the first non-public address named; 199 and 411 are not success or gone.

Equivalent mutants (scripts/mutate.py excludes them from the score):
- x_forbidden_address__mutmut_12: ``is_link_local and is_private`` for ``or``: a link-local or a
  private address is never global (Python defines is_global as not is_private, and link-local
  ranges are private), so ``not ip.is_global`` refuses it anyway.
- x_forbidden_address__mutmut_13: ``is_loopback and is_link_local`` for ``or``: loopback ranges are
  private too, hence not global, and still refused by ``not ip.is_global``.
- x_secret_from_bytes__mutmut_9: "ASCII" names the same codec as "ascii".
- x_signature__mutmut_17: "ASCII" names the same codec as "ascii".
"""
import base64
import binascii

import pytest

from services.notify.domain import webhook_signing as ws

SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.mark.parametrize("n", [24, 64])
def test_a_secret_of_24_or_64_bytes_goes_both_ways(n):
    raw = bytes(range(n))
    assert ws.key_of(ws.secret_from_bytes(raw)) == raw


@pytest.mark.parametrize("n", [23, 65])
def test_a_secret_outside_24_to_64_bytes_is_refused_with_words(n):
    with pytest.raises(ValueError, match="^a secret is 24–64 random bytes$"):
        ws.secret_from_bytes(b"x" * n)
    with pytest.raises(ValueError, match="^a secret is 24–64 bytes$"):
        ws.key_of("whsec_" + base64.b64encode(b"x" * n).decode())


def test_a_secret_without_the_prefix_or_not_base64_is_refused():
    with pytest.raises(ValueError, match="^a secret starts with whsec_$"):
        ws.key_of("WHSEC_" + base64.b64encode(b"x" * 32).decode())
    with pytest.raises(ValueError):
        ws.key_of("whsec_" + "!" * 44)  # not base64: refused, not decoded leniently
    good = base64.b64encode(b"k" * 32).decode()
    with pytest.raises(binascii.Error):  # a stray character is refused, not skipped over
        ws.key_of("whsec_" + good[:10] + "!" + good[10:])


def test_the_headers_in_full_and_none_without_a_secret():
    body = b'{"test": 2432232314}'
    assert ws.headers([SPEC_SECRET], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "content-type": "application/json"}
    with pytest.raises(ValueError, match="^at least one secret$"):
        ws.signature_header([], "m", 1, b"")


def test_url_length_host_case_and_ports():
    base = "https://example.cn/"
    exact = base + "a" * (2000 - len(base))
    assert ws.host_of(exact) == "example.cn"
    with pytest.raises(ws.WebhookRejected) as refused:
        ws.host_of(exact + "a")
    assert (refused.value.message, refused.value.field) == ("URL longer than 2000 characters", "url")
    assert ws.host_of("https://Example.CN:65535/x") == "example.cn"
    assert ws.host_of("http://example.cn:0/x") == "example.cn"


@pytest.mark.parametrize("url,words", [
    ("ftp://example.cn/x", "the URL must be http or https"),
    ("http:///x", "the URL has no host"),
    ("https://u@example.cn/x", "the URL must not carry credentials"),
    ("https://:p@example.cn/x", "the URL must not carry credentials"),
    ("https://example.cn:65536/x", "the URL's port is not a number in 0–65535"),
])
def test_each_refusal_of_a_url_in_words(url, words):
    with pytest.raises(ws.WebhookRejected) as refused:
        ws.host_of(url)
    assert (refused.value.message, refused.value.field) == (words, "url")


@pytest.mark.parametrize("address,forbidden", [
    ("8.8.8.8", False), ("2001:4860:4860::8888", False), ("::ffff:8.8.8.8", False),
    ("224.0.0.1", True), ("239.255.255.250", True), ("ff02::1", True), ("240.0.0.1", True), ("0.0.0.0", True),
    ("::", True), ("100.64.0.1", True), ("fe80::1%eth0", True), ("::ffff:10.0.0.1", True), ("127.0.0.1", True),
    ("10.0.0.1", True), ("172.31.255.255", True), ("172.32.0.1", False), ("169.254.0.1", True), ("fc00::1", True),
    ("4000::1", True),  # IETF-reserved, though Python calls it global: is_reserved alone refuses it
    ("10.0.0.1%eth0", True), ("8.8.8.8%1", False),  # a zone is cut off before the address is judged
])
def test_each_special_range_on_its_own(address, forbidden):
    assert ws.forbidden_address(address) is forbidden


def test_the_first_non_public_address_is_named():
    with pytest.raises(ws.WebhookRejected) as refused:
        ws.check_destination("http://h.example/x", ["8.8.8.8", "10.0.0.1", "127.0.0.1"], frozenset())
    assert refused.value.message == ("the host h.example resolves to a non-public address (10.0.0.1); "
                                     "an operator must allow-list it")
    with pytest.raises(ws.WebhookRejected) as refused:
        ws.check_destination("http://Nowhere.Example/x", [], frozenset())
    assert refused.value.message == "the host nowhere.example does not resolve"
    ws.check_destination("http://h.example/x", [], frozenset({"h.example"}))  # allow-listed: no lookup needed


@pytest.mark.parametrize("status,meaning", [(199, "retry"), (411, "retry"), (409, "retry"), (0, "retry")])
def test_neither_success_nor_gone(status, meaning):
    assert ws.outcome(status) == meaning
