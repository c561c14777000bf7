"""bulk: the rules `make mutate` showed no test stated (issue 20).

``all_of_type`` answers exactly "every value is of exactly this type" (the callers' fast path
depends on it; through them a wrong answer only slows them down, so it is stated directly);
``build`` refuses mismatched columns with a message naming the class, and builds nothing for
no rows, also for a class without fields.

Equivalent mutants (scripts/mutate.py excludes them from the score):

- x_build__mutmut_24: ``zip(..., strict=None)``: the lengths of names and columns were
  compared just before (a mismatch raised), so strict never has anything to catch.
- x_build__mutmut_27: ``zip`` without ``strict``: the same, for the same reason.
- x_build__mutmut_28: ``strict=False``: the same, for the same reason.
- x_build__mutmut_30: ``deque(..., maxlen=None)`` keeps the setters' ``None`` results instead
  of dropping them: every slot is set all the same; only memory differs, for a moment.
- x_build__mutmut_32: ``deque(...)`` without maxlen: the same as maxlen=None.
- x_build__mutmut_43: ``maxlen=1`` keeps one ``None``: every slot is set all the same.
"""
from dataclasses import dataclass

import pytest

from services.allocation.domain.bulk import all_of_type, build


@dataclass(frozen=True, slots=True)
class Pair:
    a: int
    b: str


@dataclass(frozen=True, slots=True)
class Nothing:
    pass


@pytest.mark.parametrize("column, kind, expected", [
    ([], int, True), ((), tuple, True), ([1, 2, 3], int, True), ([(1,), ()], tuple, True),
    ([1, True], int, False), ([True], int, False), ([1, 2.0], int, False), (["a"], int, False),
])
def test_all_of_type(column, kind, expected):
    assert all_of_type(column, kind) is expected


def test_build_fills_every_slot():
    got = build(Pair, [[1, 2], ["x", "y"]])
    assert got == [Pair(1, "x"), Pair(2, "y")]
    assert build(Pair, [[], []]) == []


def test_build_refuses_mismatched_columns_naming_the_class():
    with pytest.raises(ValueError) as e:
        build(Pair, [[1]])
    assert str(e.value) == "Pair: 1 columns for 2 fields"
    with pytest.raises(ValueError) as e:
        build(Pair, [[1, 2], ["x"]])
    assert str(e.value) == "Pair: columns of different lengths"


def test_no_columns_no_rows_for_a_class_without_fields():
    assert build(Nothing, []) == []
    assert build(Nothing, ()) == []
