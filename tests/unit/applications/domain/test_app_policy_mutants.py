"""资格/积分政策: the rules `make mutate` showed no test stated (issue 20).

Each bound on both sides of its edge (at the limit accepted, one past refused), each
refusal's exact text and field (a district officer reads it to fix the document) with the
field's own limit however far past it the value is, the area's decimal places, the default
policies' every number, the points policy's direct construction checking the same bounds as
its document form, a points document refused at its version first, and a points table keyed
by any enum whose members equal the codes.

Equivalent mutants (scripts/mutate.py excludes them from the score):

(none: xǁPointsPolicyǁ__post_init____mutmut_59, ``str(k)`` for ``str(getattr(k, "value", k))``,
was declared here, but a ``(str, Enum)`` key tells them apart: its ``str`` is ``Level.CITY``,
not ``city``; test_points_table_keys_may_be_any_enum_equal_to_the_codes kills it.)
"""
from decimal import Decimal
from enum import Enum

import pytest

from services.applications.domain import policy as P
from services.applications.domain.policy import (
    DEFAULT_ELIGIBILITY_POLICY,
    DEFAULT_POINTS_POLICY,
    EligibilityPolicy,
    HardshipCategory,
    HonourLevel,
    PointsPolicy,
    PolicyError,
    Programme,
)

GOOD = {"version": 3, "income_per_capita_ceiling_fen": 300_000, "housing_area_per_capita_ceiling_m2": "15.5",
        "min_years_of_service": 2, "membership_required": True, "min_age": 18, "max_age": 60}


def refusal(fn, *args, **kw) -> tuple[str, str]:
    with pytest.raises(PolicyError) as e:
        fn(*args, **kw)
    assert str(e.value) == f"{e.value.field}: {e.value.message}"
    return e.value.field, e.value.message


def elig(**change):
    return EligibilityPolicy.from_dict({**GOOD, **change})


def test_limits():
    assert (P.MAX_VERSION, P.MAX_FEN, P.MAX_AREA_M2, P.MAX_YEARS, P.MAX_AGE, P.MAX_NOTICE_DAYS, P.MAX_TENTHS,
            P.MAX_CAP_TENTHS) == (2**31 - 1, 10_000_000_000, Decimal(10_000), 80, 150, 365, 100_000, 1_000_000)


@pytest.mark.parametrize("name, lo, hi", [
    ("version", 1, 2**31 - 1), ("income_per_capita_ceiling_fen", 0, 10_000_000_000),
    ("min_years_of_service", 0, 80), ("notice_period_days", 0, 365),
])
def test_eligibility_integer_bounds_inclusive(name, lo, hi):
    assert getattr(elig(**{name: lo}), name) == lo
    assert getattr(elig(**{name: hi}), name) == hi
    assert refusal(elig, **{name: lo - 1}) == (name, f"must be >= {lo}, got {lo - 1}")
    assert refusal(elig, **{name: hi + 1}) == (name, f"must be <= {hi}, got {hi + 1}")
    assert refusal(elig, **{name: True}) == (name, "must be an integer, got True")
    assert refusal(elig, **{name: "7"}) == (name, "must be an integer, got '7'")


def test_ages_bounds_and_order():
    assert elig(min_age=0, max_age=150).max_age == 150
    assert refusal(elig, min_age=0, max_age=151) == ("max_age", "must be <= 150, got 151")
    assert refusal(elig, min_age=-1) == ("min_age", "must be >= 0, got -1")
    assert refusal(elig, min_age=151) == ("min_age", "must be <= 150, got 151")
    assert refusal(elig, min_age=61, max_age=60) == ("min_age", "min_age 61 > max_age 60")
    assert refusal(EligibilityPolicy, 1, 0, Decimal(1), 0, True, 61, 60) == ("min_age", "min_age 61 > max_age 60")


def test_membership_must_be_a_bool():
    assert elig(membership_required=False).membership_required is False
    assert refusal(elig, membership_required=1) == ("membership_required", "must be true or false, got 1")


