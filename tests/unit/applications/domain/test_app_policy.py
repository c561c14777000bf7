from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.applications.domain.policy import (
    DEFAULT_ELIGIBILITY_POLICY,
    DEFAULT_POINTS_POLICY,
    EligibilityPolicy,
    HardshipCategory,
    PointsPolicy,
    PolicyError,
    Programme,
    tenths_to_decimal,
)

GOOD = {
    "version": 3,
    "income_per_capita_ceiling_fen": 300_000,
    "housing_area_per_capita_ceiling_m2": "15.5",
    "min_years_of_service": 2,
    "membership_required": True,
    "min_age": 18,
    "max_age": 60,
    "city_review_programmes": ["talent_apartment", "shared_ownership"],
}


def test_eligibility_from_dict_reads_every_field_and_defaults_notice_to_7():
    p = EligibilityPolicy.from_dict(GOOD)
    assert p.housing_area_per_capita_ceiling_m2 == Decimal("15.5")
    assert p.city_review_programmes == {Programme.TALENT_APARTMENT, Programme.SHARED_OWNERSHIP}
    assert p.notice_period_days == 7
    out = p.to_dict()
    assert out["housing_area_per_capita_ceiling_m2"] == "15.5"
    assert out["city_review_programmes"] == ["shared_ownership", "talent_apartment"]  # sorted
    assert EligibilityPolicy.from_dict(out) == p


def test_notice_period_zero_is_allowed():
    assert EligibilityPolicy.from_dict({**GOOD, "notice_period_days": 0}).notice_period_days == 0


@pytest.mark.parametrize("change, field", [
    ({"income_per_capita_ceiling_fen": -1}, "income_per_capita_ceiling_fen"),
    ({"min_years_of_service": -1}, "min_years_of_service"),
    ({"housing_area_per_capita_ceiling_m2": "-0.01"}, "housing_area_per_capita_ceiling_m2"),
    ({"housing_area_per_capita_ceiling_m2": 15.5}, "housing_area_per_capita_ceiling_m2"),  # float
    ({"housing_area_per_capita_ceiling_m2": "15.005"}, "housing_area_per_capita_ceiling_m2"),
    ({"housing_area_per_capita_ceiling_m2": "abc"}, "housing_area_per_capita_ceiling_m2"),
    ({"housing_area_per_capita_ceiling_m2": "NaN"}, "housing_area_per_capita_ceiling_m2"),
    ({"min_age": 61}, "min_age"),  # > max_age 60
    ({"max_age": -1}, "max_age"),
    ({"notice_period_days": -1}, "notice_period_days"),
    ({"version": 0}, "version"),
    ({"membership_required": 1}, "membership_required"),
    ({"min_years_of_service": True}, "min_years_of_service"),
    ({"income_per_capita_ceiling_fen": 3000.0}, "income_per_capita_ceiling_fen"),
    ({"city_review_programmes": ["villa"]}, "city_review_programmes"),
    ({"city_review_programmes": "talent_apartment"}, "city_review_programmes"),
    ({"colour": "red"}, "colour"),
    # upper bounds (issue 12 item 7): nothing a policy says may overflow a stored total
    ({"income_per_capita_ceiling_fen": 10**10 + 1}, "income_per_capita_ceiling_fen"),
    ({"housing_area_per_capita_ceiling_m2": "10000.01"}, "housing_area_per_capita_ceiling_m2"),
    ({"min_years_of_service": 81}, "min_years_of_service"),
    ({"max_age": 151}, "max_age"),
    ({"notice_period_days": 366}, "notice_period_days"),
    ({"version": 2**31}, "version"),
])
def test_eligibility_from_dict_refuses_bad_field(change, field):
    with pytest.raises(PolicyError) as e:
        EligibilityPolicy.from_dict({**GOOD, **change})
    assert e.value.field == field


