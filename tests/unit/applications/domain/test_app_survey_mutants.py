"""调查摸底 survey statistics: the rules `make mutate` showed no test stated (issue 20).

Each refusal's exact text (record position, field, the value), the secondary blank being the
SMALLEST other non-zero cell (ties by key), suppression off at k = 0 and 1, enterprises
sorted by name, an enterprise of blanks refused, and ``to_dict`` giving copies.

Equivalent mutants (scripts/mutate.py excludes them from the score):

- x__suppress__mutmut_1: ``k < 1`` for ``k <= 1``: at k = 1 no count is both > 0 and < 1,
  so suppression blanks nothing and returns the same counts as the early return.
- x__suppress__mutmut_14: ``n > 1`` for ``n > 0`` when choosing the secondary blank: the
  candidates are cells not blanked, i.e. 0 or at least k >= 2, so both tests pick the same.
"""
import pytest

from services.applications.domain.survey import aggregate, household_size_band, income_band


def rec(ent="A", prog="public_rental", size=1, kind="rented", fen=0):
    return {"enterprise": ent, "programme": prog, "household_size": size,
            "housing_kind": kind, "monthly_income_per_capita_fen": fen}


def refusal(records, **kw) -> str:
    with pytest.raises(ValueError) as e:
        aggregate(records, **kw)
    return str(e.value)


@pytest.mark.parametrize("over, message", [
    (dict(ent="   "), "record 1: enterprise: must be a non-empty string"),
    (dict(ent=7), "record 1: enterprise: must be a non-empty string"),
    (dict(prog="villa"), "record 1: programme: unknown code 'villa'"),
    (dict(kind="castle"), "record 1: housing_kind: unknown code 'castle'"),
    (dict(size=True), "record 1: household_size: must be an integer, got True"),
    (dict(size="3"), "record 1: household_size: must be an integer, got '3'"),
    (dict(fen=1.5), "record 1: monthly_income_per_capita_fen: must be an integer, got 1.5"),
    (dict(fen=False), "record 1: monthly_income_per_capita_fen: must be an integer, got False"),
    (dict(size=0), "record 1: household_size: must be >= 1, got 0"),
    (dict(fen=-1), "record 1: monthly_income_per_capita_fen: must be >= 0, got -1"),
])
def test_refusals_name_position_field_and_value(over, message):
    assert refusal([rec(), rec(**over)]) == message


def test_missing_field_is_named():
    assert refusal([rec(), {"enterprise": "A"}]) == "record 1: missing field 'programme'"

    class Partial:
        enterprise = "A"
        programme = "public_rental"
        housing_kind = "rented"
        household_size = 2

    assert refusal([Partial()]).startswith("record 0: missing field ")
    assert "monthly_income_per_capita_fen" in refusal([Partial()])


@pytest.mark.parametrize("k", [-1, True, 2.0, "2", None])
def test_suppress_below_must_be_an_int_of_at_least_zero(k):
    assert refusal([rec()], suppress_below=k) == "suppress_below must be an integer >= 0"


@pytest.mark.parametrize("k", [0, 1])
def test_suppression_is_off_at_zero_and_one(k):
    r = aggregate([rec("A"), rec("B"), rec("B")], suppress_below=k)
    assert r.by_enterprise == {"A": 1, "B": 2} and r.suppress_below == k


def test_suppression_at_two_blanks_ones_only():
    r = aggregate([rec("A"), rec("B"), rec("B"), rec("C"), rec("C")], suppress_below=2)
    # one small cell (A) would leak as total - others: the smallest other, B (ties by key), goes too
    assert r.by_enterprise == {"A": None, "B": None, "C": 2}


def test_secondary_blank_is_the_smallest_other_cell():
    records = [rec("A")] + [rec("B")] * 5 + [rec("C")] * 3 + [rec("D")] * 4
    r = aggregate(records, suppress_below=2)
    assert r.by_enterprise == {"A": None, "B": 5, "C": None, "D": 4}
    # a lone small cell and nothing else non-zero: nothing to add
    assert aggregate([rec("A")], suppress_below=3).by_enterprise == {"A": None}


def test_a_zero_cell_is_never_blanked_nor_chosen_as_the_secondary():
    r = aggregate([rec(prog="public_rental")] * 3 + [rec(prog="relocation")], suppress_below=2)
    assert r.by_programme == {"staff_apartment": 0, "public_rental": None, "shared_ownership": 0,
                              "talent_apartment": 0, "relocation": None}


def test_enterprises_sorted_by_name():
    r = aggregate([rec("丙"), rec("B"), rec("A"), rec("B")])
    assert list(r.by_enterprise) == ["A", "B", "丙"]


def test_to_dict_copies_the_counts():
    r = aggregate([rec("A")])
    d = r.to_dict()
    assert d["total"] == 1 and d["by_enterprise"] == {"A": 1} and d["suppress_below"] == 0
    d["by_enterprise"]["A"] = 99
    assert r.by_enterprise == {"A": 1}


def test_band_refusals_and_edges():
    with pytest.raises(ValueError) as e:
        income_band(-1)
    assert str(e.value) == "monthly_income_per_capita_fen: must be >= 0, got -1"
    with pytest.raises(ValueError) as e:
        household_size_band(0)
    assert str(e.value) == "household_size: must be >= 1, got 0"
    assert household_size_band(1) == "1" and household_size_band(5) == "5+"
    assert income_band(10**12) == "ge_5000"


def test_every_housing_kind_is_listed_also_when_nobody_reported_it():
    r = aggregate([rec(kind="rented"), rec(kind="rented")])
    assert r.by_housing_kind == {"none": 0, "rented": 2, "shared": 0, "substandard": 0}


def test_every_income_band_is_listed_also_when_nobody_falls_in_it():
    r = aggregate([rec(fen=200_000), rec(fen=200_000)])
    assert r.by_income_band == {"lt_1500": 0, "1500_3000": 2, "3000_5000": 0, "ge_5000": 0}
