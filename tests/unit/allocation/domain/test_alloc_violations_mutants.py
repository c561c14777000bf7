"""违规扣分 violations: the rules `make mutate` showed no test stated (issue 20).

The default points of each kind (what a district gets without a policy of its own), each policy
refusal in words at its edge (a kind without points, zero or non-int points, a zero threshold
or zero arrears days), kinds given as text, and the threshold crossing as a property: crossed
exactly when the total goes from below the threshold to at or above it.

Equivalent mutants (scripts/mutate.py excludes them from the score): none.
"""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.allocation.domain.violations import ViolationKind as K
from services.allocation.domain.violations import ViolationPolicy, arrears_violation_due, record

ONE_EACH = {k: 1 for k in K}


def test_the_default_policy_by_kind():
    policy = ViolationPolicy()
    assert policy.points_tenths == {K.SUBLETTING: 120, K.IDLE: 60, K.RENT_ARREARS: 40, K.DAMAGE: 30, K.SAFETY: 50}
    assert (policy.termination_threshold_tenths, policy.arrears_days) == (120, 90)
    assert ViolationPolicy().points_tenths is not policy.points_tenths  # each policy its own mapping


def test_kinds_may_be_given_as_text_and_are_kept_as_kinds():
    policy = ViolationPolicy(points_tenths={k.value: 10 for k in K})
    assert set(policy.points_tenths) == set(K) and all(type(k) is K for k in policy.points_tenths)
    assert type(policy.points_tenths) is dict
    assert record(0, "idle", policy) == (10, 10, False, False)
    with pytest.raises(ValueError):
        ViolationPolicy(points_tenths={**ONE_EACH, "parking": 1})


def test_missing_kinds_are_named_sorted():
    with pytest.raises(ValueError, match=r"^no points for \['damage', 'safety'\]$"):
        ViolationPolicy(points_tenths={K.SUBLETTING: 1, K.IDLE: 1, K.RENT_ARREARS: 1})


@pytest.mark.parametrize("bad", [0, -1, 1.0, True, "5"])
def test_points_must_be_positive_ints(bad):
    with pytest.raises(ValueError, match=r"^points per kind must be positive ints \(tenths\)$"):
        ViolationPolicy(points_tenths={**ONE_EACH, K.DAMAGE: bad})


@pytest.mark.parametrize("over", [dict(termination_threshold_tenths=0), dict(arrears_days=0),
                                  dict(termination_threshold_tenths=-5), dict(arrears_days=-1)])
def test_threshold_and_arrears_days_must_be_positive(over):
    with pytest.raises(ValueError, match=r"^threshold and arrears_days must be positive$"):
        ViolationPolicy(points_tenths=ONE_EACH, **over)


def test_the_least_valid_policy():
    policy = ViolationPolicy(points_tenths=ONE_EACH, termination_threshold_tenths=1, arrears_days=1)
    assert record(0, K.SAFETY, policy) == (1, 1, True, True)
    assert arrears_violation_due(1, policy) and not arrears_violation_due(0, policy)


def test_a_policy_is_not_hashable():
    with pytest.raises(TypeError):
        hash(ViolationPolicy())


def test_a_negative_total_is_refused_in_words_and_zero_is_fine():
    with pytest.raises(ValueError, match=r"^current total cannot be negative$"):
        record(-1, K.IDLE, ViolationPolicy())
    assert record(0, K.IDLE, ViolationPolicy()) == (60, 60, False, False)


@given(st.integers(0, 500), st.sampled_from(list(K)), st.integers(1, 300))
def test_crossing_is_from_below_to_at_or_above(total, kind, threshold):
    policy = ViolationPolicy(termination_threshold_tenths=threshold)
    out = record(total, kind, policy)
    pts = ViolationPolicy().points_tenths[kind]
    assert out == (total + pts, pts, total < threshold <= total + pts, total + pts >= threshold)


@given(st.integers(-5, 400), st.integers(1, 365))
def test_arrears_due_from_the_day_count_on(days, limit):
    assert arrears_violation_due(days, ViolationPolicy(arrears_days=limit)) is (days >= limit)
