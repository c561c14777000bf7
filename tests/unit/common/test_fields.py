"""The shared request field types: what they accept, what they refuse and the form they load."""

import pytest
from marshmallow import Schema, ValidationError

from services.common.fields import INT32, Bool, Int, MobilePhone, PersonName, PublicText, ResidentIdNumber, Text

VALID_ID = "11010519491231002X"


class Person(Schema):
    name = PersonName(required=True)
    id_number = ResidentIdNumber(required=True)
    phone = MobilePhone(load_default=None)
    note = PublicText(load_default="")
    income = Int(0, INT32[1], load_default=0)
    submit = Bool(load_default=False)
    code = Text(max_length=5, load_default="")


def load(**fields):
    return Person().load({"name": "张三", "id_number": VALID_ID, **fields})


def test_identifiers_load_in_their_one_normalised_form():
    got = load(id_number="１１０１０５１９４９１２３１００２ｘ", phone=" １３８１２３４１２３４ ")
    assert (got["id_number"], got["phone"]) == (VALID_ID, "13812341234")
    assert load(phone="13812341234\n")["phone"] == "13812341234"  # stored without the newline


@pytest.mark.parametrize("field, value", [
    ("phone", "1381234123"), ("phone", "23812341234"), ("phone", 13812341234),
    ("id_number", "11010519491231002Y"), ("id_number", "110105194912310021"),
    ("name", "   "), ("name", "张\x00三"), ("name", "张\n三"), ("name", "张" * 41),
    ("note", "call 13812341234"), ("note", "电话 １３８-１２３４-１２３４"), ("note", "id 11010519491231002X"),
    ("income", 2**31), ("income", -1), ("income", "5"), ("income", 1.5),
    ("submit", "yes"), ("submit", 1), ("submit", "true"),
    ("code", "abcdef"),
])
def test_each_bad_value_is_refused_naming_its_field(field, value):
    with pytest.raises(ValidationError) as caught:
        load(**{field: value})
    assert list(caught.value.messages) == [field]


def test_text_is_stripped_and_multiline_public_text_keeps_its_line_breaks():
    got = load(name="  张三 ", note="第一行\n第二行\t完", code=" ab ")
    assert (got["name"], got["note"], got["code"]) == ("张三", "第一行\n第二行\t完", "ab")


def test_bounds_are_inclusive_and_required():
    assert load(income=INT32[1])["income"] == INT32[1]
    with pytest.raises(ValueError, match="both bounds"):
        Int(0, None)


def test_a_query_integer_takes_the_text_of_a_whole_number_within_bounds():
    from services.common.fields import QueryInt

    class Page(Schema):
        page = QueryInt(1, 100, load_default=1)

    assert Page().load({"page": "7"}) == {"page": 7} and Page().load({}) == {"page": 1}
    for bad in ("0", "101", "2.5", "1e2", "", "seven", "99999999999999999999"):
        with pytest.raises(ValidationError):
            Page().load({"page": bad})
