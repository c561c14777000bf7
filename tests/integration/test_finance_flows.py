"""finance on the real broker, SQLite and PostgreSQL: relief.approved → relief.paid exactly once
under redelivery; a pending relief paid when money arrives; receipts and an approved
disbursement on the bus; bad input refused naming the field; the public fund-flow report (and
notify's page of it over RPC); the export checked by `anju verify-ledger`."""

import json

import pytest
import requests
from finance_helpers import eventually, publish, relief_envelope, start_finance, today

from services.cli import main as anju
from services.notify.service import NotifyService


def _relief(finance, relief_id):
    resp = finance.get(f"/relief-payments/{relief_id}")
    return resp.json() if resp.status_code == 200 else None


def test_a_redelivered_relief_approval_is_paid_once(database, service_config, running_service, dev_token,
                                                    event_tap, rabbit):
    paid = event_tap("finance", "relief.paid")
    finance = start_finance(running_service, service_config, database, dev_token)
    assert finance.put(f"/relief-budgets/{today().year}", {"amount_fen": 1_000_000}).status_code == 200
    finance.receipt(100_000, "donation", for_relief=True)
    envelope = relief_envelope("R-1", 30_000)
    publish(rabbit["AMQP_URI"], envelope)
    publish(rabbit["AMQP_URI"], envelope)  # the broker redelivers, or assistance's relay sends it again
    event = paid.get()
    assert event["data"]["relief_id"] == "R-1" and event["data"]["amount_paid_fen"] == 30_000
    assert event["data"]["sources"] == [{"source": "donation", "amount_fen": 30_000}]
    assert paid.drain(settle=1.0) == []
    entries = finance.get("/journal-entries?kind=relief_payment").json()
    assert entries["total"] == 1 and entries["entries"][0]["cause"]["event_id"] == envelope["event_id"]
    assert finance.get("/funds").json()["funds"][0]["available_fen"] == 70_000
    assert finance.get("/ledger/verify", who=finance.auditor).json()["status"] == "OK"


def test_a_pending_relief_is_paid_when_money_arrives(database, service_config, running_service, dev_token,
                                                     event_tap, rabbit):
    paid = event_tap("finance", "relief.paid")
    finance = start_finance(running_service, service_config, database, dev_token)
    assert finance.put(f"/relief-budgets/{today().year}", {"amount_fen": 1_000_000}).status_code == 200
    publish(rabbit["AMQP_URI"], relief_envelope("R-2", 45_000, category="sanwu"))
    publish(rabbit["AMQP_URI"], relief_envelope("K-1", 0, kind="in_kind"))  # not finance's to pay: absorbed
    waiting = eventually(lambda: _relief(finance, "R-2"))
    assert waiting["status"] == "pending" and waiting["amount_paid_fen"] == 0
    assert waiting["pending_reason"] == "the relief fund holds 0.00 元; 450.00 元 needed"
    finance.receipt(20_000, "union_funds", for_relief=True)
    assert _relief(finance, "R-2")["status"] == "pending"
    finance.receipt(30_000, "donation", for_relief=True)
    event = paid.get()
    assert event["data"]["relief_id"] == "R-2"
    assert event["data"]["sources"] == [{"source": "donation", "amount_fen": 30_000},
                                        {"source": "union_funds", "amount_fen": 15_000}]
    done = _relief(finance, "R-2")
    assert (done["status"], done["amount_issued_fen"], done["amount_paid_fen"]) == ("paid", 45_000, 45_000)
    assert _relief(finance, "K-1") is None


