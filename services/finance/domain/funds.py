"""Fund sources (资金来源) of the housing programme. Money is always integer fen."""

from __future__ import annotations

from enum import StrEnum


class FundSource(StrEnum):
    FINANCE_BUREAU = "finance_bureau"    # 财政
    CENTRAL_SUBSIDY = "central_subsidy"  # 中央专项
    UNION_FUNDS = "union_funds"          # 工会经费
    SOCIAL_CAPITAL = "social_capital"    # 社会资本
    DONATION = "donation"                # 社会捐助


def yuan_text(fen: int) -> str:
    """12345 → '123.45 元' (for messages; never for arithmetic)."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d} 元"
