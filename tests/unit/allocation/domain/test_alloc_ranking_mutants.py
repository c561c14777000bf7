"""配租 ranking: the rules `make mutate` showed no test stated (issue 20).

Points arrive as exact decimals and become integer tenths with every refusal saying what was
wrong; a pool entry normalises its sequences (so two equal entries compare equal whatever
sequence type came in) and refuses what would break a round; ``pool_from_columns`` builds
exactly what ``PoolEntry`` one by one would, taking the fast path only for columns that pass
its checks unchanged; ``rank`` orders points descending over the whole 63-bit range.

Equivalent mutants (scripts/mutate.py excludes them from the score):

- x_rank__mutmut_41: ``to_bytes(8)`` without a byte order is big-endian since Python 3.11
  (the project's minimum), the same key.
- x_rank__mutmut_43: ``to_bytes(9, "big")`` puts one more zero byte before every key: all
  keys keep one length, so they compare exactly as before.
"""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.allocation.domain import ranking
from services.allocation.domain.lottery import tie_break_key
from services.allocation.domain.ranking import MAX_PREFERENCES, PoolEntry, points_to_tenths, pool_from_columns, rank

SEED = bytes(range(32))
TOP = 2**63 - 1


def E(aid, points, ref=None, **kw):
    return PoolEntry(aid, ref or "r" + aid, points, kw.pop("household_size", 1), "pr", kw.pop("preferences", ("P1",)),
                     **kw)


# -- points_to_tenths ---------------------------------------------------------------------------------

@pytest.mark.parametrize("given_, tenths", [
    ("87.5", 875), (Decimal("87.5"), 875), (90, 900), ("0", 0), ("0.1", 1), ("-2.5", -25), ("1E+1", 100),
    ("12.50", 125),  # a trailing zero is still one decimal place
])
def test_points_become_exact_tenths(given_, tenths):
    assert points_to_tenths(given_) == tenths
    assert type(points_to_tenths(given_)) is int


def test_a_float_is_refused_with_the_reason():
    with pytest.raises(TypeError, match=r"^points must be given as str, int or Decimal, not float$"):
        points_to_tenths(87.5)


@pytest.mark.parametrize("bad", ["abc", "", "8 7"])
def test_not_a_number_is_named(bad):
    with pytest.raises(ValueError, match=rf"^not a number: {bad!r}$"):
        points_to_tenths(bad)


@pytest.mark.parametrize("bad", ["87.55", "0.01", "Infinity", "-Infinity", "NaN", Decimal("Infinity")])
def test_more_than_one_decimal_or_not_finite_is_refused(bad):
    with pytest.raises(ValueError, match=r"^points must have at most one decimal place: "):
        points_to_tenths(bad)


# -- PoolEntry -------------------------------------------------------------------------------------------

def test_entry_type_errors_name_the_application():
    for bad in (dict(points=87.5), dict(points="875"), dict(points=True)):
        with pytest.raises(TypeError, match=r"^A: points_tenths/household_size must be int$"):
            E("A", bad["points"])
    with pytest.raises(TypeError, match=r"^A: points_tenths/household_size must be int$"):
        E("A", 1, household_size=True)
    with pytest.raises(TypeError, match=r"^A: points_tenths/household_size must be int$"):
        E("A", 1, household_size=1.0)


def test_entry_bounds_at_their_edges():
    assert E("A", 0).points_tenths == 0  # zero points is a valid entry
    assert E("A", 1, household_size=1).household_size == 1
    with pytest.raises(ValueError, match=r"^A: points_tenths must be >= 0$"):
        E("A", -1)
    with pytest.raises(ValueError, match=r"^A: household_size must be >= 1$"):
        E("A", 1, household_size=0)
    five = tuple(f"P{i}" for i in range(MAX_PREFERENCES))
    assert E("A", 1, preferences=five).preferences == five  # exactly the maximum is allowed
    with pytest.raises(ValueError, match=rf"^A: at most {MAX_PREFERENCES} preferences$"):
        E("A", 1, preferences=five + ("P9",))
    with pytest.raises(ValueError, match=r"^A: duplicate preference$"):
        E("A", 1, preferences=("P1", "P1"))


def test_entry_normalises_its_sequences():
    entry = E("A", 1, preferences=["P1", "P2"], priority_groups={"frontline"})
    assert type(entry.preferences) is tuple and entry.preferences == ("P1", "P2")
    assert type(entry.priority_groups) is frozenset and entry.priority_groups == frozenset({"frontline"})
    assert entry == E("A", 1, preferences=("P1", "P2"), priority_groups=frozenset({"frontline"}))
    hash(entry)  # frozen and hashable: the normalised values are hashable
    same = ("P1",)
    assert E("A", 1, preferences=same).preferences is same  # a tuple is kept as is
    groups = frozenset({"hardship"})
    assert E("A", 1, priority_groups=groups).priority_groups is groups


# -- pool_from_columns ---------------------------------------------------------------------------------

def _columns(entries):
    fields = ("application_id", "person_ref", "points_tenths", "household_size", "programme", "preferences",
              "priority_groups", "needs_accessible")
    return [[getattr(e, f) for e in entries] for f in fields]


def _one_by_one(columns):
    try:
        return list(map(PoolEntry, *columns))
    except (TypeError, ValueError) as exc:
        return (type(exc), str(exc))


