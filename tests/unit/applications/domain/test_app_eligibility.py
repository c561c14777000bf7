from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.applications.domain.eligibility import (
    RULE_WORDS,
    ApplicantFacts,
    FactsError,
    Housing,
    Rule,
    check,
    completed_years,
    format_yuan,
    recheck,
)
from services.applications.domain.policy import EligibilityPolicy, HousingKind, Programme

# 3,000.00 元 per person per month, 15 m² per person, 3 years, member, age 18–60.
POLICY = EligibilityPolicy(
    version=4, income_per_capita_ceiling_fen=300_000,
    housing_area_per_capita_ceiling_m2=Decimal("15"), min_years_of_service=3,
    membership_required=True, min_age=18, max_age=60,
)
TODAY = date(2025, 6, 15)


def facts(**kw):
    base = dict(
        birth_date=date(1990, 6, 15), hire_date=date(2022, 6, 15), union_member=True,
        household_size=3, monthly_household_income_fen=900_000,
        housing=Housing(HousingKind.SHARED, Decimal("45.00")), programme=Programme.PUBLIC_RENTAL,
    )
    base.update(kw)
    return ApplicantFacts(**base)


def rule(result, r):
    return next(x for x in result.rules if x.rule is r)


def test_everything_exactly_at_the_limits_passes():
    # income 9,000.00 / 3 = 3,000.00 = ceiling; area 45.00 / 3 = 15.00 = ceiling;
    # hired 2022-06-15 → 3 full years today; born 1990-06-15 → 35 today (birthday counts).
    res = check(facts(), POLICY, TODAY)
    assert res.eligible
    assert [r.rule for r in res.rules] == list(Rule)  # every rule reported, in order
    assert rule(res, Rule.INCOME_PER_CAPITA).actual == 300_000
    assert rule(res, Rule.HOUSING_AREA_PER_CAPITA).actual == Decimal("15.00")
    assert rule(res, Rule.YEARS_OF_SERVICE).actual == 3
    assert rule(res, Rule.AGE).actual == 35
    assert res.policy_version == 4 and res.failed == ()


def test_reason_texts_state_value_and_limit():
    # 7,050.00 元 / 3 = 2,350.00 元 exactly; 37.50 m² / 3 = 12.50 m².
    res = check(facts(monthly_household_income_fen=705_000,
                      housing=Housing(HousingKind.RENTED, Decimal("37.5"))), POLICY, TODAY)
    inc = rule(res, Rule.INCOME_PER_CAPITA)
    assert inc.reasons["zh"] == ("家庭人均月收入 2,350.00 元（家庭月收入 7,050.00 元，3 人），"
                                 "未超过上限 3,000.00 元")
    assert inc.reasons["en"] == ("Monthly household income per capita 2,350.00 yuan "
                                 "(household 7,050.00 yuan, 3 persons), within the ceiling "
                                 "of 3,000.00 yuan")
    area = rule(res, Rule.HOUSING_AREA_PER_CAPITA)
    assert area.reasons["zh"] == ("家庭人均住房面积 12.50 m²（住房面积 37.50 m²，3 人），"
                                  "未超过上限 15.00 m²")
    assert rule(res, Rule.YEARS_OF_SERVICE).reasons["zh"] == "工龄 3 年，不少于要求的 3 年"
    assert rule(res, Rule.AGE).reasons["zh"] == "年龄 35 周岁，在 18–60 周岁范围内"
    member = rule(res, Rule.UNION_MEMBERSHIP)
    assert member.reasons["zh"] == "申请人为工会会员，本政策要求工会会员身份"


def test_one_fen_over_the_income_ceiling_fails():
    # single person, 3,000.01 元 > 3,000.00 元
    res = check(facts(household_size=1, monthly_household_income_fen=300_001,
                      housing=Housing(HousingKind.NONE)), POLICY, TODAY)
    inc = rule(res, Rule.INCOME_PER_CAPITA)
    assert not inc.passed and not res.eligible
    assert inc.reasons["zh"] == ("家庭人均月收入 3,000.01 元（家庭月收入 3,000.01 元，1 人），"
                                 "超过上限 3,000.00 元")
    assert res.failed == (inc,)


def test_a_third_of_a_fen_over_fails_and_is_shown_rounded_up():
    # 9,000.01 / 3 = 3,000.0033… 元 > ceiling; shown as 3,000.01, never as 3,000.00.
    res = check(facts(monthly_household_income_fen=900_001), POLICY, TODAY)
    inc = rule(res, Rule.INCOME_PER_CAPITA)
    assert not inc.passed and inc.actual == 300_001
    assert "3,000.01 元" in inc.reasons["zh"] and "超过上限" in inc.reasons["zh"]


