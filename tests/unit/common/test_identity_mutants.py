"""Identity rules `make mutate` showed no test stated (issue 20): the GB 11643 check digit over
every one of the 17 weights, checked against an independent ISO 7064 MOD 11-2 formula; the
birth-date bounds (a person born today, 1 January 1900); the exact refusal messages, which
reach the reviewer as the field's error; `person_ref` against known answers computed with
openssl; masking of empty, missing, one-character and boundary-length values; and input
normalisation of nothing at all.

Masking found a real defect: a 10-character ID number or a 7-digit phone number came back
unmasked (6 + 0 + 4 and 3 + 0 + 4 characters kept). Such a value is now masked whole, as
shorter ones were.

Equivalent mutants (scripts/mutate.py excludes them from the score): none. Every surviving
mutant of identity.py changed something a caller can see.
"""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.identity import (
    InvalidResidentId,
    ascii_digits,
    check_digit,
    contains_personal_data,
    mask_id_number,
    mask_name,
    mask_phone,
    normalise_identifier,
    parse_resident_id,
    person_ref,
)


def iso7064_mod11_2(first17: str) -> str:
    """The check character as ISO 7064 MOD 11-2 defines it, written independently of
    identity.py: weight of position i (from the left, 0-based) is 2^(17-i) mod 11, and the
    check value is what makes the weighted sum of all 18 characters ≡ 1 (mod 11)."""
    s = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(first17))
    r = (12 - s % 11) % 11
    return "X" if r == 10 else str(r)


def with_check(first17: str) -> str:
    return first17 + iso7064_mod11_2(first17)


# --- check digit ---------------------------------------------------------------------------

# A single 1 at position i makes the sum equal to the i-th weight
# (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2), so each weight picks one character of "10X98765432".
ONE_AT_EACH_POSITION = "532748X069532748X"


@pytest.mark.parametrize("position", range(17))
def test_each_of_the_17_weights_counts(position):
    first17 = "0" * position + "1" + "0" * (16 - position)
    assert check_digit(first17) == ONE_AT_EACH_POSITION[position] == iso7064_mod11_2(first17)


def test_check_digit_known_answers():
    assert check_digit("0" * 17) == "1"                 # sum 0
    assert check_digit("11010519491231002") == "X"      # GB 11643's example, sum 167
    assert check_digit("99999999999999999") == iso7064_mod11_2("9" * 17) == "3"  # weights sum to 100; 900 % 11 = 9


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_digit_equals_the_iso_7064_formula(first17):
    assert check_digit(first17) == iso7064_mod11_2(first17)


@pytest.mark.parametrize("length", [0, 16, 18])
def test_check_digit_needs_exactly_17_digits(length):
    with pytest.raises(ValueError):
        check_digit("1" * length)


# --- birth date bounds and refusal messages --------------------------------------------------

TODAY = date(2026, 11, 24)


def test_a_person_born_today_is_valid_one_born_tomorrow_is_not():
    born_today = with_check(f"350102{TODAY:%Y%m%d}001")
    assert parse_resident_id(born_today, today=TODAY).birth_date == TODAY
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(InvalidResidentId, match=r"^birth date 2026-11-25 is impossible$"):
        parse_resident_id(with_check(f"350102{tomorrow:%Y%m%d}001"), today=TODAY)


def test_the_check_date_is_the_one_given_not_the_machines():
    # born 2000-01-01 but checked as of 1999: refused although it is long past on any clock
    with pytest.raises(InvalidResidentId, match="impossible"):
        parse_resident_id(with_check("35010220000101001"), today=date(1999, 12, 31))


def test_born_on_1_january_1900_is_valid_on_31_december_1899_is_not():
    assert parse_resident_id(with_check("35010219000101001"), today=TODAY).birth_date == date(1900, 1, 1)
    with pytest.raises(InvalidResidentId, match=r"^birth date 1899-12-31 is impossible$"):
        parse_resident_id(with_check("35010218991231001"), today=TODAY)


