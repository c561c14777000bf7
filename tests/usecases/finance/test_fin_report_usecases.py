"""The public fund-flow report from the ledger: exact yuan, every fund balanced, relief only as
totals by category, no personal data; and the finance entrypoints through worker_factory."""

import csv
import io
import json
from datetime import date

import pytest
from finance_books import LI, NOW, TODAY, WANG
from nameko.testing.services import worker_factory

from services.common.auth import Principal
from services.common.clock import FixedClock
from services.common.errors import BadRequest
from services.common.http import ApiRequest
from services.finance import funds, ledger, reliefs, reports
from services.finance.domain.ledger import credit, debit
from services.finance.domain.relief import DEFAULT_SOURCE_ORDER
from services.finance.service import FinanceService


def _year(books):
    books.receipt(1_000_000_00, "central_subsidy", project="P1", on=date(2026, 3, 1))
    books.receipt(50_000_05, "union_funds", on=date(2026, 3, 2))
    books.receipt(20_000_00, "donation", relief=True, on=date(2026, 3, 3))
    books.budget("P1", 2_000_000_00)
    books.budget("P2", 2_000_000_00)
    r = books.request(300_000_00, "central_subsidy", earmark="P1")
    books.run(funds.approve_disbursement, r.id, LI)
    r2 = books.request(12_345_67, "union_funds", project="P2")
    books.run(funds.approve_disbursement, r2.id, LI)
    books.request(1_000_00, "union_funds", project="P2")  # held, not disbursed
    books.run(reliefs.set_relief_budget, 2026, 10_000_00, WANG)
    books.relief("R1", 3_000_00, category="dibao")
    books.relief("R2", 2_000_00, category="dibao")
    books.relief("R3", 6_000_00, category="sanwu")  # over the budget left: pending
    books.run(ledger.manual_entry, lines=[debit("1001", 1_00), credit("1002:union_funds", 1_00)], memo="零用金",
              recorded_by=WANG)


def test_the_report_balances_every_fund_exactly(books):
    _year(books)
    with books.read() as s:
        data = reports.fund_flow_report(s, "demo", date(2026, 1, 1), TODAY)
    by_source = {x["source"]: x for x in data["sources"]}
    central = by_source["central_subsidy"]
    assert (central["received_yuan"], central["disbursed_yuan"], central["closing_yuan"]) == (
        "1,000,000.00", "300,000.00", "700,000.00")
    assert central["uses"] == [{"use": "project", "project_id": "P1", "label": "项目 P1", "disbursed_fen": 300_000_00,
                                "disbursed_yuan": "300,000.00"}]
    union = by_source["union_funds"]["funds"][0]
    # 50,000.05 received − 12,345.67 paid to P2 − 1.00 moved to petty cash (an adjustment) = 37,653.38,
    # of which 1,000.00 is held for a pending request (still the fund's money)
    assert (union["received_yuan"], union["disbursed_yuan"], union["adjustments_yuan"], union["closing_yuan"]) == (
        "50,000.05", "12,345.67", "-1.00", "37,653.38")
    donation = by_source["donation"]
    assert donation["funds"][0]["earmark"] == "relief" and donation["closing_yuan"] == "15,000.00"
    assert [(u["category"], u["disbursed_yuan"]) for u in donation["uses"]] == [("dibao", "5,000.00")]
    assert data["relief"]["by_category"] == [
        {"category": "dibao", "label": "低保户", "paid_count": 2, "pending_count": 0, "paid_fen": 5_000_00,
         "paid_yuan": "5,000.00", "pending_fen": 0, "pending_yuan": "0.00"},
        {"category": "sanwu", "label": "三无户", "paid_count": 0, "pending_count": 1, "paid_fen": 0,
         "paid_yuan": "0.00", "pending_fen": 6_000_00, "pending_yuan": "6,000.00"}]
    for source in data["sources"]:
        for f in source["funds"]:
            assert f["opening_fen"] + f["received_fen"] - f["disbursed_fen"] + f["adjustments_fen"] == f["closing_fen"]
    assert data["totals"]["closing_fen"] == sum(s["closing_fen"] for s in data["sources"])
    text = json.dumps(data, ensure_ascii=False)
    for private in ("pref-R", "H-R", "R1", "wang", "工程款", "零用金"):
        assert private not in text  # no person, household, relief id, officer or memo
    with books.read() as s:
        assert data["ledger_head"] == ledger.repository.chain_head(s, "demo")