@pytest.mark.parametrize("value, message", [
    (15.5, "must be a decimal string or integer, got 15.5"),
    (True, "must be a decimal string or integer, got True"),
    ("abc", "not a decimal number: 'abc'"),
    ("NaN", "must be a finite decimal, got 'NaN'"),
    ("Infinity", "must be a finite decimal, got 'Infinity'"),
    ([15], "must be a finite decimal, got [15]"),
    ("-0.01", "must be >= 0, got -0.01"),
    ("10000.01", "must be <= 10000, got 10000.01"),
    ("15.005", "at most 2 decimal places, got 15.005"),
])
def test_area_refusals(value, message):
    assert refusal(elig, housing_area_per_capita_ceiling_m2=value) == ("housing_area_per_capita_ceiling_m2", message)


@pytest.mark.parametrize("value, area", [
    ("0", Decimal(0)), ("10000", Decimal(10_000)), ("10000.00", Decimal(10_000)), ("15.25", Decimal("15.25")),
    (15, Decimal(15)), (Decimal("7.5"), Decimal("7.5")),
])
def test_area_accepted(value, area):
    got = elig(housing_area_per_capita_ceiling_m2=value).housing_area_per_capita_ceiling_m2
    assert got == area and type(got) is Decimal


def test_document_shape_refusals():
    assert refusal(EligibilityPolicy.from_dict, ["version"]) == ("<policy>", "must be an object")
    assert refusal(elig, colour="red") == ("colour", "unknown field")
    doc = {k: v for k, v in GOOD.items() if k not in ("max_age", "min_age")}
    assert refusal(EligibilityPolicy.from_dict, doc) == ("max_age", "required field missing")  # sorted: first
    assert refusal(elig, city_review_programmes="talent_apartment") == (
        "city_review_programmes", "must be a list of programme codes")
    assert refusal(elig, city_review_programmes=b"x") == ("city_review_programmes", "must be a list of programme codes")
    assert refusal(elig, city_review_programmes={"talent_apartment": 1}) == (
        "city_review_programmes", "must be a list of programme codes")
    assert refusal(elig, city_review_programmes=["villa"]) == ("city_review_programmes", "unknown programme 'villa'")
    assert refusal(EligibilityPolicy, 1, 0, Decimal(1), 0, True, 18, 60, {Programme.RELOCATION}) == (
        "city_review_programmes", "must be a frozenset of Programme")
    assert refusal(EligibilityPolicy, 1, 0, Decimal(1), 0, True, 18, 60, frozenset({"relocation"})) == (
        "city_review_programmes", "must be a frozenset of Programme")


def test_city_review_defaults_to_none_and_takes_a_tuple():
    assert elig().city_review_programmes == frozenset() and elig().notice_period_days == 7
    p = elig(city_review_programmes=("relocation", "relocation"))
    assert p.city_review_programmes == frozenset({Programme.RELOCATION})
    assert p.to_dict() == {"version": 3, "income_per_capita_ceiling_fen": 300_000,
                           "housing_area_per_capita_ceiling_m2": "15.5", "min_years_of_service": 2,
                           "membership_required": True, "min_age": 18, "max_age": 60,
                           "city_review_programmes": ["relocation"], "notice_period_days": 7}


def test_direct_construction_checks_each_field():
    ok = dict(version=1, income_per_capita_ceiling_fen=0, housing_area_per_capita_ceiling_m2=Decimal(1),
              min_years_of_service=0, membership_required=True, min_age=18, max_age=60)
    for name, bad, message in [("version", 0, "must be >= 1, got 0"),
                               ("income_per_capita_ceiling_fen", 10**10 + 1, "must be <= 10000000000, got 10000000001"),
                               ("housing_area_per_capita_ceiling_m2", Decimal("-1"), "must be >= 0, got -1"),
                               ("min_years_of_service", 81, "must be <= 80, got 81"),
                               ("membership_required", 0, "must be true or false, got 0"),
                               ("max_age", 151, "must be <= 150, got 151"),
                               ("notice_period_days", 366, "must be <= 365, got 366")]:
        assert refusal(EligibilityPolicy, **{**ok, name: bad}) == (name, message)


def test_default_eligibility_policy():
    assert DEFAULT_ELIGIBILITY_POLICY.to_dict() == {
        "version": 1, "income_per_capita_ceiling_fen": 300_000, "housing_area_per_capita_ceiling_m2": "15",
        "min_years_of_service": 1, "membership_required": True, "min_age": 18, "max_age": 60,
        "city_review_programmes": ["shared_ownership", "talent_apartment"], "notice_period_days": 7}


