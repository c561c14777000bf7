"""A union housing loan on the real broker, SQLite and PostgreSQL: product → application → approval
by another officer (the maker is refused) → disbursement → repayment → settlement, each request
sent twice (nothing posted twice), the events on the bus once each, the ledger verified."""

from datetime import timedelta

from finance_helpers import start_finance, today

PRODUCT = {"name": "工会安居贷", "annual_rate": "0.0325", "subsidy_share": "0.3", "max_amount_fen": 50_000_000,
           "terms": [12, 60, 120], "method": "equal_principal", "penalty_rate": "0.05", "grace_days": 5}


def test_a_loan_from_approval_to_settlement(database, service_config, running_service, dev_token, event_tap):
    taps = {t: event_tap("finance", t) for t in ("loan.approved", "loan.disbursed", "loan.instalment_paid",
                                                 "loan.settled")}
    finance = start_finance(running_service, service_config, database, dev_token)
    finance.receipt(10_000_000, "union_funds")
    assert finance.put("/loan-products/ANJU", PRODUCT).status_code == 200
    for body, field in (({"amount_fen": 50_000_001, "term_months": 12}, "amount_fen"),
                        ({"amount_fen": 1_000_000, "term_months": 13}, "term_months"),
                        ({"amount_fen": 0, "term_months": 12}, "amount_fen"),
                        ({"amount_fen": 1.5, "term_months": 12}, "amount_fen")):
        resp = finance.post("/loans", {"product_code": "ANJU", "person_ref": "pref-b1", **body})
        assert resp.status_code in (400, 422) and field in resp.text, resp.text
    applied = finance.post("/loans", {"product_code": "ANJU", "person_ref": "pref-b1", "amount_fen": 1_200_000,
                                      "term_months": 12})
    assert applied.status_code == 201, applied.text
    loan_id = applied.json()["loan_id"]
    own = finance.post(f"/loans/{loan_id}/decision", {"approve": True})
    assert own.status_code == 403, own.text
    for _ in range(2):
        decided = finance.post(f"/loans/{loan_id}/decision", {"approve": True}, who=finance.li)
    assert decided.status_code == 409  # the second: already decided
    disbursed = finance.post(f"/loans/{loan_id}/disbursement", who=finance.li)
    assert disbursed.status_code == 200, disbursed.text
    assert finance.post(f"/loans/{loan_id}/disbursement", who=finance.li).status_code == 409
    schedule = disbursed.json()["schedule"]
    # 等额本金: 1200000 / 12 = 100000 a month; first interest 1200000 × 0.0325 / 12 = 3250, union 975
    assert (schedule[0]["principal_fen"], schedule[0]["interest_fen"], schedule[0]["subsidy_fen"]) == (
        100_000, 3_250, 975)
    assert sum(i["principal_fen"] for i in schedule) == 1_200_000

    body = {"amount_fen": 10_000, "reference": "LOAN-PAY-1"}
    first = finance.post(f"/loans/{loan_id}/repayments", body)
    again = finance.post(f"/loans/{loan_id}/repayments", body)
    assert (first.status_code, again.status_code, again.json()["replayed"]) == (201, 200, True)
    too_much = finance.post(f"/loans/{loan_id}/prepayments", {"amount_fen": 1_200_000, "reference": "LOAN-PRE-1",
                                                              "option": "shorter_term"})
    assert too_much.status_code == 422 and "amount_fen" in too_much.text
    quote = finance.get(f"/loans/{loan_id}/settlement-quote").json()
    assert quote["total_fen"] == 1_200_000 - 10_000  # settled the day it was lent: no interest yet
    late = finance.post(f"/loans/{loan_id}/settlement", {"amount_fen": quote["total_fen"], "reference": "LOAN-S",
                                                         "paid_on": (today() + timedelta(days=1)).isoformat()})
    assert late.status_code == 422 and "paid_on" in late.text
    for _ in range(2):
        settled = finance.post(f"/loans/{loan_id}/settlement", {"amount_fen": quote["total_fen"],
                                                                "reference": "LOAN-SETTLE"})
        assert settled.status_code in (200, 201), settled.text
    after = finance.post(f"/loans/{loan_id}/repayments", {"amount_fen": 1, "reference": "LOAN-PAY-2"})
    assert after.status_code == 422 and "loan_id" in after.text

    assert taps["loan.approved"].get()["data"]["loan_id"] == loan_id
    assert taps["loan.disbursed"].get()["data"]["amount_fen"] == 1_200_000
    paid = [taps["loan.instalment_paid"].get()["data"]["kind"] for _ in range(2)]
    assert paid == ["repayment", "settlement"]
    assert taps["loan.settled"].get()["data"]["amount_fen"] == 1_190_000
    for tap in taps.values():
        assert tap.drain(settle=0.5) == []
    loan = finance.get(f"/loans/{loan_id}").json()
    assert loan["status"] == "settled" and loan["principal_left_fen"] == 0
    balances = {a["code"]: a["balance_fen"] for a in finance.get("/accounts").json()["accounts"]}
    assert balances["1301"] == 0 and balances["1022"] == 1_200_000 and balances["2206"] == 0
    assert finance.get("/journal-entries?kind=loan_receipt").json()["total"] == 2
    assert finance.get("/ledger/verify", who=finance.auditor).json()["status"] == "OK"