def test_a_period_shows_its_opening_balance_and_the_csv_matches(books):
    _year(books)
    with books.read() as s:
        later = reports.fund_flow_report(s, "demo", date(2026, 3, 2), TODAY)
    central = next(x for x in later["sources"] if x["source"] == "central_subsidy")
    assert central["opening_yuan"] == "1,000,000.00" and central["received_fen"] == 0
    rows = list(csv.reader(io.StringIO(reports.as_csv(later))))
    assert rows[0][0] == "section" and ["fund", "central_subsidy", "中央专项补助", "project", "P1", "",
                                        "1000000.00", "0.00", "300000.00", "0.00", "700000.00", "", "", ""] in rows


def _req(body=None, query=None, path=None, role="finance_officer", subject="wang"):
    principal = Principal(subject=subject, role=role, district="demo") if role else None
    return ApiRequest(body=body, query=query or {}, path=path or {}, principal=principal, request_id="rq-1")


def _service(books):
    return worker_factory(FinanceService, db=books.store.worker_db(), clock=FixedClock(NOW),
                          config={"DISTRICT": "demo", "RELIEF_SOURCE_ORDER": ",".join(DEFAULT_SOURCE_ORDER)})


def test_the_entrypoints_pass_the_clock_the_caller_and_the_request_id(books):
    svc = _service(books)
    reply = svc.record_receipt(_req({"source": "donation", "amount_fen": 9_000, "reference": "V-1",
                                     "received_on": TODAY, "earmark_project_id": None, "for_relief": False,
                                     "posted_on": None, "memo": ""}))
    assert reply["earmark"] == "general"
    body = {"lines": [{"account": "1001", "side": "debit", "amount_fen": 100},
                      {"account": "1002:donation", "side": "credit", "amount_fen": 100}],
            "memo": "备用金", "posted_on": None, "idempotency_id": "adj-1"}
    status, entry = svc.post_journal_entry(_req(body))
    assert status == 201 and entry["recorded_by"] == "finance_officer:wang" and entry["cause"]["request_id"] == "rq-1"
    status, again = svc.post_journal_entry(_req(body))
    assert status == 200 and again["replayed"] and again["entry_id"] == entry["entry_id"]
    listing = svc.list_journal_entries(_req(query={"cause_type": None, "cause_id": None, "event_id": None,
                                                   "request_id": "rq-1", "kind": None, "account": None,
                                                   "posted_from": None, "posted_to": None, "page": 1,
                                                   "page_size": 10}))
    assert listing["total"] == 2 and listing["entries"][1]["lines"][0] == {"line_no": 1, "account": "1001",
                                                                           "side": "debit", "amount_fen": 100}
    assert svc.verify_ledger(_req(role="auditor"))["status"] == "OK"
    assert svc.trial_balance(_req(query={"as_of": None}))["balanced"]


def test_the_public_report_entrypoints_and_the_rpc(books):
    _year(books)
    svc = _service(books)
    data = svc.public_fund_flows(_req(query={"date_from": None, "date_to": None}, role=None))
    assert data["period"] == {"from": "2026-01-01", "to": "2026-12-01"}
    assert svc.fund_flow_report("2026-01-01", "2026-12-01") == data
    response = svc.public_fund_flows_csv(_req(query={"date_from": date(2026, 3, 1), "date_to": None}, role=None))
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.get_data(as_text=True).startswith("\ufeffsection,source")
    with pytest.raises(BadRequest):
        svc.public_fund_flows(_req(query={"date_from": date(2026, 5, 1), "date_to": date(2026, 4, 1)}, role=None))


def test_notify_renders_the_report_as_the_board_s_lines(books):
    from services.notify.domain.notices import fund_flow_lines

    _year(books)
    with books.read() as s:
        lines = fund_flow_lines(reports.fund_flow_report(s, "demo", date(2026, 1, 1), TODAY))
    assert lines[0] == "2026-01-01 至 2026-12-01 资金流向公开（单位：元）"
    assert "中央专项补助：期初 0.00，收到 1,000,000.00，支出 300,000.00，期末结余 700,000.00" in lines
    assert "  用于项目 P2：12,345.67" in lines
    assert "帮扶救助—三无户：已发放 0 户 0.00，待发放 1 户 6,000.00" in lines
    assert lines[-1].startswith("账本第 ") and "pref-" not in "".join(lines)