def test_money_in_and_out_on_the_bus_and_the_public_report(database, service_config, running_service, dev_token,
                                                          event_tap, rabbit, tmp_path, capsys):
    received, disbursed = event_tap("finance", "fund.received"), event_tap("finance", "fund.disbursed")
    finance = start_finance(running_service, service_config, database, dev_token)
    notify = running_service(NotifyService, service_config("notify", database("notify")))
    receipt = finance.receipt(1_200_000_000, "central_subsidy", earmark_project_id="P1")
    assert received.get()["data"]["earmark_project_id"] == "P1" and receipt["entry_id"]
    assert finance.put("/projects/P1/budget", {"amount_fen": 900_000_000}).status_code == 200
    body = {"source": "central_subsidy", "earmark_project_id": "P1", "amount_fen": 345_678_901,
            "purpose": "一期主体工程款"}
    request = finance.post("/disbursement-requests", body)
    assert request.status_code == 201, request.text
    rid = request.json()["request_id"]
    own = finance.post(f"/disbursement-requests/{rid}/approve")
    assert own.status_code == 403 and "never approve" in own.json()["detail"]
    approved = finance.post(f"/disbursement-requests/{rid}/approve", who=finance.li)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert disbursed.get()["data"]["amount_fen"] == 345_678_901
    assert finance.post(f"/disbursement-requests/{rid}/approve", who=finance.li).status_code == 409
    assert finance.get("/disbursements?project_id=P1").json()["total"] == 1
    statement = finance.get("/accounts/1002:central_subsidy:project:P1/statement", who=finance.auditor).json()
    assert [(ln["kind"], ln["side"], ln["balance_fen"]) for ln in statement["lines"]] == [
        ("receipt", "debit", 1_200_000_000), ("hold", "credit", 854_321_099)]
    trial = finance.get(f"/trial-balance?as_of={today().isoformat()}", who=finance.auditor).json()
    assert trial["balanced"] and trial["debit_total_fen"] == 1_200_000_000 + 2 * 345_678_901
    assert finance.get("/accounts/1002:nowhere").status_code == 404

    report = requests.get(f"{finance.base}/public/fund-flows", timeout=30).json()  # no token
    [central] = report["sources"]
    assert (central["received_yuan"], central["disbursed_yuan"], central["closing_yuan"]) == (
        "12,000,000.00", "3,456,789.01", "8,543,210.99")
    csv = requests.get(f"{finance.base}/public/fund-flows.csv", timeout=30)
    assert csv.headers["Content-Type"].startswith("text/csv") and "8543210.99" in csv.text
    page = requests.get(f"{notify.base}/public/fund-flows", timeout=30).json()  # notify asks finance over RPC
    assert page["report"]["totals"] == report["totals"]
    assert any("中央专项补助" in line and "8,543,210.99" in line for line in page["lines"])

    export = finance.get("/ledger/export", who=finance.auditor).json()
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as ok:
        anju(["verify-ledger", str(path)])
    assert ok.value.code == 0 and capsys.readouterr().out.startswith("OK: 3 entries verified")
    entry = next(e for e in export["entries"] if e["kind"] == "disbursement")
    entry["lines"] = [[account, amount // 10] for account, amount in entry["lines"]]  # 34,567.89 instead
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as bad:
        anju(["verify-ledger", str(path)])
    assert bad.value.code == 1
    assert capsys.readouterr().out.startswith(f"MISMATCH: entry seq {entry['seq']} ({entry['entry_id']})")


BAD = [
    ("/journal-entries", {"lines": [{"account": "1001", "side": "debit", "amount_fen": 5}]}, 400, "lines"),
    ("/journal-entries", {"lines": [{"account": "1001", "side": "debit", "amount_fen": 5},
                                    {"account": "4105", "side": "credit", "amount_fen": 4}]}, 400, "lines"),
    ("/journal-entries", {"lines": [{"account": "1001", "side": "debit", "amount_fen": 5.5},
                                    {"account": "4105", "side": "credit", "amount_fen": 5.5}]}, 400, "lines"),
    ("/journal-entries", {"lines": [{"account": "1001", "side": "debit", "amount_fen": 0},
                                    {"account": "4105", "side": "credit", "amount_fen": 0}]}, 400, "lines"),
    ("/journal-entries", {"lines": [{"account": "1001", "side": "debit", "amount_fen": 10**15},
                                    {"account": "4105", "side": "credit", "amount_fen": 10**15}]}, 400, "lines"),
    ("/journal-entries", {"lines": [{"account": "1001", "side": "debit", "amount_fen": "5"},
                                    {"account": "4105", "side": "credit", "amount_fen": "5"}]}, 400, "lines"),
    ("/journal-entries", {"lines": [{"account": "9999", "side": "debit", "amount_fen": 5},
                                    {"account": "4105", "side": "credit", "amount_fen": 5}]}, 422,
     "lines[0].account"),
    ("/journal-entries", {"lines": [{"account": "1002:donation", "side": "credit", "amount_fen": 5},
                                    {"account": "1001", "side": "debit", "amount_fen": 5}]}, 422, "lines"),
    ("/fund-receipts", {"source": "donation", "amount_fen": -5, "reference": "X", "received_on": "2026-11-30"},
     400, "amount_fen"),
    ("/fund-receipts", {"source": "donation", "amount_fen": 5, "reference": "X", "received_on": "2099-01-01"},
     422, "received_on"),  # in the future: the use case's rule
    ("/fund-receipts", {"source": "donation", "amount_fen": 5, "reference": "X", "received_on": "2999-01-01"},
     400, "received_on"),  # beyond any date the programme deals in: the field's bounds
    ("/disbursement-requests", {"source": "donation", "project_id": "P1", "amount_fen": 5, "purpose": "x"},
     422, "project_id"),
]


def test_bad_input_is_refused_naming_the_field_and_writes_nothing(database, service_config, running_service,
                                                                  dev_token):
    finance = start_finance(running_service, service_config, database, dev_token)
    for path, body, status, field in BAD:
        resp = finance.post(path, body)
        assert resp.status_code == status, (body, resp.text)
        assert field in resp.json()["errors"], (body, resp.json())
    assert finance.get("/ledger/verify", who=finance.auditor).json()["entries_verified"] == 0
    assert finance.get("/fund-receipts").json()["total"] == 0
