from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.applications.domain.points import (
    PointsInput,
    PointsRule,
    compute,
    recompute_totals,
    total_tenths,
)
from services.applications.domain.policy import (
    DEFAULT_POINTS_POLICY,
    HardshipCategory,
    HonourLevel,
    PointsPolicy,
)

# 1.0/yr ≤30; 2.0/person ≤10; dibao 12; sanwu 20; national 20; frontline 5; 0.5/mo ≤12
D = DEFAULT_POINTS_POLICY


def line(b, rule):
    return next(x for x in b.lines if x.rule is rule)


def test_worked_example_with_waiting_cap():
    # 工龄 12 → 12.0; 3 人 → 6.0; 低保户 → 12.0; 无荣誉 → 0; 一线 → 5.0;
    # 轮候 30 月 × 0.5 = 15.0, capped at 12.0.   12 + 6 + 12 + 0 + 5 + 12 = 47.0
    b = compute(PointsInput(12, 3, HardshipCategory.DIBAO, None, True, 30), D)
    assert b.total_tenths == 470 and b.total == Decimal("47.0")
    w = line(b, PointsRule.WAITING)
    assert (w.points_tenths, w.uncapped_tenths, w.cap_tenths, w.capped) == (120, 150, 120, True)
    assert not line(b, PointsRule.SERVICE_YEARS).capped
    assert [ln.rule for ln in b.lines] == list(PointsRule)  # all six lines, zeros included
    assert line(b, PointsRule.HONOUR).points_tenths == 0
    assert b.policy_version == 1


def test_worked_example_with_service_and_household_caps():
    # 工龄 40 → 40.0 capped 30.0; 7 人 → 14.0 capped 10.0; 三无户 20.0; 全国劳模 20.0;
    # not frontline 0; 0 months 0.   30 + 10 + 20 + 20 = 80.0
    b = compute(PointsInput(40, 7, HardshipCategory.SANWU, HonourLevel.NATIONAL, False, 0), D)
    assert b.total_tenths == 800
    assert line(b, PointsRule.SERVICE_YEARS).capped and line(b, PointsRule.HOUSEHOLD_SIZE).capped
    d = b.to_dict()
    assert d["total"] == "80.0"
    assert d["lines"][0] == {"rule": "service_years", "input": 40, "points": "30.0",
                             "uncapped": "40.0", "cap": "30.0", "capped": True}


def test_minimal_applicant():
    # 0 years, alone, nothing else: only 1 × 2.0 for the household.
    assert compute(PointsInput(0, 1), D).total_tenths == 20


def test_custom_policy_with_fractional_weights():
    p = PointsPolicy(
        version=9, per_service_year_tenths=3, service_cap_tenths=50,
        per_household_member_tenths=15, household_cap_tenths=1000,
        hardship_tenths={c: 7 for c in HardshipCategory},
        honour_tenths={HonourLevel.NATIONAL: 99, HonourLevel.PROVINCIAL: 50, HonourLevel.CITY: 33},
        frontline_tenths=11, per_waiting_month_tenths=1, waiting_cap_tenths=24,
    )
    # 17 × 0.3 = 5.1 → cap 5.0; 4 × 1.5 = 6.0; 临时困难 0.7; 市级劳模 3.3; 一线 1.1;
    # 25 × 0.1 = 2.5 → cap 2.4.   5.0 + 6.0 + 0.7 + 3.3 + 1.1 + 2.4 = 18.5
    inp = PointsInput(17, 4, HardshipCategory.TEMPORARY, HonourLevel.CITY, True, 25)
    b = compute(inp, p)
    assert b.total == Decimal("18.5") and b.policy_version == 9
    assert total_tenths(inp, p) == 185 and recompute_totals([inp, inp], p) == [185, 185]