def test_area_just_over_fails():
    # 45.01 / 3 = 15.0033 m² > 15 m²; shown rounded up as 15.01
    res = check(facts(housing=Housing(HousingKind.SUBSTANDARD, Decimal("45.01"))), POLICY, TODAY)
    area = rule(res, Rule.HOUSING_AREA_PER_CAPITA)
    assert not area.passed and area.actual == Decimal("15.01")
    assert "超过上限 15.00 m²" in area.reasons["zh"]


def test_service_one_day_short_fails():
    res = check(facts(hire_date=date(2022, 6, 16)), POLICY, TODAY)  # 2 years 364 days
    svc = rule(res, Rule.YEARS_OF_SERVICE)
    assert not svc.passed and svc.actual == 2
    assert svc.reasons["en"] == "2 years of service, fewer than the required 3"


def test_birthday_tomorrow_is_still_too_young():
    res = check(facts(birth_date=date(2007, 6, 16), hire_date=date(2024, 6, 1)), POLICY, TODAY)
    assert rule(res, Rule.AGE).actual == 17 and not rule(res, Rule.AGE).passed
    res = check(facts(birth_date=date(2007, 6, 16), hire_date=date(2022, 6, 1)),
                POLICY, TODAY + timedelta(days=1))
    assert rule(res, Rule.AGE).actual == 18 and rule(res, Rule.AGE).passed


def test_max_age_is_inclusive_until_the_61st_birthday():
    assert rule(check(facts(birth_date=date(1964, 6, 16)), POLICY, TODAY), Rule.AGE).passed  # 60
    old = rule(check(facts(birth_date=date(1964, 6, 15)), POLICY, TODAY), Rule.AGE)  # 61 today
    assert not old.passed and old.reasons["zh"] == "年龄 61 周岁，不在 18–60 周岁范围内"


def test_membership():
    res = check(facts(union_member=False), POLICY, TODAY)
    assert not rule(res, Rule.UNION_MEMBERSHIP).passed
    lax = EligibilityPolicy(1, 300_000, Decimal(15), 3, False, 18, 60)
    m = rule(check(facts(union_member=False), lax, TODAY), Rule.UNION_MEMBERSHIP)
    assert m.passed and "不要求" in m.reasons["zh"]


def test_all_failures_are_reported_together():
    res = check(facts(union_member=False, monthly_household_income_fen=10**9,
                      hire_date=date(2025, 1, 1)), POLICY, TODAY)
    assert {r.rule for r in res.failed} == {
        Rule.UNION_MEMBERSHIP, Rule.INCOME_PER_CAPITA, Rule.YEARS_OF_SERVICE}
    assert res.to_dict()["eligible"] is False and len(res.to_dict()["rules"]) == 5


def test_leap_day_birthday():
    born = date(2000, 2, 29)
    assert completed_years(born, date(2018, 2, 28)) == 17
    assert completed_years(born, date(2018, 3, 1)) == 18
    assert completed_years(born, date(2024, 2, 29)) == 24
    assert completed_years(born, born) == 0


@pytest.mark.parametrize("kw, field", [
    (dict(household_size=0), "household_size"),
    (dict(monthly_household_income_fen=-1), "monthly_household_income_fen"),
    (dict(hire_date=date(1980, 1, 1)), "hire_date"),  # before birth
    (dict(union_member=1), "union_member"),
    (dict(programme="public_rental"), "programme"),
])
def test_bad_facts_are_refused(kw, field):
    with pytest.raises(FactsError) as e:
        facts(**kw)
    assert e.value.field == field


def test_bad_housing_is_refused():
    with pytest.raises(FactsError):
        Housing(HousingKind.NONE, Decimal("10"))
    with pytest.raises(FactsError):
        Housing(HousingKind.RENTED, Decimal("-1"))
    with pytest.raises(FactsError):
        Housing(HousingKind.RENTED, Decimal("10.001"))


def test_future_dates_are_refused():
    with pytest.raises(FactsError):
        check(facts(hire_date=date(2025, 6, 16)), POLICY, TODAY)


def test_format_yuan():
    assert format_yuan(0) == "0.00"
    assert format_yuan(5) == "0.05"
    assert format_yuan(123456789) == "1,234,567.89"


