"""资金流向公开 the public fund-flow report in full (issue 20), beyond
domain/test_fin_relief_report.py: funds ordered general → projects by id → relief, uses ordered
by kind then key, relief by category, unknown categories shown by their code, adjustments worked
out per fund and per source (closing − opening − received + disbursed), a source with uses but
no fund still listed, the genesis head when the ledger is empty, the fixed header fields; the CSV
in full with plain decimals (no thousands separator). Every figure below was added up by hand.

Equivalent mutants (scripts/mutate.py excludes them from the score):
- x_csv_rows__mutmut_1: ``"" if (fen is None) and False`` — csv_rows' ``plain`` is only ever given
  the amounts ``build`` writes, which are all integers, so its None branch is never taken.
- x_build__mutmut_21: ``f.project_id or "XXXX"`` for ``or ""`` in the funds' sort key: only general
  and relief funds have no project id, a source has one of each, and they are told apart by the
  earmark already; project funds always have their id.
- x_csv_rows__mutmut_3: ``"XXXX"`` for ``""`` in that same None branch, never taken.
"""
from datetime import date

from services.finance.domain import report as r

FUNDS = [r.FundFlow("donation", "relief", None, 100, 100_000_000, 300, 99_999_800),
         r.FundFlow("donation", "project", "P2", 0, 50, 0, 50),
         r.FundFlow("donation", "project", "P1", 0, 0, 0, 1),
         r.FundFlow("donation", "general", None, 5, 0, 0, 5)]
USES = [r.Use("donation", "relief", "zz", 7), r.Use("donation", "project", "P9", 3),
        r.Use("donation", "relief", "dibao", 300), r.Use("union_funds", "project", "P3", 4)]
RELIEF = [r.ReliefTotal("zz", 1, 1, 0, 0), r.ReliefTotal("dibao", 2, 300, 1, 150)]


def build():
    return r.build("d", date(2026, 1, 1), date(2026, 2, 1), FUNDS, USES, RELIEF, None)


def test_the_report_in_order_with_its_sums():
    d = build()
    assert (d["title"], d["district"], d["period"], d["currency"]) == (
        "资金流向公开 fund-flow report", "d", {"from": "2026-01-01", "to": "2026-02-01"}, "CNY")
    assert d["ledger_head"] == {"seq": 0, "hash": "0" * 64}
    # FundSource's order (union_funds before donation); a source with uses but no fund is kept
    assert [s["source"] for s in d["sources"]] == ["union_funds", "donation"]
    union, donation = d["sources"]
    assert union["label"] == "工会经费" and union["funds"] == [] and union["closing_fen"] == 0
    assert union["uses"] == [{"use": "project", "project_id": "P3", "label": "项目 P3", "disbursed_fen": 4,
                              "disbursed_yuan": "0.04"}]
    assert [(f["earmark"], f["project_id"], f["label"]) for f in donation["funds"]] == [
        ("general", None, "统筹使用"), ("project", "P1", "项目 P1"), ("project", "P2", "项目 P2"),
        ("relief", None, "帮扶救助")]
    assert [f["adjustments_fen"] for f in donation["funds"]] == [0, 1, 0, 0]
    assert [(u["use"], u.get("project_id"), u.get("category"), u["label"]) for u in donation["uses"]] == [
        ("project", "P9", None, "项目 P9"), ("relief", None, "dibao", "帮扶救助—低保户"),
        ("relief", None, "zz", "帮扶救助—zz")]
    # 5 + 0 + 0 + 100; 0 + 0 + 50 + 100000000; 300; adjustments 1; closing 5 + 1 + 50 + 99999800
    assert {k: donation[k] for k in r.AMOUNTS} == {"opening_fen": 105, "received_fen": 100_000_050,
                                                   "disbursed_fen": 300, "adjustments_fen": 1,
                                                   "closing_fen": 99_999_856}
    assert donation["closing_yuan"] == "999,998.56" and d["totals"]["closing_fen"] == 99_999_856
    assert d["relief"]["by_category"][1] == {"category": "zz", "label": "zz", "paid_count": 1, "pending_count": 0,
                                             "paid_fen": 1, "paid_yuan": "0.01", "pending_fen": 0,
                                             "pending_yuan": "0.00"}
    assert d["relief"]["totals"] == {"paid_count": 3, "pending_count": 1, "paid_fen": 301, "paid_yuan": "3.01",
                                     "pending_fen": 150, "pending_yuan": "1.50"}


def test_a_head_given_is_copied():
    d = r.build("d", date(2026, 1, 1), date(2026, 1, 1), [], [], [], {"seq": 3, "hash": "h"})
    assert d["ledger_head"] == {"seq": 3, "hash": "h"} and d["sources"] == []
    assert d["totals"]["closing_fen"] == 0 and d["relief"]["by_category"] == []


def test_the_csv_in_full():
    assert r.csv_rows(build()) == [
        ("section", "source", "source_label", "fund_or_use", "project_id", "category", "opening_yuan",
         "received_yuan", "disbursed_yuan", "adjustments_yuan", "closing_yuan", "paid_count", "pending_count",
         "pending_yuan"),
        ("use", "union_funds", "工会经费", "project", "P3", "", "", "", "0.04", "", "", "", "", ""),
        ("source_total", "union_funds", "工会经费", "", "", "", "0.00", "0.00", "0.00", "0.00", "0.00", "", "", ""),
        ("fund", "donation", "社会捐助", "general", "", "", "0.05", "0.00", "0.00", "0.00", "0.05", "", "", ""),
        ("fund", "donation", "社会捐助", "project", "P1", "", "0.00", "0.00", "0.00", "0.01", "0.01", "", "", ""),
        ("fund", "donation", "社会捐助", "project", "P2", "", "0.00", "0.50", "0.00", "0.00", "0.50", "", "", ""),
        ("fund", "donation", "社会捐助", "relief", "", "", "1.00", "1000000.00", "3.00", "0.00", "999998.00",
         "", "", ""),
        ("use", "donation", "社会捐助", "project", "P9", "", "", "", "0.03", "", "", "", "", ""),
        ("use", "donation", "社会捐助", "relief", "", "dibao", "", "", "3.00", "", "", "", "", ""),
        ("use", "donation", "社会捐助", "relief", "", "zz", "", "", "0.07", "", "", "", "", ""),
        ("source_total", "donation", "社会捐助", "", "", "", "1.05", "1000000.50", "3.00", "0.01", "999998.56",
         "", "", ""),
        ("total", "", "", "", "", "", "1.05", "1000000.50", "3.00", "0.01", "999998.56", "", "", ""),
        ("relief", "", "", "relief", "", "dibao", "", "", "3.00", "", "", "2", "1", "1.50"),
        ("relief", "", "", "relief", "", "zz", "", "", "0.01", "", "", "1", "0", "0.00"),
        ("ledger_head", "", "", "0", "", "0" * 64, "", "", "", "", "", "", "", ""),
    ]
