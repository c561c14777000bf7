"""摇号 lottery: known-answer vectors computed outside Python (sha256sum, openssl)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.allocation.domain import lottery
from services.allocation.domain.lottery import (
    LotteryError,
    RevealMismatch,
    TieBreaker,
    commitment,
    final_seed,
    tie_break_key,
    verify_reveal,
)

SECRET = b"anju-test-secret-0123456789abcdef"  # 33 bytes
# printf 'anju-test-secret-0123456789abcdef' | sha256sum
COMMIT = "615b699ca70b9dd5d7a7e1351cfdee54f69db314857b5ee9267f11143799786e"
# (secret; 0x00; '["07 14 21","张三:42"]' in UTF-8) | sha256sum
SEED_HEX = "f629f3ab7f41e5848475088d844ecd4aaeab4e5402f91b826df573418ee07ca0"
# printf 'A-001' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<SEED_HEX>
KEY_A001 = "20e69deebc5a2d668176675d4b8142c1878c94886cddee19ee0aef0e9e8802a0"


def test_commitment_known_answer():
    assert commitment(SECRET) == COMMIT


def test_final_seed_known_answer_uses_published_rule():
    assert final_seed(SECRET, ["07 14 21", "张三:42"]).hex() == SEED_HEX


def test_tie_break_key_is_hmac_known_answer():
    seed = bytes.fromhex(SEED_HEX)
    assert tie_break_key(seed, "A-001").hex() == KEY_A001
    assert TieBreaker(seed)("A-001").hex() == KEY_A001


def test_verify_reveal_accepts_match_and_refuses_other_secret():
    verify_reveal(SECRET, COMMIT.upper())  # hex case does not matter
    with pytest.raises(RevealMismatch):
        verify_reveal(SECRET + b"x", COMMIT)


def test_seed_depends_on_every_public_value_and_their_order():
    a = final_seed(SECRET, ["1", "2"])
    assert a != final_seed(SECRET, ["2", "1"])
    assert a != final_seed(SECRET, ["1", "2", "3"])
    # the separator/JSON framing stops "1","2" colliding with "12" or "1,2"
    assert a != final_seed(SECRET, ["12"]) != final_seed(SECRET, ['1","2'])


def test_refuses_short_secret_and_missing_public_values():
    with pytest.raises(LotteryError):
        commitment(b"short")
    with pytest.raises(LotteryError):
        final_seed(SECRET, [])  # without a public value the district could grind secrets
    with pytest.raises(LotteryError):
        final_seed(SECRET, [""])


def test_new_secret_is_32_random_bytes():
    a, b = lottery.new_secret(), lottery.new_secret()
    assert len(a) == 32 and a != b


@given(st.binary(min_size=0, max_size=100), st.text(max_size=20))
def test_fast_tiebreaker_equals_reference_hmac(seed, ref):
    # covers keys longer than the SHA-256 block (64 bytes), which RFC 2104 hashes first
    assert TieBreaker(seed)(ref) == tie_break_key(seed, ref)