def _by_columns(columns):
    try:
        return pool_from_columns(*columns)
    except (TypeError, ValueError) as exc:
        return (type(exc), str(exc))


VALID = [PoolEntry("A1", "r1", 875, 3, "public_rental", ("P1", "staff_apartment"), frozenset({"frontline"}), True),
         PoolEntry("A2", "r2", 0, 1, "public_rental", (), frozenset(), False),
         PoolEntry("A3", "r3", TOP, 7, "shared_ownership", ("P1", "P2", "P3", "P4", "P5"), frozenset(), False)]


@pytest.fixture
def fast_path_calls(monkeypatch):
    """How many times pool_from_columns took the column-wise fast path (bulk.build)."""
    calls = []
    real = ranking.build

    def spy(cls, columns):
        calls.append(cls)
        return real(cls, columns)

    monkeypatch.setattr(ranking, "build", spy)
    return calls


def test_valid_columns_take_the_fast_path_and_build_the_same_entries(fast_path_calls):
    built = pool_from_columns(*_columns(VALID))
    assert fast_path_calls == [PoolEntry]
    assert built == VALID
    assert [type(e.preferences) for e in built] == [tuple] * 3
    assert [e.needs_accessible for e in built] == [True, False, False]
    assert pool_from_columns(*_columns([])) == []


@pytest.mark.parametrize("column, value", [
    (2, "875"), (2, True), (2, -1),            # points_tenths
    (3, 1.0), (3, True), (3, 0),               # household_size
    (5, ["P1"]), (5, ("P1", "P1")), (5, ("P1", "P2", "P3", "P4", "P5", "P6")),  # preferences
    (6, {"frontline"}),                        # priority_groups
])
def test_any_column_a_row_would_fail_or_change_goes_row_by_row(fast_path_calls, column, value):
    columns = _columns(VALID)
    columns[column][1] = value
    assert _by_columns(columns) == _one_by_one(columns)
    assert fast_path_calls == []


def test_a_boundary_value_alone_keeps_the_fast_path(fast_path_calls):
    """points 0, household 1 and five preferences pass PoolEntry unchanged: no reason to go slow."""
    entries = [PoolEntry("B1", "s1", 0, 1, "pr", ("P1", "P2", "P3", "P4", "P5"))]
    assert pool_from_columns(*_columns(entries)) == entries
    assert fast_path_calls == [PoolEntry]


_token = st.sampled_from(["P1", "P2", "P3", "P4", "P5", "P6", "staff_apartment"])
_row = st.tuples(
    st.one_of(st.integers(-2, 2000), st.sampled_from([True, 1.5, "9"])),
    st.one_of(st.integers(-1, 8), st.sampled_from([True, 2.0])),
    st.one_of(st.lists(_token, max_size=7).map(tuple), st.lists(_token, max_size=3)),
    st.one_of(st.frozensets(st.sampled_from(["frontline", "hardship"])), st.sets(st.sampled_from(["frontline"]))),
    st.booleans())


@given(st.lists(_row, max_size=6))
def test_columns_build_exactly_what_entries_one_by_one_build(rows):
    columns = [[f"A{i}" for i in range(len(rows))], [f"r{i}" for i in range(len(rows))],
               [r[0] for r in rows], [r[1] for r in rows], ["pr"] * len(rows), [r[2] for r in rows],
               [r[3] for r in rows], [r[4] for r in rows]]
    assert _by_columns(columns) == _one_by_one(columns)


# -- rank ------------------------------------------------------------------------------------------------

def test_duplicates_are_refused_with_the_reason():
    with pytest.raises(ValueError, match=r"^duplicate application_id in pool$"):
        rank([E("A", 1, ref="x"), E("A", 2, ref="y")], SEED)
    with pytest.raises(ValueError, match=r"^duplicate person_ref in pool: one application per person per round$"):
        rank([E("A", 1, ref="x"), E("B", 2, ref="x")], SEED)


def test_points_up_to_the_63_bit_maximum_rank_and_beyond_are_refused():
    pool = [E("A", 1), E("B", TOP), E("C", 256), E("D", 0), E("E", 2**32)]
    assert [e.application_id for e in rank(pool, SEED)] == ["B", "E", "C", "A", "D"]
    with pytest.raises(ValueError, match=r"^points_tenths out of range$"):
        rank([E("A", 1), E("B", TOP + 1)], SEED)
    assert rank([], SEED) == []


@given(st.lists(st.integers(0, TOP), min_size=1, max_size=25, unique=True), st.binary(min_size=16, max_size=32))
def test_points_descending_over_the_whole_range(points, seed):
    """Distinct points in any magnitude (byte order of the key matters beyond one byte)."""
    ranked = rank([E(f"A{i}", p) for i, p in enumerate(points)], seed)
    assert [e.points_tenths for e in ranked] == sorted(points, reverse=True)


def test_equal_points_follow_the_tie_break_key_whatever_their_magnitude():
    for points in (0, 300, 2**40, TOP):
        pool = [E(f"A{i}", points) for i in range(6)]
        ranked = [e.application_id for e in rank(pool, SEED)]
        assert ranked == sorted(ranked, key=lambda a: tie_break_key(SEED, a))
