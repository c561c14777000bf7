"""Eligibility rules `make mutate` showed no test stated (issue 20).

A reviewer and an applicant read the verdict through its texts and its machine-readable
form, and a bad intake is refused through ``FactsError.field`` (the problem response names
it). So this pins, exactly: every reason text in both languages for a pass and a fail, the
``limit`` beside every ``actual``, ``to_dict`` of a rule and of a result, the field and the
message of every refusal, the boundaries of the dates (born today, hired today, hired on the
day of birth), booleans and datetimes where an integer or a date is meant, non-finite areas,
and negative amounts of money.

Equivalent mutants (scripts/mutate.py excludes them from the score): none. Every surviving
mutant of eligibility.py changed something a caller can see.
"""
from datetime import date, datetime
from decimal import Decimal

import pytest

from services.applications.domain.eligibility import (
    ApplicantFacts,
    EligibilityResult,
    FactsError,
    Housing,
    Rule,
    RuleResult,
    check,
    completed_years,
    format_yuan,
    recheck,
)
from services.applications.domain.policy import EligibilityPolicy, HousingKind, Programme

POLICY = EligibilityPolicy(
    version=4, income_per_capita_ceiling_fen=300_000,
    housing_area_per_capita_ceiling_m2=Decimal("15"), min_years_of_service=3,
    membership_required=True, min_age=18, max_age=60,
)
OPTIONAL_MEMBERSHIP = EligibilityPolicy(1, 300_000, Decimal("15.5"), 3, False, 18, 60)
TODAY = date(2025, 6, 15)


def facts(**kw):
    base = dict(
        birth_date=date(1990, 6, 15), hire_date=date(2022, 6, 15), union_member=True,
        household_size=3, monthly_household_income_fen=900_000,
        housing=Housing(HousingKind.SHARED, Decimal("45.00")), programme=Programme.PUBLIC_RENTAL,
    )
    base.update(kw)
    return ApplicantFacts(**base)


def rules(result):
    return {r.rule: r for r in result.rules}


# --- reasons, in both languages, for a pass and for a fail ----------------------------------

def test_every_reason_of_a_passing_check():
    r = rules(check(facts(), POLICY, TODAY))
    assert r[Rule.INCOME_PER_CAPITA].reasons == {
        "zh": "家庭人均月收入 3,000.00 元（家庭月收入 9,000.00 元，3 人），未超过上限 3,000.00 元",
        "en": "Monthly household income per capita 3,000.00 yuan (household 9,000.00 yuan, 3 persons), "
              "within the ceiling of 3,000.00 yuan",
    }
    assert r[Rule.HOUSING_AREA_PER_CAPITA].reasons == {
        "zh": "家庭人均住房面积 15.00 m²（住房面积 45.00 m²，3 人），未超过上限 15.00 m²",
        "en": "Housing area per capita 15.00 m² (45.00 m², 3 persons), within the ceiling of 15.00 m²",
    }
    assert r[Rule.YEARS_OF_SERVICE].reasons == {
        "zh": "工龄 3 年，不少于要求的 3 年", "en": "3 years of service, at least the required 3"}
    assert r[Rule.UNION_MEMBERSHIP].reasons == {
        "zh": "申请人为工会会员，本政策要求工会会员身份",
        "en": "Applicant is a union member; union membership is required"}
    assert r[Rule.AGE].reasons == {"zh": "年龄 35 周岁，在 18–60 周岁范围内", "en": "Age 35, within the range 18–60"}


def test_every_reason_of_a_failing_check():
    f = facts(birth_date=date(1960, 6, 14), hire_date=date(2023, 6, 16), union_member=False,
              household_size=2, monthly_household_income_fen=1_234_567,
              housing=Housing(HousingKind.RENTED, Decimal("2469.13")))
    res = check(f, POLICY, TODAY)
    r = rules(res)
    assert not res.eligible and res.failed == res.rules
    assert r[Rule.INCOME_PER_CAPITA].reasons == {
        "zh": "家庭人均月收入 6,172.84 元（家庭月收入 12,345.67 元，2 人），超过上限 3,000.00 元",
        "en": "Monthly household income per capita 6,172.84 yuan (household 12,345.67 yuan, 2 persons), "
              "exceeds the ceiling of 3,000.00 yuan",
    }
    assert r[Rule.HOUSING_AREA_PER_CAPITA].reasons == {
        "zh": "家庭人均住房面积 1,234.57 m²（住房面积 2,469.13 m²，2 人），超过上限 15.00 m²",
        "en": "Housing area per capita 1,234.57 m² (2,469.13 m², 2 persons), exceeds the ceiling of 15.00 m²",
    }
    assert r[Rule.YEARS_OF_SERVICE].reasons == {
        "zh": "工龄 1 年，少于要求的 3 年", "en": "1 year of service, fewer than the required 3"}
    assert r[Rule.UNION_MEMBERSHIP].reasons == {
        "zh": "申请人为非工会会员，本政策要求工会会员身份",
        "en": "Applicant is not a union member; union membership is required"}
    assert r[Rule.AGE].reasons == {"zh": "年龄 65 周岁，不在 18–60 周岁范围内", "en": "Age 65, outside the range 18–60"}


