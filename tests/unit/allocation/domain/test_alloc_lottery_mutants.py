"""摇号 lottery: the rules `make mutate` showed no test stated (issue 20).

What anyone re-checking a round must reproduce byte for byte: the canonical JSON (sorted keys
whatever the input's order, no whitespace, non-ASCII as UTF-8), the boundary of the minimum
secret length, the HMAC key handling of RFC 2104 at and beyond the SHA-256 block (64 bytes)
and the ranking's sort keys. Known answers were computed outside Python (sha256sum, openssl).

Equivalent mutants (scripts/mutate.py excludes them from the score):

- x_new_secret__mutmut_1: ``secrets.token_bytes(None)`` draws ``secrets.DEFAULT_ENTROPY`` = 32
  bytes, which is SECRET_BYTES; asserted below, so a change of either shows.
- x_canonical_json__mutmut_4: ``ensure_ascii=None`` is falsy, the same as ``False`` to json.
- x_canonical_json__mutmut_15: ``"UTF-8"`` names the same codec as ``"utf-8"``.
- x_tie_break_key__mutmut_9: ``"UTF-8"`` names the same codec as ``"utf-8"``.
- x_tie_break_key__mutmut_11: ``"SHA256"``: OpenSSL's digest names are case-insensitive, the
  same HMAC-SHA256.
- xǁTieBreakerǁ__call____mutmut_5: ``"UTF-8"`` names the same codec as ``"utf-8"``.
- xǁTieBreakerǁsort_keys__mutmut_6: ``"UTF-8"`` names the same codec as ``"utf-8"``.
"""
import hashlib
import hmac
import secrets

import pytest

from services.allocation.domain.lottery import (
    MIN_SECRET_BYTES,
    SECRET_BYTES,
    LotteryError,
    PublicValuesError,
    RevealMismatch,
    TieBreaker,
    canonical_json,
    commitment,
    final_seed,
    tie_break_key,
    verify_reveal,
)

# printf '{"a":{"c":2,"d":1},"b":[1,"张三"]}' | sha256sum
CANONICAL_SHA256 = "34e5dff0fd908c28740a0e5ebd90d780166cbe7eb7347c781335d0f914a9f539"
# printf '0123456789abcdef' | sha256sum   (exactly MIN_SECRET_BYTES = 16 bytes)
MIN_SECRET = b"0123456789abcdef"
MIN_SECRET_COMMIT = "9f9f5111f7b27a781f1f1ddde5ebc2dd2b796bfc7365c9c28b548e564176929f"
# printf 'A-001' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<n bytes of "k">
HMAC_A001_BY_KEY_LENGTH = {
    63: "8c2f1e5114d05c71d1011cfd093b687235fb8fd156da6d66081a6868f918c53a",
    64: "8f84e8456d68c87634111f548d2010e3d380c6c3e3d375261b17e7410a8eb78d",
    65: "764ef48248ca0da8fe4c730a94c5b9680db48854a1004c31517cc77ba534cf2f",
}
# printf '张三' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<64 bytes of "k">
HMAC_ZHANGSAN_KEY64 = "4f52301c39a1b8bed79a70d94e4fe1c1ca7a5a8982dc640d3b411a9db8f747ba"


# --- canonical JSON ------------------------------------------------------------------------

def test_canonical_json_is_sorted_compact_utf8_byte_for_byte():
    value = {"b": [1, "张三"], "a": {"d": 1, "c": 2}}
    expected = '{"a":{"c":2,"d":1},"b":[1,"张三"]}'.encode()
    assert canonical_json(value) == expected
    assert hashlib.sha256(canonical_json(value)).hexdigest() == CANONICAL_SHA256


def test_canonical_json_does_not_depend_on_the_key_order_of_the_input():
    one = {"round": "R-7", "units": {"u2": "二", "u1": "一"}, "draw": ["03", "12"]}
    other = {"draw": ["03", "12"], "units": {"u1": "一", "u2": "二"}, "round": "R-7"}
    assert list(one) != list(other)
    assert canonical_json(one) == canonical_json(other)
    assert canonical_json(one) == '{"draw":["03","12"],"round":"R-7","units":{"u1":"一","u2":"二"}}'.encode()


def test_canonical_json_keeps_non_ascii_text_as_utf8_not_escapes():
    out = canonical_json(["张三", "Zoë"])
    assert out == b'["\xe5\xbc\xa0\xe4\xb8\x89","Zo\xc3\xab"]'
    assert b"\\u" not in out


# --- secrets and the commitment ------------------------------------------------------------

def test_a_secret_of_exactly_the_minimum_length_is_accepted_one_byte_less_is_not():
    assert len(MIN_SECRET) == MIN_SECRET_BYTES == 16
    assert commitment(MIN_SECRET) == MIN_SECRET_COMMIT
    assert len(final_seed(MIN_SECRET, ["07"])) == 32
    with pytest.raises(LotteryError, match=r"^secret must be at least 16 bytes$"):
        commitment(MIN_SECRET[:-1])
    with pytest.raises(LotteryError, match=r"^secret must be at least 16 bytes$"):
        final_seed(MIN_SECRET[:-1], ["07"])


@pytest.mark.parametrize("secret", ["0123456789abcdef0123", None, 12345678901234567890])
def test_a_secret_that_is_not_bytes_is_refused_by_name(secret):
    with pytest.raises(LotteryError, match=r"^secret must be bytes$"):
        commitment(secret)


