"""Hardship households (困难职工家庭) and their categories."""

from __future__ import annotations

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