def test_membership_reasons_when_the_policy_does_not_require_it():
    for member, zh, en in [
        (True, "申请人为工会会员，本政策不要求工会会员身份",
         "Applicant is a union member; membership is not required by this policy"),
        (False, "申请人为非工会会员，本政策不要求工会会员身份",
         "Applicant is not a union member; membership is not required by this policy"),
    ]:
        m = rules(check(facts(union_member=member), OPTIONAL_MEMBERSHIP, TODAY))[Rule.UNION_MEMBERSHIP]
        assert m.passed and m.reasons == {"zh": zh, "en": en}
        assert m.actual is member and m.limit is False


def test_too_young_is_outside_the_range_in_both_languages():
    age = rules(check(facts(birth_date=date(2010, 1, 1), hire_date=date(2024, 1, 1)), POLICY, TODAY))[Rule.AGE]
    assert not age.passed
    assert age.reasons == {"zh": "年龄 15 周岁，不在 18–60 周岁范围内", "en": "Age 15, outside the range 18–60"}


# --- actual and limit side by side ----------------------------------------------------------

def test_every_rule_reports_its_limit_beside_the_actual_value():
    r = rules(check(facts(), OPTIONAL_MEMBERSHIP, TODAY))
    assert (r[Rule.INCOME_PER_CAPITA].actual, r[Rule.INCOME_PER_CAPITA].limit) == (300_000, 300_000)
    assert (r[Rule.HOUSING_AREA_PER_CAPITA].actual, r[Rule.HOUSING_AREA_PER_CAPITA].limit) == (
        Decimal("15.00"), Decimal("15.5"))
    assert (r[Rule.YEARS_OF_SERVICE].actual, r[Rule.YEARS_OF_SERVICE].limit) == (3, 3)
    assert (r[Rule.UNION_MEMBERSHIP].actual, r[Rule.UNION_MEMBERSHIP].limit) == (True, False)
    assert (r[Rule.AGE].actual, r[Rule.AGE].limit) == (35, (18, 60))


def test_rule_and_result_to_dict_exactly():
    res = check(facts(), POLICY, TODAY)
    area = rules(res)[Rule.HOUSING_AREA_PER_CAPITA]
    assert area.to_dict() == {
        "rule": "housing_area_per_capita", "passed": True, "actual": "15.00", "limit": "15",
        "reasons": area.reasons,
    }
    age = rules(res)[Rule.AGE].to_dict()
    assert age["actual"] == 35 and age["limit"] == [18, 60] and age["rule"] == "age"
    out = res.to_dict()
    assert list(out) == ["policy_version", "checked_on", "eligible", "rules"]
    assert out["policy_version"] == 4 and out["checked_on"] == "2025-06-15" and out["eligible"] is True
    assert out["rules"] == [r.to_dict() for r in res.rules]
    assert [r["rule"] for r in out["rules"]] == [r.value for r in Rule]


def test_to_dict_reasons_are_a_copy():
    r = RuleResult(Rule.AGE, True, 30, (18, 60), {"zh": "z", "en": "e"})
    d = r.to_dict()
    assert d == {"rule": "age", "passed": True, "actual": 30, "limit": [18, 60], "reasons": {"zh": "z", "en": "e"}}
    d["reasons"]["zh"] = "changed"
    assert r.reasons["zh"] == "z"
    assert EligibilityResult(1, TODAY, (r,)).to_dict()["rules"] == [r.to_dict()]


# --- dates: boundaries of the check ---------------------------------------------------------

def test_a_person_born_and_hired_today_is_checked_not_refused():
    res = check(facts(birth_date=TODAY, hire_date=TODAY), POLICY, TODAY)
    r = rules(res)
    assert r[Rule.AGE].actual == 0 and not r[Rule.AGE].passed
    assert r[Rule.YEARS_OF_SERVICE].actual == 0


def test_hired_today_counts_zero_years():
    svc = rules(check(facts(hire_date=TODAY), POLICY, TODAY))[Rule.YEARS_OF_SERVICE]
    assert svc.actual == 0 and not svc.passed


def test_hired_on_the_day_of_birth_is_accepted_as_facts():
    f = facts(birth_date=date(1990, 6, 15), hire_date=date(1990, 6, 15))
    assert f.hire_date == f.birth_date


@pytest.mark.parametrize("kw, field", [
    (dict(birth_date=date(2025, 6, 16), hire_date=date(2025, 6, 17)), "birth_date"),
    (dict(hire_date=date(2025, 6, 16)), "hire_date"),
])
def test_dates_after_the_check_date_are_refused_by_field(kw, field):
    with pytest.raises(FactsError) as e:
        check(facts(**kw), POLICY, TODAY)
    assert (e.value.field, e.value.message) == (field, "is after the check date")
    assert str(e.value) == f"{field}: is after the check date"


