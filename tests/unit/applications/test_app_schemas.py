"""applications' request schemas refuse what they must (issue 12 items 7 and 11): numbers beyond
their columns, query parameters beyond their bounds, names that are blank or hold control
characters, a boolean written as text, dates outside the programme's bounds; and they store
what they accept in its one form (a phone stripped, an area as an exact decimal)."""

from decimal import Decimal

import pytest
from marshmallow import ValidationError

from services.applications import schemas
from services.common.identity import check_digit


def resident_id(birth: str = "19850312", seq: str = "123") -> str:
    first17 = "110105" + birth + seq
    return first17 + check_digit(first17)


def application(**over) -> dict:
    applicant = {"name": "张小三", "id_number": resident_id(), "phone": "13812341234", "enterprise": "E-steel",
                 "hire_date": "2012-03-01", "union_member": True}
    applicant.update(over.pop("applicant", {}))
    body = {"applicant": applicant, "programme": "public_rental",
            "members": [{"relation": "spouse", "name": "李四", "id_number": resident_id("19870101", "224"),
                         "monthly_income_fen": 200000}],
            "monthly_household_income_fen": 500000, "housing": {"kind": "rented", "area_m2": "18.50"}}
    body.update(over)
    return body


def refused(schema, data) -> dict:
    with pytest.raises(ValidationError) as err:
        schema().load(data)
    return err.value.messages


def test_a_phone_with_a_trailing_newline_is_stored_stripped():
    loaded = schemas.ApplicationIn().load(application(applicant={"phone": "13812341234\n"}))
    assert loaded["applicant"]["phone"] == "13812341234"


@pytest.mark.parametrize("name", ["   ", "\u3000", "张\x00三", "张\n三", ""])
def test_blank_or_control_character_names_are_refused(name):
    assert "name" in refused(schemas.ApplicationIn, application(applicant={"name": name}))["applicant"]
    member = {"relation": "spouse", "name": name, "id_number": resident_id("19870101", "224")}
    assert "name" in refused(schemas.ApplicationIn, application(members=[member]))["members"][0]


def test_names_are_stored_stripped():
    loaded = schemas.ApplicationIn().load(application(applicant={"name": " 张小三 "}))
    assert loaded["applicant"]["name"] == "张小三"


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, None])
def test_submit_is_json_true_or_false_only(value):
    assert "submit" in refused(schemas.ApplicationIn, application(submit=value))


@pytest.mark.parametrize("field", ["union_member", "frontline", "needs_accessible"])
def test_applicant_flags_are_json_booleans_only(field):
    assert field in refused(schemas.ApplicationIn, application(applicant={field: "yes"}))["applicant"]


@pytest.mark.parametrize("day", ["1900-01-01", "2300-01-01"])
def test_dates_outside_the_programmes_bounds_are_refused(day):
    assert "hire_date" in refused(schemas.ApplicationIn, application(applicant={"hire_date": day}))["applicant"]
    update = {"application_id": "a", "monthly_household_income_fen": 1}
    assert "as_of" in refused(schemas.RecheckIn, {"as_of": day, "updates": [update]})


@pytest.mark.parametrize("path, data", [
    ("monthly_household_income_fen", application(monthly_household_income_fen=2**63)),
    ("members", application(members=[{"relation": "spouse", "name": "李四", "id_number": resident_id("19870101", "224"),
                                       "monthly_income_fen": 2**63}])),
    ("version", application(version=2**31)),
])
def test_integers_beyond_their_columns_are_refused(path, data):
    assert path in refused(schemas.ApplicationIn, data)


def test_versions_and_review_reasons_are_bounded():
    assert "version" in refused(schemas.VersionIn, {"version": 2**31})
    assert "version" in refused(schemas.ReviewIn, {"level": "district", "decision": "pass", "version": -1})
    assert "reasons" in refused(schemas.VersionIn, {"reasons": ["材料不全"] * 21})
    assert "reasons" in refused(schemas.ReviewIn, {"level": "district", "decision": "return", "version": 1,
                                                   "reasons": ["x" * 501]})


@pytest.mark.parametrize("query", [{"page": "99999999999999999999"}, {"page": "0"}, {"page_size": "201"},
                                   {"page": "1.5"}, {"page": "abc"}])
def test_page_queries_are_bounded(query):
    assert set(query) <= set(refused(schemas.PageQuery, query))


def test_query_integers_come_as_text():
    assert schemas.PageQuery().load({"page": "3", "page_size": "50"}) == {"page": 3, "page_size": 50}
    assert schemas.QueueQuery().load({"level": "district", "page": "2"})["page"] == 2
    assert "suppress_below" in refused(schemas.SurveyQuery, {"suppress_below": "1000"})


@pytest.mark.parametrize("area, stored", [("18.50", Decimal("18.50")), ("0", Decimal(0)), ("10000", Decimal(10000))])
def test_an_area_is_a_decimal_string_of_square_metres(area, stored):
    assert schemas.HousingIn().load({"kind": "rented", "area_m2": area})["area_m2"] == stored


@pytest.mark.parametrize("area", ["18.505", "1e2", "-1", "10000.01", " 5", "NaN", "Infinity", 18.5, 18, True])
def test_an_area_in_another_form_is_refused(area):
    assert "area_m2" in refused(schemas.HousingIn, {"kind": "rented", "area_m2": area})


def test_free_text_fields_are_bounded_and_stripped():
    assert "email" in refused(schemas.ApplicationIn,
                              application(applicant={"email": "a" * 120 + "@example.cn"}))["applicant"]
    assert "enterprise" in refused(schemas.ApplicationIn, application(applicant={"enterprise": "   "}))["applicant"]
    assert "preferences" in refused(schemas.ApplicationIn, application(preferences=["P1\x00"]))
    loaded = schemas.ApplicationIn().load(application(applicant={"enterprise": " E-steel "}, preferences=[" P1 "]))
    assert loaded["applicant"]["enterprise"] == "E-steel" and loaded["preferences"] == ["P1"]
    assert "reason" in refused(schemas.ObjectionIn, {"reason": "abc\x00def"})
    assert "reason" in refused(schemas.ObjectionIn, {"reason": "    有    "})  # too short once stripped