DEFAULT_POINTS_DOC = {
    "version": 1, "per_service_year_tenths": 10, "service_cap_tenths": 300, "per_household_member_tenths": 20,
    "household_cap_tenths": 100, "frontline_tenths": 50, "per_waiting_month_tenths": 5, "waiting_cap_tenths": 120,
    "hardship_tenths": {"sanwu": 200, "youfu": 150, "kunnan_laomo": 150, "dibao": 120, "dibao_bianyuan": 80,
                        "temporary": 50},
    "honour_tenths": {"national": 200, "provincial": 120, "city": 60},
}


def test_default_points_policy():
    assert DEFAULT_POINTS_POLICY.to_dict() == DEFAULT_POINTS_DOC
    assert type(DEFAULT_POINTS_POLICY.hardship_tenths[HardshipCategory.SANWU]) is int


@pytest.mark.parametrize("name, hi", [
    ("version", 2**31 - 1), ("per_service_year_tenths", 100_000), ("service_cap_tenths", 1_000_000),
    ("per_household_member_tenths", 100_000), ("household_cap_tenths", 1_000_000), ("frontline_tenths", 100_000),
    ("per_waiting_month_tenths", 100_000), ("waiting_cap_tenths", 1_000_000),
])
def test_points_scalar_bounds_in_both_forms(name, hi):
    lo = 1 if name == "version" else 0
    for value in (lo, hi):
        assert getattr(PointsPolicy.from_dict({**DEFAULT_POINTS_DOC, name: value}), name) == value
    for bad, message in ((lo - 1, f"must be >= {lo}, got {lo - 1}"), (hi + 1, f"must be <= {hi}, got {hi + 1}")):
        assert refusal(PointsPolicy.from_dict, {**DEFAULT_POINTS_DOC, name: bad}) == (name, message)
        direct = {**DEFAULT_POINTS_DOC, name: bad}
        assert refusal(PointsPolicy, **direct) == (name, message)


def test_points_tables_in_both_forms():
    doc = DEFAULT_POINTS_DOC
    table = {**doc["hardship_tenths"], "dibao": 100_000}
    assert PointsPolicy.from_dict({**doc, "hardship_tenths": table}).hardship_tenths[HardshipCategory.DIBAO] == 100_000
    assert refusal(PointsPolicy.from_dict, {**doc, "hardship_tenths": {**table, "dibao": 100_001}}) == (
        "hardship_tenths.dibao", "must be <= 100000, got 100001")
    assert refusal(PointsPolicy.from_dict, {**doc, "honour_tenths": {"national": 1, "city": 1}}) == (
        "honour_tenths.provincial", "required field missing")
    assert refusal(PointsPolicy.from_dict, {**doc, "honour_tenths": [1, 2, 3]}) == (
        "honour_tenths.", "must be an object")
    # direct construction: the table must price exactly every code, keys as enums or their values
    want = sorted(m.value for m in HonourLevel)
    assert refusal(PointsPolicy, **{**doc, "honour_tenths": {"national": 1, "city": 1}}) == (
        "honour_tenths", f"must price exactly {want}")
    assert refusal(PointsPolicy, **{**doc, "honour_tenths": [("national", 1)]}) == (
        "honour_tenths", f"must price exactly {want}")
    # not a mapping, even when it names every code
    assert refusal(PointsPolicy, **{**doc, "honour_tenths": ["city", "national", "provincial"]}) == (
        "honour_tenths", f"must price exactly {want}")
    assert refusal(PointsPolicy, **{**doc, "honour_tenths": {"national": -1, "provincial": 1, "city": 1}}) == (
        "honour_tenths.national", "must be >= 0, got -1")
    made = PointsPolicy(**{**doc, "honour_tenths": {HonourLevel.NATIONAL: 1, "provincial": 2, "city": 3}})
    assert dict(made.honour_tenths) == {HonourLevel.NATIONAL: 1, HonourLevel.PROVINCIAL: 2, HonourLevel.CITY: 3}
    assert all(type(k) is HonourLevel for k in made.honour_tenths)
    with pytest.raises(TypeError):
        made.honour_tenths[HonourLevel.CITY] = 0  # type: ignore[index]
    assert refusal(PointsPolicy.from_dict, {**doc, "colour": 1}) == ("colour", "unknown field")
    no_version = {k: v for k, v in doc.items() if k != "version"}
    assert refusal(PointsPolicy.from_dict, no_version) == ("version", "required field missing")


