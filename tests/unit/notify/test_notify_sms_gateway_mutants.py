"""短信网关回执 the SMS gateway's answers at every edge of the HTTP ranges (issue 20), beyond
domain/test_notify_gateway_and_limits.py: 199/200, 299/300, 399/400, 499/500 and 429's
neighbours, and each of the gateway's codes inside a 2xx (a reject code there is final; a retry
code or one we do not know is worth another try).

Equivalent mutants (scripts/mutate.py excludes them from the score):
- x_classify__mutmut_6: ``http_status > 500`` for ``>= 500``: a 500 then misses the first branch
  and every other one, and the function's last line answers "retry" for it all the same.
- x_classify__mutmut_7: ``http_status >= 501`` for ``>= 500``: as mutant 6, 500 ends at the last
  line's "retry".
- x_classify__mutmut_12: ``400 <= http_status <= 500`` for ``< 500``: a 500 never gets there, the
  first branch has answered "retry" already.
- x_classify__mutmut_13: ``400 <= http_status < 501``: as mutant 12, 500 is answered before.
"""
import hashlib
import hmac

import pytest

from services.notify.domain.sms_gateway import REJECT_CODES, RETRY_CODES, classify, sign


@pytest.mark.parametrize("status,code,verdict", [
    (199, "OK", "retry"), (200, "OK", "sent"), (299, "OK", "sent"), (300, "OK", "retry"), (399, "OK", "retry"),
    (400, "OK", "reject"), (428, None, "reject"), (429, "OK", "retry"), (430, None, "reject"),
    (499, "OK", "reject"), (500, "OK", "retry"), (599, None, "retry"), (600, None, "retry"),
    (299, "INVALID_NUMBER", "reject"), (299, "THROTTLED", "retry"), (200, "ok", "retry"), (200, "", "retry"),
])
def test_every_edge_of_the_http_ranges(status, code, verdict):
    assert classify(status, code) == verdict


def test_the_codes_are_exactly_those_the_gateway_documents():
    assert RETRY_CODES == {"THROTTLED", "BUSY", "TIMEOUT", "SYSTEM_ERROR", "QUOTA_EXCEEDED"}
    assert REJECT_CODES == {"INVALID_NUMBER", "BLACKLISTED", "CONTENT_REJECTED", "SIGNATURE_INVALID"}
    for code in REJECT_CODES:
        assert classify(200, code) == "reject"
    for code in RETRY_CODES:
        assert classify(200, code) == "retry"


def test_the_signature_against_a_known_answer():
    # computed independently: printf '0.' | openssl dgst -sha256 -hmac secret
    assert sign(b"secret", 0, b"") == "3445798a051818ef95def46c2eb62b43d377ce6e3c29b4d0aec3da0e59577f79"
    assert sign(b"secret", 0, b"") == hmac.new(b"secret", b"0.", hashlib.sha256).hexdigest()