def test_completed_years_refuses_a_start_after_the_end_by_name():
    with pytest.raises(FactsError) as e:
        completed_years(date(2025, 6, 16), TODAY)
    assert (e.value.field, e.value.message) == ("date", "2025-06-16 is after 2025-06-15")
    assert str(e.value) == "date: 2025-06-16 is after 2025-06-15"


# --- refusals of malformed facts: field and message -----------------------------------------

@pytest.mark.parametrize("kw, field, message", [
    (dict(birth_date=datetime(1990, 6, 15, 8, 0)), "birth_date",
     "must be a date, got datetime.datetime(1990, 6, 15, 8, 0)"),
    (dict(hire_date=datetime(2022, 6, 15)), "hire_date", "must be a date, got datetime.datetime(2022, 6, 15, 0, 0)"),
    (dict(birth_date="1990-06-15"), "birth_date", "must be a date, got '1990-06-15'"),
    (dict(hire_date=date(1990, 6, 14)), "hire_date", "is before birth_date"),
    (dict(union_member=1), "union_member", "must be a bool"),
    (dict(union_member=None), "union_member", "must be a bool"),
    (dict(household_size=True), "household_size", "must be an integer >= 1, got True"),
    (dict(household_size="3"), "household_size", "must be an integer >= 1, got '3'"),
    (dict(household_size=0), "household_size", "must be an integer >= 1, got 0"),
    (dict(household_size=2.0), "household_size", "must be an integer >= 1, got 2.0"),
    (dict(monthly_household_income_fen=False), "monthly_household_income_fen",
     "must be an integer >= 0, got False"),
    (dict(monthly_household_income_fen=-1), "monthly_household_income_fen", "must be an integer >= 0, got -1"),
    (dict(housing="shared"), "housing", "must be a Housing"),
    (dict(housing=None), "housing", "must be a Housing"),
    (dict(programme="public_rental"), "programme", "must be a Programme, got 'public_rental'"),
])
def test_malformed_facts_are_refused_with_field_and_message(kw, field, message):
    with pytest.raises(FactsError) as e:
        facts(**kw)
    assert (e.value.field, e.value.message) == (field, message)
    assert str(e.value) == f"{field}: {message}"


def test_the_smallest_allowed_values_are_accepted():
    f = facts(household_size=1, monthly_household_income_fen=0, housing=Housing(HousingKind.NONE))
    inc = rules(check(f, POLICY, TODAY))[Rule.INCOME_PER_CAPITA]
    assert inc.passed and inc.actual == 0


@pytest.mark.parametrize("kind, area, message", [
    ("rented", Decimal("10"), "must be a HousingKind, got 'rented'"),
    (None, Decimal("10"), "must be a HousingKind, got None"),
    (HousingKind.RENTED, 10, "must be a non-negative Decimal, got 10"),
    (HousingKind.RENTED, 10.5, "must be a non-negative Decimal, got 10.5"),
    (HousingKind.RENTED, Decimal("NaN"), "must be a non-negative Decimal, got Decimal('NaN')"),
    (HousingKind.RENTED, Decimal("Infinity"), "must be a non-negative Decimal, got Decimal('Infinity')"),
    (HousingKind.RENTED, Decimal("-0.01"), "must be a non-negative Decimal, got Decimal('-0.01')"),
    (HousingKind.RENTED, Decimal("10.001"), "at most 2 decimal places, got 10.001"),
    (HousingKind.NONE, Decimal("0.01"), "must be 0 when housing kind is 'none'"),
])
def test_malformed_housing_is_refused_with_field_and_message(kind, area, message):
    field = "housing.kind" if not isinstance(kind, HousingKind) else "housing.area_m2"
    with pytest.raises(FactsError) as e:
        Housing(kind, area)
    assert (e.value.field, e.value.message) == (field, message)
    assert str(e.value) == f"{field}: {message}"


def test_housing_of_zero_area_and_of_two_decimals_is_accepted():
    assert Housing(HousingKind.RENTED, Decimal("0")).area_m2 == 0
    assert Housing(HousingKind.NONE, Decimal("0.00")).area_m2 == 0
    assert Housing(HousingKind.SHARED, Decimal("12.34")).area_m2 == Decimal("12.34")


# --- money text ----------------------------------------------------------------------------

@pytest.mark.parametrize("fen, text", [
    (-5, "-0.05"), (-100, "-1.00"), (-123456789, "-1,234,567.89"), (100, "1.00"), (99, "0.99"),
])
def test_format_yuan_signs_negative_amounts(fen, text):
    assert format_yuan(fen) == text


# --- re-check ------------------------------------------------------------------------------

def test_recheck_by_default_exempts_nothing():
    f = facts(union_member=False)
    out = recheck(f, POLICY, TODAY)
    assert [r.rule for r in out.revocation_reasons] == [Rule.UNION_MEMBERSHIP]
    assert out.result == check(f, POLICY, TODAY)
