"""Hardship households (困难职工家庭) and their categories."""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class HardshipCategory(StrEnum):
    """The categories the 2012 ACFTU notice names as priorities for relocation relief."""

    SANWU = "sanwu"                    # 三无户: no income, no work capacity, no supporter
    YOUFU = "youfu"                    # 优抚户: entitled groups (veterans' families...)
    KUNNAN_LAOMO = "kunnan_laomo"      # 困难劳模: model workers in hardship
    DIBAO = "dibao"                    # 低保户: minimum living allowance
    DIBAO_BIANYUAN = "dibao_bianyuan"  # 低保边缘户: just above the allowance line
    TEMPORARY = "temporary"            # 临时困难: illness, schooling, disaster


# Why a household leaves the registry (销档).
CLOSE_REASONS = ("recovered", "moved_away", "deceased", "ineligible", "other")


# -- yearly re-verification (年度复核) ------------------------------------------------------------

class RegistryRuleError(Exception):
    """A registry rule refused the request; ``field`` names the input it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _years_later(on: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a year without one."""
    try:
        return on.replace(year=on.year + years)
    except ValueError:
        return on.replace(year=on.year + years, day=28)


def next_review(on: date) -> date:
    """A household is re-verified yearly: the same day a year later (29 February → 28 February)."""
    return _years_later(on, 1)


def check_next_review(on: date, next_review_on: date) -> None:
    """The next review is after today and at most two years away (a household is never left
    unreviewed longer)."""
    if next_review_on <= on:
        raise RegistryRuleError(f"the next review must be after today ({on.isoformat()})", "next_review_on")
    if next_review_on > _years_later(on, 2):
        raise RegistryRuleError("the next review must be within two years", "next_review_on")


# -- moving in (回迁入住): offered or allocated a unit but not moved in --------------------------------

class HousingStage(StrEnum):
    OFFERED = "offered"      # allocation.offered
    ACCEPTED = "accepted"    # allocation.accepted
    MOVED_IN = "moved_in"    # tenancy.started


_RANK = {HousingStage.OFFERED: 1, HousingStage.ACCEPTED: 2, HousingStage.MOVED_IN: 3}


def advances(current: str | None, new: str) -> bool:
    """Does `new` move a household on? Stages only go forward (offered → accepted → moved in), so
    a late or redelivered event never moves one back; a new offer while offered does (another
    unit); nothing moves a household that has moved in."""
    if current is None:
        return True
    if current == HousingStage.MOVED_IN:
        return False
    return _RANK[HousingStage(new)] >= _RANK[HousingStage(current)]
