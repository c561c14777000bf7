"""Which points the pool keeps (domain/readings.py): the newest statement, whatever the order."""

from datetime import UTC, datetime, timedelta
from itertools import permutations

import pytest

from services.allocation.domain.readings import PointsReading, latest

T = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
APPROVAL = PointsReading(T, False, 1, 100, ())
CHANGE = PointsReading(T + timedelta(seconds=1), True, 1, 200, ("hardship",))
NEWER_POLICY = PointsReading(T + timedelta(hours=1), True, 2, 150, ())


def test_the_newest_statement_wins_in_every_order():
    for order in permutations([APPROVAL, CHANGE, NEWER_POLICY, None]):
        assert latest(*order) is NEWER_POLICY


def test_a_change_at_the_approvals_instant_is_the_later_statement():
    same_instant = PointsReading(T, True, 1, 50, ())
    assert latest(APPROVAL, same_instant) is same_instant
    assert latest(same_instant, APPROVAL) is same_instant


def test_a_tie_of_instant_and_kind_does_not_depend_on_arrival():
    a = PointsReading(T, True, 2, 10, ())
    b = PointsReading(T, True, 1, 90, ())
    c = PointsReading(T, True, 2, 20, ())
    for order in permutations([a, b, c]):
        assert latest(*order) is c  # the higher policy version, then the higher points


def test_an_older_reading_never_replaces_a_newer_one():
    assert latest(CHANGE, APPROVAL) is CHANGE
    assert latest(APPROVAL) is APPROVAL


def test_nothing_known_is_refused():
    with pytest.raises(ValueError, match=r"^no points reading to choose from$"):
        latest(None, None)
