"""违规扣分 tenancy violations, deduction points and the termination threshold.

Deduction points are integer tenths like 积分 (2.5 points → 25). Kinds:
转租 subletting, 闲置 idle, 欠租 rent arrears, 损坏 damage, 安全 safety.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class ViolationKind(StrEnum):
    SUBLETTING = "subletting"      # 转租
    IDLE = "idle"                  # 闲置
    RENT_ARREARS = "rent_arrears"  # 欠租
    DAMAGE = "damage"              # 损坏
    SAFETY = "safety"              # 安全


def _default_points() -> dict[ViolationKind, int]:
    return {
        ViolationKind.SUBLETTING: 120,
        ViolationKind.IDLE: 60,
        ViolationKind.RENT_ARREARS: 40,
        ViolationKind.DAMAGE: 30,
        ViolationKind.SAFETY: 50,
    }


@dataclass(frozen=True)
class ViolationPolicy:
    """Points per kind (tenths), the total that opens termination, and arrears trigger.

    ``arrears_days``: rent overdue this many days or more records one arrears violation
    (e.g. 90 for "three months"; days, so the rule does not depend on month lengths).
    """

    points_tenths: Mapping[ViolationKind, int] = field(default_factory=_default_points)
    termination_threshold_tenths: int = 120
    arrears_days: int = 90

    def __post_init__(self) -> None:
        pts = {ViolationKind(k): v for k, v in dict(self.points_tenths).items()}
        missing = set(ViolationKind) - set(pts)
        if missing:
            raise ValueError(f"no points for {sorted(k.value for k in missing)}")
        if any(type(v) is not int or v <= 0 for v in pts.values()):
            raise ValueError("points per kind must be positive ints (tenths)")
        if self.termination_threshold_tenths <= 0 or self.arrears_days <= 0:
            raise ValueError("threshold and arrears_days must be positive")
        object.__setattr__(self, "points_tenths", pts)

    __hash__ = None  # type: ignore[assignment]


class RecordOutcome(NamedTuple):
    total_tenths: int
    deducted_tenths: int
    crossed: bool           # this violation took the total to or past the threshold
    termination_open: bool  # total is at or past the threshold (crossed now or before)


def record(current_total_tenths: int, kind: ViolationKind, policy: ViolationPolicy) -> RecordOutcome:
    """Add one violation of ``kind`` to a tenancy's running total."""
    if current_total_tenths < 0:
        raise ValueError("current total cannot be negative")
    pts = policy.points_tenths[ViolationKind(kind)]
    new = current_total_tenths + pts
    t = policy.termination_threshold_tenths
    return RecordOutcome(new, pts, current_total_tenths < t <= new, new >= t)


def arrears_violation_due(days_overdue: int, policy: ViolationPolicy) -> bool:
    """Whether a ``rent.overdue`` of this age should be recorded as an arrears violation."""
    return days_overdue >= policy.arrears_days