def test_missing_required_field_is_named():
    doc = dict(GOOD)
    del doc["max_age"]
    with pytest.raises(PolicyError) as e:
        EligibilityPolicy.from_dict(doc)
    assert e.value.field == "max_age"


def test_min_age_equal_max_age_is_allowed():
    assert EligibilityPolicy.from_dict({**GOOD, "min_age": 30, "max_age": 30}).min_age == 30


def test_direct_construction_is_validated_too():
    with pytest.raises(PolicyError):
        EligibilityPolicy(1, -5, Decimal(15), 1, True, 18, 60)


def test_points_policy_round_trip_and_refusals():
    doc = DEFAULT_POINTS_POLICY.to_dict()
    assert PointsPolicy.from_dict(doc) == DEFAULT_POINTS_POLICY
    no_dibao = {k: v for k, v in doc["hardship_tenths"].items() if k != "dibao"}
    missing = {**doc, "hardship_tenths": no_dibao}
    with pytest.raises(PolicyError) as e:
        PointsPolicy.from_dict(missing)
    assert e.value.field == "hardship_tenths.dibao"
    extra = {**doc, "honour_tenths": {**doc["honour_tenths"], "galactic": 5}}
    with pytest.raises(PolicyError) as e:
        PointsPolicy.from_dict(extra)
    assert e.value.field == "honour_tenths.galactic"
    with pytest.raises(PolicyError) as e:
        PointsPolicy.from_dict({**doc, "frontline_tenths": -10})
    assert e.value.field == "frontline_tenths"
    with pytest.raises(PolicyError) as e:
        PointsPolicy.from_dict({**doc, "hardship_tenths": {**doc["hardship_tenths"], "sanwu": 1.5}})
    assert e.value.field == "hardship_tenths.sanwu"


@pytest.mark.parametrize("field, too_big", [("per_service_year_tenths", 100_001), ("frontline_tenths", 10**12),
                                            ("service_cap_tenths", 1_000_001), ("hardship_tenths.dibao", 2**31),
                                            ("honour_tenths.city", 100_001), ("version", 2**31)])
def test_points_policy_amounts_are_bounded_so_totals_fit_their_column(field, too_big):
    doc = DEFAULT_POINTS_POLICY.to_dict()
    if "." in field:
        table, code = field.split(".")
        doc[table] = {**doc[table], code: too_big}
    else:
        doc[field] = too_big
    with pytest.raises(PolicyError) as e:
        PointsPolicy.from_dict(doc)
    assert e.value.field == field
    biggest = {n: (1_000_000 if n.endswith("cap_tenths") else 100_000) for n in PointsPolicy._SCALARS}
    assert 3 * biggest["service_cap_tenths"] + 3 * biggest["frontline_tenths"] < 2**31


def test_default_policy_tables_are_read_only():
    with pytest.raises(TypeError):
        DEFAULT_POINTS_POLICY.hardship_tenths[HardshipCategory.SANWU] = 0  # type: ignore[index]


def test_defaults_are_valid_documents():
    d = DEFAULT_ELIGIBILITY_POLICY
    assert EligibilityPolicy.from_dict(d.to_dict()) == d


def test_tenths_to_decimal():
    assert tenths_to_decimal(875) == Decimal("87.5")
    assert str(tenths_to_decimal(0)) == "0.0"
    assert str(tenths_to_decimal(10)) == "1.0"


@given(
    ceiling=st.integers(0, 10**9),
    area=st.decimals(min_value=0, max_value=10**4, places=2, allow_nan=False),
    lo=st.integers(0, 100), span=st.integers(0, 50), days=st.integers(0, 60),
    progs=st.frozensets(st.sampled_from(list(Programme))),
)
def test_eligibility_policy_round_trips(ceiling, area, lo, span, days, progs):
    p = EligibilityPolicy(2, ceiling, area, 0, False, lo, lo + span, progs, days)
    assert EligibilityPolicy.from_dict(p.to_dict()) == p
