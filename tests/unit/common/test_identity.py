from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.identity import (
    InvalidResidentId,
    check_digit,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_resident_id,
    person_ref,
)


def test_known_valid_ids():
    # GB 11643's own example: 11010519491231002X (check digit computed by hand: sum 167 → 167 % 11 = 2 → X)
    rid = parse_resident_id("11010519491231002x")
    assert rid.number == "11010519491231002X" and rid.birth_date == date(1949, 12, 31)
    assert not rid.is_male
    assert check_digit("44052418800101001") == "4"  # sum 195 → 195 % 11 = 8 → "4"


@pytest.mark.parametrize("text, reason", [
    ("11010519491231002", "17 digits"),
    ("110105194912310021", "checksum"),
    ("110105194902300027", "not a real date"),      # 30 February
    ("110105299901010013", "impossible"),           # born in 2999
    ("1101051949123100XX", "17 digits"),
])
def test_invalid_ids(text, reason):
    with pytest.raises(InvalidResidentId, match=reason):
        parse_resident_id(text, today=date(2026, 11, 24))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
       st.integers(min_value=0, max_value=999))
def test_any_id_with_computed_check_digit_is_valid_and_one_wrong_digit_is_not(born, seq):
    first17 = f"350102{born:%Y%m%d}{seq:03d}"
    good = first17 + check_digit(first17)
    assert parse_resident_id(good).birth_date == born
    wrong = "X" if good[-1] != "X" else "0"
    with pytest.raises(InvalidResidentId):
        parse_resident_id(first17 + wrong)


def test_person_ref_is_keyed_and_stable():
    a = person_ref("11010519491231002X", b"key-1")
    assert a == person_ref("11010519491231002x ", b"key-1")
    assert a != person_ref("11010519491231002X", b"key-2")
    assert a.startswith("p_") and "11010519491231002X" not in a
    with pytest.raises(ValueError):
        person_ref("11010519491231002X", b"")


def test_masks():
    assert mask_name("张三") == "张*"
    assert mask_name("张小三") == "张*三"
    assert mask_name("欧阳小三") == "欧**三"
    assert mask_id_number("350102199001011234") == "350102********1234"
    assert mask_phone("13812341234") == "138****1234"


def test_digits_of_any_script_are_one_person():
    from services.common.identity import normalise_identifier, person_ref

    fullwidth = "１１０１０５１９４９１２３１００２ｘ"
    arabic_indic = "".join("٠١٢٣٤٥٦٧٨٩"[int(c)] if c.isdigit() else c for c in "11010519491231002x")
    assert normalise_identifier(fullwidth) == normalise_identifier(arabic_indic) == "11010519491231002X"
    assert parse_resident_id(arabic_indic).number == "11010519491231002X"
    assert len({person_ref(v, b"k") for v in ("11010519491231002X", fullwidth, arabic_indic)}) == 1


def test_what_is_still_not_ascii_after_normalising_is_refused():
    with pytest.raises(InvalidResidentId):
        parse_resident_id("11010519491231002Ⅹ"[:-1] + "Ж")


@pytest.mark.parametrize("text, leaks", [
    ("13812341234", True), ("１３８１２３４１２３４", True), ("138 1234 1234", True), ("138-1234-1234", True),
    ("身份证 11010519491231002X", True), ("١٣٨١٢٣٤١٢٣٤", True),
    ("2026-12-01 10:00 共150户", False), ("第 3 批 120 户", False), ("room 1203, floor 12", False),
])
def test_personal_data_is_found_however_it_is_written(text, leaks):
    from services.common.identity import contains_personal_data

    assert contains_personal_data(text) is leaks
