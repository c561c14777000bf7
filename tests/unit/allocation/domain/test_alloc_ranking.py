import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.allocation.domain.lottery import tie_break_key
from services.allocation.domain.ranking import PoolEntry, points_to_tenths, rank

SEED = bytes(range(32))


def E(aid, points, ref=None):
    return PoolEntry(aid, ref or "r" + aid, points, 1, "pr", ("P1",))


def test_points_descending_then_lottery_key():
    pool = [E("A", 800), E("B", 875), E("C", 800), E("D", 900)]
    ids = [e.application_id for e in rank(pool, SEED)]
    # 90.0 > 87.5 > 80.0 = 80.0; the 80.0 tie goes to the smaller HMAC key
    ka, kc = tie_break_key(SEED, "A"), tie_break_key(SEED, "C")
    assert ids == ["D", "B"] + (["A", "C"] if ka < kc else ["C", "A"])


def test_points_to_tenths_exact():
    assert points_to_tenths("87.5") == 875
    assert points_to_tenths(90) == 900
    with pytest.raises(ValueError):
        points_to_tenths("87.55")
    with pytest.raises(TypeError):
        points_to_tenths(87.5)


def test_one_entry_per_person_and_valid_fields():
    with pytest.raises(ValueError, match="person_ref"):
        rank([E("A", 1, ref="x"), E("B", 1, ref="x")], SEED)
    with pytest.raises(ValueError, match="application_id"):
        rank([E("A", 1, ref="x"), E("A", 1, ref="y")], SEED)
    with pytest.raises(ValueError):
        PoolEntry("A", "r", 1, 1, "pr", ("P1", "P2", "P3", "P4", "P5", "P6"))
    with pytest.raises(ValueError):
        PoolEntry("A", "r", 1, 0, "pr", ())
    with pytest.raises(TypeError):
        PoolEntry("A", "r", 87.5, 1, "pr", ())


@given(st.lists(st.integers(0, 30), max_size=40), st.randoms(use_true_random=False),
       st.binary(min_size=16, max_size=32))
def test_rank_independent_of_input_order_and_sorted_by_points(points, rng, seed):
    pool = [E(f"A{i}", p) for i, p in enumerate(points)]
    shuffled = list(pool)
    rng.shuffle(shuffled)
    a, b = rank(pool, seed), rank(shuffled, seed)
    assert a == b
    assert [e.points_tenths for e in a] == sorted(points, reverse=True)
    for x, y in zip(a, a[1:], strict=False):
        if x.points_tenths == y.points_tenths:
            assert tie_break_key(seed, x.application_id) < tie_break_key(seed, y.application_id)