def test_recheck_returns_failing_rules_as_revocation_reasons():
    # Income rose to 3,200.00 元 per head and the tenant turned 61.
    later = date(2029, 6, 15)
    f = facts(monthly_household_income_fen=960_000, birth_date=date(1968, 6, 15))
    out = recheck(f, POLICY, later)
    assert [r.rule for r in out.revocation_reasons] == [Rule.INCOME_PER_CAPITA, Rule.AGE]
    assert not out.keeps_eligibility
    waived = recheck(f, POLICY, later, exempt=frozenset({Rule.AGE}))
    assert [r.rule for r in waived.revocation_reasons] == [Rule.INCOME_PER_CAPITA]
    assert recheck(facts(), POLICY, TODAY).keeps_eligibility


# --- properties -----------------------------------------------------------------------------

def anniversary(start: date, n: int) -> date:
    try:
        return start.replace(year=start.year + n)
    except ValueError:  # 29 Feb in a common year
        return date(start.year + n, 3, 1)


@given(st.dates(date(1900, 1, 1), date(2100, 1, 1)), st.integers(0, 40000))
def test_completed_years_matches_counting_anniversaries(start, days):
    on = start + timedelta(days=days)
    n = 0
    while anniversary(start, n + 1) <= on:
        n += 1
    assert completed_years(start, on) == n


policies = st.builds(
    EligibilityPolicy, version=st.just(1),
    income_per_capita_ceiling_fen=st.integers(0, 2_000_000),
    housing_area_per_capita_ceiling_m2=st.decimals(0, 100, places=2),
    min_years_of_service=st.integers(0, 10), membership_required=st.booleans(),
    min_age=st.integers(16, 30), max_age=st.integers(30, 70),
)
fact_st = st.builds(
    ApplicantFacts,
    birth_date=st.dates(date(1950, 1, 1), date(2009, 12, 31)),
    hire_date=st.just(date(2010, 1, 1)),
    union_member=st.booleans(), household_size=st.integers(1, 12),
    monthly_household_income_fen=st.integers(0, 10_000_000),
    housing=st.builds(Housing, kind=st.sampled_from([HousingKind.RENTED, HousingKind.SHARED]),
                      area_m2=st.decimals(0, 500, places=2)),
    programme=st.sampled_from(list(Programme)),
)


@given(fact_st, policies)
def test_verdicts_equal_exact_arithmetic(f, p):
    res = check(f, p, TODAY)
    n = f.household_size
    inc = rule(res, Rule.INCOME_PER_CAPITA)
    assert inc.passed == (f.monthly_household_income_fen <= p.income_per_capita_ceiling_fen * n)
    # the shown figure is the exact value rounded up by less than one fen
    assert 0 <= inc.actual * n - f.monthly_household_income_fen < n
    assert inc.passed == (inc.actual <= p.income_per_capita_ceiling_fen)
    area = rule(res, Rule.HOUSING_AREA_PER_CAPITA)
    assert area.passed == (f.housing.area_m2 <= p.housing_area_per_capita_ceiling_m2 * n)
    assert area.passed == (area.actual <= p.housing_area_per_capita_ceiling_m2)
    assert res.eligible == all(r.passed for r in res.rules)
    assert len(res.rules) == 5
    for r in res.rules:
        assert r.reasons["zh"] and r.reasons["en"]
    assert format_yuan(p.income_per_capita_ceiling_fen) in inc.reasons["zh"]
    assert format_yuan(inc.actual) in inc.reasons["en"]


@given(fact_st, policies, st.frozensets(st.sampled_from(list(Rule))))
def test_recheck_is_check_minus_exemptions(f, p, exempt):
    out = recheck(f, p, TODAY, exempt)
    assert out.result == check(f, p, TODAY)
    assert {r.rule for r in out.revocation_reasons} == {r.rule for r in out.result.failed} - exempt


def test_a_household_of_one_is_one_person_and_years_are_counted_in_words():
    # issue 11: "1 person" (and "1 year"), not "1 persons" / "1 years"
    res = check(facts(household_size=1, monthly_household_income_fen=200_000, housing=Housing(HousingKind.NONE),
                      hire_date=date(2024, 6, 15)), POLICY, TODAY)
    assert "1 person)" in rule(res, Rule.INCOME_PER_CAPITA).reasons["en"]
    assert "1 person)" in rule(res, Rule.HOUSING_AREA_PER_CAPITA).reasons["en"]
    assert rule(res, Rule.YEARS_OF_SERVICE).reasons["en"].startswith("1 year of service,")
    assert "3 persons" in rule(check(facts(), POLICY, TODAY), Rule.INCOME_PER_CAPITA).reasons["en"]
    assert [RULE_WORDS[r] for r in Rule] == ["household income per person", "housing area per person",
                                             "years of service", "union membership", "age"]
