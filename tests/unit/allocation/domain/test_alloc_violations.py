import pytest

from services.allocation.domain.violations import (
    ViolationKind as K,
)
from services.allocation.domain.violations import (
    ViolationPolicy,
    arrears_violation_due,
    record,
)

POLICY = ViolationPolicy(
    points_tenths={K.SUBLETTING: 120, K.IDLE: 60, K.RENT_ARREARS: 40, K.DAMAGE: 25, K.SAFETY: 50},
    termination_threshold_tenths=120, arrears_days=90,
)


def test_totals_and_threshold_crossing():
    r1 = record(0, K.DAMAGE, POLICY)          # 0 + 2.5 = 2.5
    assert r1 == (25, 25, False, False)
    r2 = record(r1.total_tenths, K.IDLE, POLICY)   # 2.5 + 6.0 = 8.5
    assert r2 == (85, 60, False, False)
    r3 = record(r2.total_tenths, K.RENT_ARREARS, POLICY)  # 8.5 + 4.0 = 12.5 ≥ 12.0 → crossed
    assert r3 == (125, 40, True, True)
    r4 = record(r3.total_tenths, K.DAMAGE, POLICY)  # already past: open, but not newly crossed
    assert r4 == (150, 25, False, True)


def test_subletting_alone_reaches_threshold_exactly():
    assert record(0, K.SUBLETTING, POLICY).crossed  # 12.0 == threshold counts


def test_arrears_threshold_in_days():
    assert not arrears_violation_due(89, POLICY)
    assert arrears_violation_due(90, POLICY)


def test_policy_must_price_every_kind():
    with pytest.raises(ValueError, match="safety"):
        ViolationPolicy(points_tenths={K.SUBLETTING: 1, K.IDLE: 1, K.RENT_ARREARS: 1, K.DAMAGE: 1})
    with pytest.raises(ValueError):
        record(-1, K.IDLE, POLICY)
