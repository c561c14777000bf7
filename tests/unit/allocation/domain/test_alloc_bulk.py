"""Whole-pool constructors and the incremental matching give exactly what the one-by-one
forms give: same objects, same errors, same result."""
import pytest

from services.allocation.domain.fit import FitPolicy
from services.allocation.domain.lottery import TieBreaker, tie_break_key
from services.allocation.domain.matching import iter_matches, match_round
from services.allocation.domain.ranking import PoolEntry, pool_from_columns, rank
from services.allocation.domain.stock import Unit, UnitStatus, units_from_columns

ROWS = [("A-1", "r1", 875, 3, "pr", ("P1", "public_rental"), frozenset({"hardship"}), True),
        ("A-2", "r2", 0, 1, "pr", (), frozenset(), False),
        ("A-3", "r3", 10, 2, "sa", ("鼓楼-1",), frozenset({"model_worker", "frontline"}), False)]
UNIT_ROWS = [("P1/A/1", "P1", "A", "1", 3, 2, 655, 0, 90000, "public_rental", True),
             ("P2/B/7", "P2", "B", "7", 1, 1, 150, 1, 30000, "staff_apartment", False)]


def columns(rows):
    return [list(c) for c in zip(*rows, strict=True)]


def test_pool_from_columns_equals_one_by_one():
    got = pool_from_columns(*columns(ROWS))
    assert got == [PoolEntry(*r) for r in ROWS]
    assert all(type(e) is PoolEntry for e in got)
    assert pool_from_columns(*[[] for _ in range(8)]) == []
    with pytest.raises(AttributeError):
        got[0].points_tenths = 1  # still frozen


@pytest.mark.parametrize("field, bad", [
    (3, 0),                                   # household_size < 1
    (2, -5),                                  # points < 0
    (2, 87.5),                                # float points
    (3, True),                                # bool is not an int here
    (5, ("P1", "P2", "P3", "P4", "P5", "P6")),  # more than five preferences
    (5, ("P1", "P1")),                        # a preference twice
])
def test_pool_from_columns_raises_what_pool_entry_raises(field, bad):
    rows = [list(r) for r in ROWS]
    rows[1][field] = bad
    with pytest.raises((TypeError, ValueError)) as one_by_one:
        [PoolEntry(*r) for r in rows]
    with pytest.raises(type(one_by_one.value)) as bulk:
        pool_from_columns(*columns(rows))
    assert str(bulk.value) == str(one_by_one.value)


def test_pool_from_columns_normalises_like_pool_entry():
    rows = [list(r) for r in ROWS]
    rows[0][5] = ["P1", "public_rental"]  # a list, as JSON gives it
    rows[0][6] = {"hardship"}
    got = pool_from_columns(*columns(rows))
    assert got == [PoolEntry(*r) for r in ROWS]
    assert type(got[0].preferences) is tuple and type(got[0].priority_groups) is frozenset


def test_units_from_columns_equals_one_by_one():
    got = units_from_columns(*columns(UNIT_ROWS))
    assert got == [Unit(*r) for r in UNIT_ROWS]
    assert {u.status for u in got} == {UnitStatus.VACANT}
    statuses = [UnitStatus.VACANT, "maintenance"]  # a string is converted, as Unit does
    assert units_from_columns(*columns(UNIT_ROWS), statuses)[1].status is UnitStatus.MAINTENANCE


@pytest.mark.parametrize("field, bad", [(6, 0), (5, -1), (4, "2"), (0, "")])
def test_units_from_columns_raises_what_unit_raises(field, bad):
    rows = [list(r) for r in UNIT_ROWS]
    rows[1][field] = bad
    with pytest.raises((TypeError, ValueError)) as one_by_one:
        [Unit(*r) for r in rows]
    with pytest.raises(type(one_by_one.value)) as bulk:
        units_from_columns(*columns(rows))
    assert str(bulk.value) == str(one_by_one.value)


def test_sort_keys_are_points_prefix_lottery_key_and_id():
    seed = bytes(range(32))
    keys = TieBreaker(seed).sort_keys([b"\x01", b"\x02"], ["A-1", "张三"])
    assert keys == [b"\x01" + tie_break_key(seed, "A-1") + b"A-1",
                    b"\x02" + tie_break_key(seed, "张三") + "张三".encode()]


def test_iter_matches_yields_each_match_once_and_returns_match_round_result():
    policy = FitPolicy(2, 0, {"pr": frozenset({"public_rental"})})
    units = [Unit(f"U{i}", "P1" if i % 2 else "P2", "1", str(i), 1, 1 + i % 3, 400, 0, 1, "public_rental")
             for i in range(8)]
    pool = [PoolEntry(f"A{i}", f"r{i}", 10 * (i % 4), 1 + i % 3, "pr", ("P1", "public_rental") if i % 2 else ("P2",),
                      frozenset({"frontline"}) if i % 5 == 0 else frozenset()) for i in range(20)]
    ranked = rank(pool, bytes(32))
    quotas = [("frontline", 2)]
    matching = iter_matches(ranked, units, quotas, policy)
    made = []
    while True:
        try:
            made.append(next(matching))
        except StopIteration as done:
            result = done.value
            break
    assert result == match_round(ranked, units, quotas, policy)
    assert sorted(m for _, m in made) == sorted(result.matches)
    assert all(ranked[i].application_id == m.application_id for i, m in made)
    assert [m.seat for _, m in made[:2]] == ["frontline", "frontline"]  # quota phase first


def test_iter_matches_refuses_bad_units_at_the_call():
    policy = FitPolicy(2, 0, {"pr": frozenset({"public_rental"})})
    twice = [Unit("U1", "P1", "1", "1", 1, 1, 400, 0, 1, "public_rental")] * 2
    with pytest.raises(ValueError, match="offered twice"):
        iter_matches([], twice, [], policy)  # no next() needed
