"""公示 public notices' text checked by hand (issue 20): the fund receipt's yuan at the carries
(fen below 10, below 100, thousands), every source's label and an unknown one by its own name;
the fund-flow lines in full for a report with two sources, their uses and relief categories.

Equivalent mutants (scripts/mutate.py excludes them from the score): none.
"""
import pytest

from services.notify.domain.notices import fund_flow_lines, fund_received_notice


@pytest.mark.parametrize("fen,yuan", [(0, "0.00"), (5, "0.05"), (99, "0.99"), (100, "1.00"), (1_001, "10.01"),
                                      (123_456_789, "1,234,567.89")])
def test_the_receipt_in_yuan(fen, yuan):
    title, body = fund_received_notice("donation", fen, "2026-11-30")
    assert title == "资金到账公示：社会捐助"
    assert body == f"2026-11-30 收到社会捐助 {yuan} 元，纳入职工安居工程专项管理。"


@pytest.mark.parametrize("source,label", [("finance_bureau", "财政资金"), ("central_subsidy", "中央专项资金"),
                                          ("union_funds", "工会经费"), ("social_capital", "社会资本"),
                                          ("donation", "社会捐助"), ("lottery_fund", "lottery_fund")])
def test_every_source_by_its_label(source, label):
    assert fund_received_notice(source, 100, "2026-01-01")[0] == f"资金到账公示：{label}"


def test_the_fund_flow_lines_in_full():
    def src(label, uses):
        return {"label": label, "opening_yuan": "1.00", "received_yuan": "2.00", "disbursed_yuan": "0.50",
                "closing_yuan": "2.50", "uses": uses}

    report = {
        "period": {"from": "2026-01-01", "to": "2026-06-30"},
        "sources": [src("财政资金", [{"label": "项目 P1", "disbursed_yuan": "0.30"},
                                     {"label": "帮扶救助—低保户", "disbursed_yuan": "0.20"}]),
                    src("社会捐助", [])],
        "relief": {"by_category": [{"label": "低保户", "paid_count": 2, "paid_yuan": "0.20", "pending_count": 1,
                                    "pending_yuan": "9.00"}]},
        "ledger_head": {"seq": 42, "hash": "ab" * 32},
    }
    assert fund_flow_lines(report) == [
        "2026-01-01 至 2026-06-30 资金流向公开（单位：元）",
        "财政资金：期初 1.00，收到 2.00，支出 0.50，期末结余 2.50",
        "  用于项目 P1：0.30",
        "  用于帮扶救助—低保户：0.20",
        "社会捐助：期初 1.00，收到 2.00，支出 0.50，期末结余 2.50",
        "帮扶救助—低保户：已发放 2 户 0.20，待发放 1 户 9.00",
        f"账本第 42 笔记录的哈希：{'ab' * 32}",
    ]
