import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.applications.domain.policy import HousingKind, Programme
from services.applications.domain.survey import (
    HOUSEHOLD_SIZE_BANDS,
    INCOME_BANDS,
    SurveyRecord,
    aggregate,
    household_size_band,
    income_band,
)


def rec(ent, prog, size, kind, fen):
    return {"enterprise": ent, "programme": prog, "household_size": size,
            "housing_kind": kind, "monthly_income_per_capita_fen": fen}


SAMPLE = [
    rec("A", "public_rental", 1, "rented", 120_000),  # 1,200 元 → <1500
    rec("A", "staff_apartment", 3, "shared", 150_000),  # exactly 1,500 元 → 1500–3000
    rec("B", "public_rental", 5, "none", 299_999),  # 2,999.99 元 → 1500–3000
    rec("B", "relocation", 7, "substandard", 300_000),  # exactly 3,000 元 → 3000–5000
    rec("C", "talent_apartment", 2, "rented", 500_000),  # exactly 5,000 元 → ≥5000
    rec("A", "public_rental", 4, "rented", 499_999),  # 4,999.99 元 → 3000–5000
]


def test_worked_example_counts():
    r = aggregate(SAMPLE)
    assert r.total == 6
    assert r.by_enterprise == {"A": 3, "B": 2, "C": 1}
    assert r.by_programme == {"staff_apartment": 1, "public_rental": 3, "shared_ownership": 0,
                              "talent_apartment": 1, "relocation": 1}
    assert r.by_household_size == {"1": 1, "2": 1, "3": 1, "4": 1, "5+": 2}  # sizes 5 and 7
    assert r.by_housing_kind == {"none": 1, "rented": 3, "shared": 1, "substandard": 1}
    assert r.by_income_band == {"lt_1500": 1, "1500_3000": 2, "3000_5000": 2, "ge_5000": 1}


def test_small_cells_are_blanked_with_a_secondary_blank_when_one_would_leak():
    r = aggregate(SAMPLE, suppress_below=2)
    # C (1) is small; blanking only C would leak it as 6 - 3 - 2, so B (2) goes too.
    assert r.by_enterprise == {"A": 3, "B": None, "C": None}
    # three small cells hide each other; the zero stays a zero
    assert r.by_programme == {"staff_apartment": None, "public_rental": 3,
                              "shared_ownership": 0, "talent_apartment": None,
                              "relocation": None}
    assert r.by_household_size == {"1": None, "2": None, "3": None, "4": None, "5+": 2}
    assert r.by_income_band == {"lt_1500": None, "1500_3000": 2, "3000_5000": 2,
                                "ge_5000": None}
    assert r.total == 6 and r.suppress_below == 2


def test_records_may_be_dataclasses_and_output_has_no_personal_fields():
    objs = [SurveyRecord(d["enterprise"], Programme(d["programme"]), d["household_size"],
                         HousingKind(d["housing_kind"]), d["monthly_income_per_capita_fen"])
            for d in SAMPLE]
    assert aggregate(objs) == aggregate(SAMPLE)
    assert set(aggregate(objs).to_dict()) == {
        "total", "by_enterprise", "by_programme", "by_household_size", "by_housing_kind",
        "by_income_band", "suppress_below"}


def test_empty_survey_lists_every_fixed_category_with_zero():
    r = aggregate([])
    assert r.total == 0 and r.by_enterprise == {}
    assert list(r.by_household_size) == list(HOUSEHOLD_SIZE_BANDS)
    assert all(v == 0 for v in r.by_income_band.values())


@pytest.mark.parametrize("bad, field", [
    (dict(household_size=0), "household_size"),
    (dict(monthly_income_per_capita_fen=-1), "income"),
    (dict(programme="villa"), "villa"),
    (dict(housing_kind="castle"), "castle"),
    (dict(enterprise=""), "enterprise"),
    (dict(monthly_income_per_capita_fen=1500.0), "monthly_income_per_capita_fen"),
])
def test_bad_record_is_named_by_position(bad, field):
    records = SAMPLE[:2] + [{**SAMPLE[2], **bad}]
    with pytest.raises(ValueError) as e:
        aggregate(records)
    assert str(e.value).startswith("record 2:") and field in str(e.value)


def test_missing_field():
    with pytest.raises(ValueError, match="record 0"):
        aggregate([{"enterprise": "A"}])


def test_band_edges():
    assert [income_band(f) for f in (0, 149_999, 150_000, 299_999, 300_000, 499_999, 500_000)] \
        == ["lt_1500", "lt_1500", "1500_3000", "1500_3000", "3000_5000", "3000_5000", "ge_5000"]
    assert [household_size_band(n) for n in (1, 4, 5, 99)] == ["1", "4", "5+", "5+"]


records = st.lists(st.builds(
    rec, st.sampled_from(["甲厂", "乙公司", "丙集团", "丁站"]),
    st.sampled_from([p.value for p in Programme]), st.integers(1, 9),
    st.sampled_from([h.value for h in HousingKind]), st.integers(0, 1_000_000),
), max_size=60)


@given(records)
def test_every_dimension_sums_to_the_total(rs):
    r = aggregate(rs)
    assert r.total == len(rs)
    for dim in (r.by_enterprise, r.by_programme, r.by_household_size, r.by_housing_kind,
                r.by_income_band):
        assert sum(dim.values()) == len(rs)
    for x in rs:  # bands are exhaustive and disjoint
        fen = x["monthly_income_per_capita_fen"]
        assert sum(lo <= fen and (hi is None or fen < hi) for _, lo, hi in INCOME_BANDS) == 1


@given(records, st.integers(2, 6))
def test_suppression_never_leaves_a_lone_blank(rs, k):
    exact, shown = aggregate(rs), aggregate(rs, suppress_below=k)
    for name in ("by_enterprise", "by_programme", "by_household_size", "by_housing_kind",
                 "by_income_band"):
        e, s = getattr(exact, name), getattr(shown, name)
        assert s.keys() == e.keys()
        blanks = [key for key, v in s.items() if v is None]
        for key, v in s.items():
            if v is not None:
                assert v == e[key] and not (0 < v < k)
            else:
                assert e[key] > 0
        nonzero = [key for key, v in e.items() if v > 0]
        assert len(blanks) != 1 or len(nonzero) == 1