@pytest.mark.parametrize("kw", [
    dict(years_of_service=-1), dict(household_size=0), dict(months_waiting=-2),
    dict(years_of_service=1.5), dict(hardship_category="dibao"), dict(honour="city"),
    dict(frontline=1),
])
def test_bad_input_is_refused(kw):
    base = dict(years_of_service=1, household_size=1)
    with pytest.raises(ValueError):
        PointsInput(**{**base, **kw})


inputs = st.builds(
    PointsInput,
    years_of_service=st.integers(0, 60), household_size=st.integers(1, 15),
    hardship_category=st.none() | st.sampled_from(list(HardshipCategory)),
    honour=st.none() | st.sampled_from(list(HonourLevel)),
    frontline=st.booleans(), months_waiting=st.integers(0, 400),
)
tenths = st.integers(0, 500)
points_policies = st.builds(
    PointsPolicy, version=st.integers(1, 5),
    per_service_year_tenths=tenths, service_cap_tenths=tenths,
    per_household_member_tenths=tenths, household_cap_tenths=tenths,
    hardship_tenths=st.fixed_dictionaries({c: tenths for c in HardshipCategory}),
    honour_tenths=st.fixed_dictionaries({h: tenths for h in HonourLevel}),
    frontline_tenths=tenths, per_waiting_month_tenths=tenths, waiting_cap_tenths=tenths,
)


@given(inputs, points_policies)
def test_breakdown_is_consistent(inp, p):
    b = compute(inp, p)
    assert isinstance(b.total_tenths, int)
    assert b.total_tenths == sum(ln.points_tenths for ln in b.lines)
    assert b.total.as_tuple().exponent == -1
    for ln in b.lines:
        assert 0 <= ln.points_tenths <= ln.uncapped_tenths
        if ln.cap_tenths is not None:
            assert ln.points_tenths == min(ln.uncapped_tenths, ln.cap_tenths)
            assert ln.capped == (ln.uncapped_tenths > ln.cap_tenths)
        else:
            assert not ln.capped
    assert total_tenths(inp, p) == b.total_tenths
    assert recompute_totals([inp], p) == [b.total_tenths]


@given(inputs, points_policies, st.integers(1, 10), st.integers(1, 10), st.integers(1, 10))
def test_more_service_people_or_waiting_never_lowers_points(inp, p, dy, dh, dm):
    base = total_tenths(inp, p)
    assert total_tenths(replace(inp, years_of_service=inp.years_of_service + dy), p) >= base
    assert total_tenths(replace(inp, household_size=inp.household_size + dh), p) >= base
    assert total_tenths(replace(inp, months_waiting=inp.months_waiting + dm), p) >= base
    assert total_tenths(replace(inp, frontline=True), p) >= base


@given(inputs)
def test_raising_the_frontline_weight_moves_only_frontline_workers(inp):
    richer = replace(D, frontline_tenths=D.frontline_tenths + 10)
    delta = total_tenths(inp, richer) - total_tenths(inp, D)
    assert delta == (10 if inp.frontline else 0)


def test_completed_months_worked_examples():
    from datetime import date

    from services.applications.domain.points import completed_months

    assert completed_months(date(2025, 1, 15), date(2025, 1, 15)) == 0
    assert completed_months(date(2025, 1, 15), date(2025, 2, 14)) == 0
    assert completed_months(date(2025, 1, 15), date(2025, 2, 15)) == 1
    assert completed_months(date(2025, 1, 31), date(2025, 2, 27)) == 0
    assert completed_months(date(2025, 1, 31), date(2025, 2, 28)) == 1  # last day of February
    assert completed_months(date(2024, 1, 31), date(2024, 2, 28)) == 0  # 2024 has 29 Feb
    assert completed_months(date(2023, 11, 10), date(2025, 11, 9)) == 23
    assert completed_months(date(2023, 11, 10), date(2025, 11, 10)) == 24
    assert completed_months(date(2025, 3, 1), date(2025, 2, 1)) == 0  # not started yet