@pytest.mark.parametrize("text, message", [
    ("11010519491231002", "must be 17 digits followed by a digit or X"),
    ("1101051949123100XX", "must be 17 digits followed by a digit or X"),
    ("110105194902300027", "birth date 19490230 is not a real date"),
    ("110105194913010027", "birth date 19491301 is not a real date"),
    ("110105194912310021", "checksum digit does not match (GB 11643)"),
])
def test_refusals_say_exactly_what_is_wrong(text, message):
    with pytest.raises(InvalidResidentId) as e:
        parse_resident_id(text, today=TODAY)
    assert str(e.value) == message


def test_sex_is_read_from_the_17th_digit():
    assert parse_resident_id(with_check("35010219900101011"), today=TODAY).is_male
    assert not parse_resident_id(with_check("35010219900101012"), today=TODAY).is_male


# --- person_ref ----------------------------------------------------------------------------

# printf '11010519491231002X' | openssl dgst -sha256 -mac HMAC -macopt key:key-1
REF_KEY_1 = "p_2434fa42a16de10b7a66102aa0488467"
# printf '11010519491231002X' | openssl dgst -sha256 -mac HMAC -macopt key:district-demo-key
REF_DEMO = "p_b8eac0c988c21c6f3bc92c0a87acec98"


def test_person_ref_known_answers():
    assert person_ref("11010519491231002X", b"key-1") == REF_KEY_1
    assert person_ref("11010519491231002X", b"district-demo-key") == REF_DEMO
    assert len(REF_KEY_1) == 2 + 32


def test_person_ref_of_every_spelling_is_the_known_answer():
    for spelling in ("11010519491231002x", " 11010519491231002X\n", "１１０１０５１９４９１２３１００２ｘ"):
        assert person_ref(spelling, b"key-1") == REF_KEY_1


def test_person_ref_differs_per_person():
    other = with_check("35010219900101011")
    assert person_ref(other, b"key-1") != REF_KEY_1


@pytest.mark.parametrize("key", [b"", None])
def test_person_ref_without_a_key_says_which_setting_is_missing(key):
    with pytest.raises(ValueError) as e:
        person_ref("11010519491231002X", key)
    assert str(e.value) == "PERSON_REF_KEY is not configured"


# --- normalisation -------------------------------------------------------------------------

@pytest.mark.parametrize("nothing", ["", None])
def test_nothing_normalises_to_nothing(nothing):
    assert ascii_digits(nothing) == ""
    assert normalise_identifier(nothing) == ""
    assert not contains_personal_data(nothing)


def test_ascii_text_is_returned_as_it_is_and_other_text_keeps_its_letters():
    assert ascii_digits("Room 12, 3F") == "Room 12, 3F"
    assert ascii_digits("第３批 ١٢ 户") == "第3批 12 户"
    assert normalise_identifier("  ３５０１０２ｘ ") == "350102X"


# --- masking -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, masked", [
    (None, ""), ("", ""), ("   ", ""), ("张", "*"), (" 张 ", "*"), ("张三", "张*"), ("张小三", "张*三"),
    ("欧阳小三", "欧**三"), ("爱新觉罗溥仪", "爱****仪"),
])
def test_mask_name_of_empty_one_character_and_longer_names(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("number, masked", [
    (None, ""), ("", ""), ("12", "**"), ("123456789", "*********"),
    ("1234567890", "**********"),                       # 10: nothing would be hidden, so all is
    ("12345678901", "123456*8901"),
    ("350102199001011234", "350102********1234"),
    (" 350102199001011234 ", "350102********1234"),
])
def test_mask_id_number_at_and_around_its_boundary(number, masked):
    assert mask_id_number(number) == masked


@pytest.mark.parametrize("phone, masked", [
    (None, ""), ("", ""), ("110", "***"), ("123456", "******"),
    ("8765432", "*******"),                             # 7: nothing would be hidden, so all is
    ("87654321", "876*4321"),
    ("13812341234", "138****1234"), (" 13812341234 ", "138****1234"),
])
def test_mask_phone_at_and_around_its_boundary(phone, masked):
    assert mask_phone(phone) == masked


@given(st.text(alphabet="0123456789X张三 ", max_size=30))
def test_a_mask_never_returns_a_non_empty_value_as_it_was(text):
    for mask in (mask_name, mask_id_number, mask_phone):
        out = mask(text)
        assert len(out) == len(text.strip())
        if text.strip():
            assert out != text.strip() and "*" in out
