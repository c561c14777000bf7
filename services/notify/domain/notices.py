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


def fund_flow_lines(report: dict) -> list[str]:
    """The public fund-flow report (资金流向公开) as the board's lines of text: per source, then
    the relief totals by category. The yuan texts are finance's own (exact)."""
    period = report["period"]
    lines = [f"{period['from']} 至 {period['to']} 资金流向公开（单位：元）"]
    for s in report["sources"]:
        lines.append(f"{s['label']}：期初 {s['opening_yuan']}，收到 {s['received_yuan']}，支出 {s['disbursed_yuan']}，"
                     f"期末结余 {s['closing_yuan']}")
        lines.extend(f"  用于{u['label']}：{u['disbursed_yuan']}" for u in s["uses"])
    for r in report["relief"]["by_category"]:
        lines.append(f"帮扶救助—{r['label']}：已发放 {r['paid_count']} 户 {r['paid_yuan']}，"
                     f"待发放 {r['pending_count']} 户 {r['pending_yuan']}")
    head = report["ledger_head"]
    lines.append(f"账本第 {head['seq']} 笔记录的哈希：{head['hash']}")
    return lines