def test_a_bytearray_secret_is_the_same_secret():
    assert commitment(bytearray(MIN_SECRET)) == MIN_SECRET_COMMIT
    assert final_seed(bytearray(MIN_SECRET), ["07"]) == final_seed(MIN_SECRET, ["07"])


def test_new_secret_draws_the_published_length():
    # SECRET_BYTES is what the published procedure promises; it is also secrets' default
    assert SECRET_BYTES == 32 == secrets.DEFAULT_ENTROPY
    assert len({secrets.token_bytes(SECRET_BYTES) for _ in range(3)}) == 3


def test_a_refused_reveal_names_both_hashes():
    other = b"another-secret-of-enough-bytes"
    actual = hashlib.sha256(other).hexdigest()
    with pytest.raises(RevealMismatch) as e:
        verify_reveal(other, MIN_SECRET_COMMIT)
    assert str(e.value) == (f"refused: revealed secret hashes to {actual}, "
                            f"published commitment is {MIN_SECRET_COMMIT}")
    assert e.value.field == "secret_hex" and e.value.message == "does not match the commitment"
    verify_reveal(MIN_SECRET, f"  {MIN_SECRET_COMMIT.upper()}\n")  # spacing and case of the hex do not matter


# --- public values -------------------------------------------------------------------------

def test_no_public_value_is_refused_with_the_reason():
    with pytest.raises(PublicValuesError, match=r"^at least one public value is required$") as e:
        final_seed(MIN_SECRET, iter(()))
    assert e.value.field == "public_values"


@pytest.mark.parametrize("bad", ["", 7, None, b"07"])
def test_a_public_value_that_is_not_a_non_empty_string_is_named(bad):
    with pytest.raises(PublicValuesError) as e:
        final_seed(MIN_SECRET, ["03 12 25", bad])
    assert str(e.value) == f"public values must be non-empty strings, got {bad!r}"


def test_public_values_may_be_any_sequence_and_are_combined_as_published():
    values = ("03 12 25", "张三:8841")
    # the docstring's example: canonical form of the list, after the secret and a zero byte
    assert canonical_json(list(values)) == '["03 12 25","张三:8841"]'.encode()
    expected = hashlib.sha256(MIN_SECRET + b"\x00" + '["03 12 25","张三:8841"]'.encode()).digest()
    assert final_seed(MIN_SECRET, values) == final_seed(MIN_SECRET, list(values)) == expected


# --- tie-break key: RFC 2104 key handling at the SHA-256 block size ---------------------------

@pytest.mark.parametrize("length", sorted(HMAC_A001_BY_KEY_LENGTH))
def test_tie_breaker_around_the_64_byte_block_matches_openssl(length):
    seed = b"k" * length
    assert TieBreaker(seed)("A-001").hex() == HMAC_A001_BY_KEY_LENGTH[length]
    assert tie_break_key(seed, "A-001").hex() == HMAC_A001_BY_KEY_LENGTH[length]


@pytest.mark.parametrize("length", [0, 1, 32, 63, 64, 65, 100, 200])
def test_tie_breaker_equals_stdlib_hmac_for_short_block_and_long_keys(length):
    seed = bytes(range(256))[:length]
    for ref in ("A-001", "张三-2026", ""):
        expected = hmac.new(seed, ref.encode(), hashlib.sha256).digest()
        assert TieBreaker(seed)(ref) == tie_break_key(seed, ref) == expected


def test_a_long_key_is_hashed_first_so_it_equals_its_digest_as_key():
    long_seed = b"s" * 100
    short = hashlib.sha256(long_seed).digest()  # RFC 2104: K = H(K) when longer than the block
    assert TieBreaker(long_seed)("A-001") == TieBreaker(short)("A-001")
    assert TieBreaker(long_seed)("A-001") != TieBreaker(long_seed[:64])("A-001")


def test_tie_breaker_keys_non_ascii_refs_as_utf8():
    assert TieBreaker(b"k" * 64)("张三").hex() == HMAC_ZHANGSAN_KEY64


# --- the ranking's sort keys ---------------------------------------------------------------

def test_sort_keys_are_prefix_then_key_then_ref_for_parallel_inputs():
    seed = b"k" * 64
    tb = TieBreaker(seed)
    prefixes = [b"\x00\x07", b"\x00\x05", b""]
    refs = ["A-001", "张三", "B-9"]
    keys = tb.sort_keys(iter(prefixes), iter(refs))
    assert keys == [p + hmac.new(seed, r.encode(), hashlib.sha256).digest() + r.encode()
                    for p, r in zip(prefixes, refs, strict=True)]
    assert keys[0] == b"\x00\x07" + bytes.fromhex(HMAC_A001_BY_KEY_LENGTH[64]) + b"A-001"
    assert keys[1] == b"\x00\x05" + bytes.fromhex(HMAC_ZHANGSAN_KEY64) + "张三".encode()
    assert tb.sort_keys([], []) == []


def test_sort_keys_under_a_long_seed_equal_the_single_key():
    seed = bytes(range(100))
    tb = TieBreaker(seed)
    keys = tb.sort_keys([b"p"] * 3, ["A-1", "A-2", "A-3"])
    assert keys == [b"p" + tie_break_key(seed, r) + r.encode() for r in ("A-1", "A-2", "A-3")]
