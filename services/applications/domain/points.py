"""Points (积分) from a versioned :class:`PointsPolicy`, with a full per-rule breakdown.

All amounts are integers in tenths of a point (``875`` = 87.5 points); ``Decimal`` is
produced only for display via :func:`tenths_to_decimal`. Integer tenths make the total
an exact sum of the lines, which the public notice can then be checked against.

:func:`compute` builds the explainable breakdown; :func:`total_tenths` and
:func:`recompute_totals` are the lean path for re-ranking a whole pool after a policy
change, and must always agree with ``compute(...).total_tenths`` (tested).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .policy import HardshipCategory, HonourLevel, PointsPolicy, tenths_to_decimal


class PointsRule(StrEnum):
    SERVICE_YEARS = "service_years"  # 工龄
    HOUSEHOLD_SIZE = "household_size"  # 家庭人口
    HARDSHIP = "hardship"  # 困难类别
    HONOUR = "honour"  # 劳模荣誉
    FRONTLINE = "frontline"  # 一线职工
    WAITING = "waiting"  # 轮候时间


@dataclass(frozen=True, slots=True)
class PointsInput:
    """积分依据. ``years_of_service`` is whole completed years (see
    ``eligibility.completed_years``); ``months_waiting`` is whole months since submission."""

    years_of_service: int
    household_size: int
    hardship_category: HardshipCategory | None = None
    honour: HonourLevel | None = None
    frontline: bool = False
    months_waiting: int = 0

    def __post_init__(self) -> None:
        minimums = (("years_of_service", 0), ("household_size", 1), ("months_waiting", 0))
        for name, minimum in minimums:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
                raise ValueError(f"{name}: must be an integer >= {minimum}, got {v!r}")
        hardship = self.hardship_category
        if hardship is not None and not isinstance(hardship, HardshipCategory):
            raise ValueError(f"hardship_category: unknown {self.hardship_category!r}")
        if self.honour is not None and not isinstance(self.honour, HonourLevel):
            raise ValueError(f"honour: unknown {self.honour!r}")
        if not isinstance(self.frontline, bool):
            raise ValueError("frontline: must be a bool")


@dataclass(frozen=True, slots=True)
class PointsLine:
    """One rule's contribution. ``uncapped_tenths`` is what the rule would give without
    its cap; ``capped`` says the cap bit, so an applicant can see points were withheld."""

    rule: PointsRule
    input: int | bool | str | None
    points_tenths: int
    uncapped_tenths: int
    cap_tenths: int | None

    @property
    def capped(self) -> bool:
        return self.points_tenths < self.uncapped_tenths

    @property
    def points(self) -> Decimal:
        return tenths_to_decimal(self.points_tenths)

    def to_dict(self) -> dict:
        return {"rule": self.rule.value, "input": self.input, "points": str(self.points),
                "uncapped": str(tenths_to_decimal(self.uncapped_tenths)),
                "cap": None if self.cap_tenths is None else str(tenths_to_decimal(self.cap_tenths)),
                "capped": self.capped}


@dataclass(frozen=True, slots=True)
class PointsBreakdown:
    """积分明细: all six lines (zero lines included) and their exact sum."""

    policy_version: int
    lines: tuple[PointsLine, ...]
    total_tenths: int

    @property
    def total(self) -> Decimal:
        return tenths_to_decimal(self.total_tenths)

    def to_dict(self) -> dict:
        return {"policy_version": self.policy_version, "total": str(self.total),
                "lines": [ln.to_dict() for ln in self.lines]}


def completed_months(start: date, on: date) -> int:
    """Whole months from ``start`` to ``on`` (轮候月数): the same day of a later month counts
    as a completed month; a start on the 31st completes on the last day of a shorter month.
    ``on`` before ``start`` gives 0 (nothing to wait for yet)."""
    if on <= start:
        return 0
    months = (on.year - start.year) * 12 + (on.month - start.month)
    if on.day < start.day:
        # e.g. 31 Jan -> 28 Feb completes a month only when 28 Feb is the month's last day
        next_day = date.fromordinal(on.toordinal() + 1)
        if next_day.month == on.month:
            months -= 1
    return months


def compute(inp: PointsInput, policy: PointsPolicy) -> PointsBreakdown:
    """积分计算 with a line per rule."""
    p = policy
    service = inp.years_of_service * p.per_service_year_tenths
    household = inp.household_size * p.per_household_member_tenths
    waiting = inp.months_waiting * p.per_waiting_month_tenths
    hardship = p.hardship_tenths[inp.hardship_category] if inp.hardship_category is not None else 0
    honour = p.honour_tenths[inp.honour] if inp.honour is not None else 0
    frontline = p.frontline_tenths if inp.frontline else 0
    hardship_code = inp.hardship_category.value if inp.hardship_category is not None else None
    honour_code = inp.honour.value if inp.honour is not None else None
    lines = (
        PointsLine(PointsRule.SERVICE_YEARS, inp.years_of_service,
                   min(service, p.service_cap_tenths), service, p.service_cap_tenths),
        PointsLine(PointsRule.HOUSEHOLD_SIZE, inp.household_size,
                   min(household, p.household_cap_tenths), household, p.household_cap_tenths),
        PointsLine(PointsRule.HARDSHIP, hardship_code, hardship, hardship, None),
        PointsLine(PointsRule.HONOUR, honour_code, honour, honour, None),
        PointsLine(PointsRule.FRONTLINE, inp.frontline, frontline, frontline, None),
        PointsLine(PointsRule.WAITING, inp.months_waiting,
                   min(waiting, p.waiting_cap_tenths), waiting, p.waiting_cap_tenths),
    )
    return PointsBreakdown(p.version, lines, sum(ln.points_tenths for ln in lines))


def total_tenths(inp: PointsInput, policy: PointsPolicy) -> int:
    """Total only, no breakdown objects: the fast path for bulk re-ranking."""
    p = policy
    return (min(inp.years_of_service * p.per_service_year_tenths, p.service_cap_tenths)
            + min(inp.household_size * p.per_household_member_tenths, p.household_cap_tenths)
            + (p.hardship_tenths[inp.hardship_category] if inp.hardship_category is not None else 0)
            + (p.honour_tenths[inp.honour] if inp.honour is not None else 0)
            + (p.frontline_tenths if inp.frontline else 0)
            + min(inp.months_waiting * p.per_waiting_month_tenths, p.waiting_cap_tenths))


def recompute_totals(inputs: Iterable[PointsInput], policy: PointsPolicy) -> list[int]:
    """Totals (tenths) for many inputs under one policy, in input order."""
    # Hoisting attribute lookups out of the loop roughly halves the per-item cost.
    ys, yc = policy.per_service_year_tenths, policy.service_cap_tenths
    hs, hc = policy.per_household_member_tenths, policy.household_cap_tenths
    ws, wc = policy.per_waiting_month_tenths, policy.waiting_cap_tenths
    hard = dict(policy.hardship_tenths)
    hard[None] = 0
    hon = dict(policy.honour_tenths)
    hon[None] = 0
    front = policy.frontline_tenths
    return [
        min(i.years_of_service * ys, yc) + min(i.household_size * hs, hc)
        + hard[i.hardship_category] + hon[i.honour] + (front if i.frontline else 0)
        + min(i.months_waiting * ws, wc)
        for i in inputs
    ]