def test_direct_construction_checks_min_age_on_both_sides():
    ok = dict(version=1, income_per_capita_ceiling_fen=0, housing_area_per_capita_ceiling_m2=Decimal(1),
              min_years_of_service=0, membership_required=True, max_age=150)
    assert EligibilityPolicy(**ok, min_age=0).min_age == 0
    assert EligibilityPolicy(**ok, min_age=150).min_age == 150
    # refused for itself, not merely for exceeding max_age
    assert refusal(EligibilityPolicy, **ok, min_age=-1) == ("min_age", "must be >= 0, got -1")
    assert refusal(EligibilityPolicy, **ok, min_age=151) == ("min_age", "must be <= 150, got 151")
    assert refusal(EligibilityPolicy, **ok, min_age="18") == ("min_age", "must be an integer, got '18'")


@pytest.mark.parametrize("name, hi", [
    ("min_years_of_service", 80), ("min_age", 150), ("max_age", 150), ("notice_period_days", 365),
])
def test_eligibility_document_names_the_fields_own_limit_however_far_past_it(name, hi):
    # 100001 is past every points amount's limit too; the officer must read this field's limit
    assert refusal(elig, **{name: 100_001}) == (name, f"must be <= {hi}, got 100001")
    assert refusal(elig, **{name: 10**12}) == (name, f"must be <= {hi}, got {10**12}")


def test_points_document_is_refused_at_its_version_before_its_amounts():
    # the version says which policy the amounts belong to, so a bad one is what the officer hears first
    assert refusal(PointsPolicy.from_dict, {**DEFAULT_POINTS_DOC, "version": 0, "per_service_year_tenths": -1}) == (
        "version", "must be >= 1, got 0")
    assert refusal(PointsPolicy.from_dict, {**DEFAULT_POINTS_DOC, "version": 0, "waiting_cap_tenths": 1_000_001}) == (
        "version", "must be >= 1, got 0")
    no_dibao = {k: v for k, v in DEFAULT_POINTS_DOC["hardship_tenths"].items() if k != "dibao"}
    assert refusal(PointsPolicy.from_dict, {**DEFAULT_POINTS_DOC, "version": 0, "hardship_tenths": no_dibao}) == (
        "version", "must be >= 1, got 0")


def test_points_table_keys_may_be_any_enum_equal_to_the_codes():
    # a caller's own ``(str, Enum)`` copy of the codes: its members equal the codes, though str() gives "Level.CITY"
    Level = Enum("Level", {"NATIONAL": "national", "PROVINCIAL": "provincial", "CITY": "city"}, type=str)
    assert str(Level.CITY) == "Level.CITY" and Level.CITY == "city"
    made = PointsPolicy(**{**DEFAULT_POINTS_DOC, "honour_tenths": {Level.NATIONAL: 7, Level.PROVINCIAL: 5,
                                                                   Level.CITY: 3}})
    assert dict(made.honour_tenths) == {HonourLevel.NATIONAL: 7, HonourLevel.PROVINCIAL: 5, HonourLevel.CITY: 3}
    assert all(type(k) is HonourLevel for k in made.honour_tenths)


def test_points_table_keyed_by_a_plain_enum_of_the_codes_is_read_by_its_values():
    # a plain Enum member is not equal to its code, but its value is the code the check compares
    Level = Enum("Level", {"NATIONAL": "national", "PROVINCIAL": "provincial", "CITY": "city"})
    made = PointsPolicy(**{**DEFAULT_POINTS_DOC, "honour_tenths": {Level.NATIONAL: 7, Level.PROVINCIAL: 5,
                                                                   Level.CITY: 3}})
    assert dict(made.honour_tenths) == {HonourLevel.NATIONAL: 7, HonourLevel.PROVINCIAL: 5, HonourLevel.CITY: 3}
