"""Relief payment order (oldest first, per resource) and the public report's shape."""

from datetime import date

from services.finance.domain import report
from services.finance.domain.relief import Pending, plan, split

FUNDS = [("1002:donation:relief", 500), ("1002:union_funds:relief", 1_000)]


def test_a_payment_draws_on_the_funds_in_order():
    assert split(300, FUNDS) == (("1002:donation:relief", 300),)
    assert split(1_200, FUNDS) == (("1002:donation:relief", 500), ("1002:union_funds:relief", 700))
    assert split(1_500, FUNDS) == (("1002:donation:relief", 500), ("1002:union_funds:relief", 1_000))
    assert split(1_501, FUNDS) is None
    assert split(100, [("a", 0), ("b", -5), ("c", 100)]) == (("c", 100),)


def test_oldest_first_and_a_short_fund_stops_the_pass():
    decisions = plan([Pending("r1", 2026, 700), Pending("r2", 2026, 900), Pending("r3", 2026, 10)], FUNDS,
                     {2026: 10_000})
    assert [d.paid for d in decisions] == [True, False, False]
    assert decisions[0].draws == (("1002:donation:relief", 500), ("1002:union_funds:relief", 200))
    assert "holds 8.00 元; 9.00 元 needed" in decisions[1].reason
    assert "older reliefs are paid first" in decisions[2].reason  # r3 would fit, but never overtakes r2


def test_a_year_short_of_budget_stops_only_that_year():
    decisions = plan([Pending("a", 2026, 300), Pending("b", 2026, 300), Pending("c", 2027, 300),
                      Pending("d", 2026, 50), Pending("e", 2028, 1)], FUNDS, {2026: 500, 2027: 1_000, 2028: None})
    assert [d.paid for d in decisions] == [True, False, True, False, False]
    assert "2026 relief budget has 2.00 元 left; 3.00 元 needed" in decisions[1].reason
    assert "older reliefs of 2026" in decisions[3].reason
    assert decisions[4].reason == "no relief budget is set for 2028"


def test_the_report_balances_per_fund_and_shows_relief_only_by_category():
    funds = [report.FundFlow("donation", "relief", None, 100, 1_000, 300, 800),
             report.FundFlow("finance_bureau", "project", "P1", 0, 5_000, 2_000, 3_050),
             report.FundFlow("finance_bureau", "general", None, 10, 0, 0, 10)]
    uses = [report.Use("finance_bureau", "project", "P1", 2_000), report.Use("donation", "relief", "dibao", 300)]
    relief = [report.ReliefTotal("dibao", 2, 300, 1, 150)]
    data = report.build("gulou", date(2026, 1, 1), date(2026, 11, 30), funds, uses, relief, {"seq": 9, "hash": "h"})
    assert [s["source"] for s in data["sources"]] == ["finance_bureau", "donation"]
    bureau = data["sources"][0]
    assert [f["earmark"] for f in bureau["funds"]] == ["general", "project"]
    assert bureau["funds"][1]["adjustments_fen"] == 50 and bureau["funds"][1]["closing_yuan"] == "30.50"
    assert bureau["received_fen"] == 5_000 and bureau["closing_fen"] == 3_060
    assert data["totals"]["closing_yuan"] == "38.60" and data["ledger_head"] == {"seq": 9, "hash": "h"}
    assert data["relief"]["by_category"] == [{"category": "dibao", "label": "低保户", "paid_count": 2,
                                              "pending_count": 1, "paid_fen": 300, "paid_yuan": "3.00",
                                              "pending_fen": 150, "pending_yuan": "1.50"}]
    rows = report.csv_rows(data)
    assert rows[0] == report.CSV_HEADER
    assert ("fund", "finance_bureau", "财政资金", "project", "P1", "", "0.00", "50.00", "20.00", "0.50", "30.50",
            "", "", "") in rows
    assert rows[-1][:4] == ("ledger_head", "", "", "9")
    assert all(len(r) == len(report.CSV_HEADER) for r in rows)
