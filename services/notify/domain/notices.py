"""Public notices (公示/公开): what the public board says about an event. No personal data."""

from __future__ import annotations

_SOURCE_ZH = {
    "finance_bureau": "财政资金",
    "central_subsidy": "中央专项资金",
    "union_funds": "工会经费",
    "social_capital": "社会资本",
    "donation": "社会捐助",
}


def fund_received_notice(source: str, amount_fen: int, received_on: str) -> tuple[str, str]:
    """(title, body) of the fund-flow disclosure (资金流向公开) for one receipt."""
    yuan = f"{amount_fen // 100:,}.{amount_fen % 100:02d}"
    label = _SOURCE_ZH.get(source, source)
    return (f"资金到账公示：{label}", f"{received_on} 收到{label} {yuan} 元，纳入职工安居工程专项管理。")
