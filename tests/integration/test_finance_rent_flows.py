"""Rent on the real broker, SQLite and PostgreSQL: tenancy.started (delivered twice) opens one rent
account → the billing run invoices it once per month (run twice) → a payment → rent.overdue for
the late payer, once; bad input refused naming the field; the ledger verifies."""

import uuid
from datetime import UTC, datetime, timedelta

from finance_helpers import eventually, publish, start_finance, today

from services.finance.domain.ledger import month_of, next_month


def tenancy_started(tenancy_id, start, end, rent_fen):
    return {"event_id": str(uuid.uuid4()), "event_type": "tenancy.started", "schema_version": 1,
            "occurred_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"), "district": "demo",
            "producer": "allocation",
            "data": {"tenancy_id": tenancy_id, "application_id": "A-1", "person_ref": f"pref-{tenancy_id}",
                     "unit_id": "U-1", "project_id": "P-1", "start": start.isoformat(), "end": end.isoformat(),
                     "rent_fen": rent_fen}}


def test_tenancy_to_invoices_to_payment_to_overdue_under_redelivery(database, service_config, running_service,
                                                                    dev_token, event_tap, rabbit):
    invoiced, paid = event_tap("finance", "rent.invoiced"), event_tap("finance", "rent.paid")
    overdue = event_tap("finance", "rent.overdue")
    finance = start_finance(running_service, service_config, database, dev_token)
    start = today() - timedelta(days=75)
    envelope = tenancy_started("T-1", start, start + timedelta(days=365), 150_000)
    publish(rabbit["AMQP_URI"], envelope)
    publish(rabbit["AMQP_URI"], envelope)  # redelivered: one account
    eventually(lambda: finance.get("/rent-accounts/T-1/statement").status_code == 200 or None)

    months, m = [], month_of(start)
    while m <= month_of(today()):
        months.append(m)
        m = next_month(m)
    for month in months:
        for _ in range(2):  # running it twice for a month bills once
            resp = finance.post(f"/admin/rent-billing/{month}")
            assert resp.status_code == 200, resp.text
    events = [invoiced.get() for _ in months]
    assert [e["data"]["month"] for e in events] == months
    assert invoiced.drain(settle=1.0) == []
    statement = finance.get("/rent-accounts/T-1/statement").json()
    assert [i["month"] for i in statement["invoices"]] == months
    owed = sum(i["amount_fen"] for i in statement["invoices"])
    assert statement["account"]["owed_fen"] == owed

    first = statement["invoices"][0]["amount_fen"]
    resp = finance.post("/rent-accounts/T-1/payments", {"amount_fen": first - 1, "reference": "BANK-R1"})
    assert resp.status_code == 201, resp.text
    again = finance.post("/rent-accounts/T-1/payments", {"amount_fen": first - 1, "reference": "BANK-R1"})
    assert again.status_code == 200 and again.json()["replayed"] is True  # nothing posted twice
    assert paid.get()["data"]["owed_fen"] == owed - first + 1
    assert paid.drain(settle=0.5) == []

    run = finance.post(f"/admin/rent-billing/{month_of(today())}").json()  # the trigger also checks arrears
    assert run["invoices"] == 0
    notice = overdue.get()["data"]
    assert notice["tenancy_id"] == "T-1" and notice["period"] == months[0]
    assert notice["days_overdue"] >= 31 and notice["threshold_days"] in (31, 61)
    finance.post(f"/admin/rent-billing/{month_of(today())}")
    assert overdue.drain(settle=1.0) == []  # once per tenancy and threshold
    arrears = finance.get("/rent-arrears").json()
    assert arrears["total"] == 1 and arrears["accounts"][0]["account"]["tenancy_id"] == "T-1"
    assert finance.get("/ledger/verify", who=finance.auditor).json()["status"] == "OK"
    balances = {a["code"]: a["balance_fen"] for a in finance.get("/accounts").json()["accounts"]}
    assert balances["1131"] == owed - first + 1 and balances["4201"] == owed and balances["1021"] == first - 1


def test_bad_rent_input_is_refused_naming_the_field(database, service_config, running_service, dev_token, rabbit):
    finance = start_finance(running_service, service_config, database, dev_token)
    start = today() - timedelta(days=10)
    publish(rabbit["AMQP_URI"], tenancy_started("T-2", start, start + timedelta(days=365), 100_000))
    eventually(lambda: finance.get("/rent-accounts/T-2/statement").status_code == 200 or None)
    for body, field in (({"amount_fen": 0, "reference": "X1"}, "amount_fen"),
                        ({"amount_fen": -5, "reference": "X2"}, "amount_fen"),
                        ({"amount_fen": 10.5, "reference": "X3"}, "amount_fen"),
                        ({"amount_fen": 100, "reference": "X4",
                          "paid_on": (today() + timedelta(days=1)).isoformat()}, "paid_on")):
        resp = finance.post("/rent-accounts/T-2/payments", body)
        assert resp.status_code in (400, 422), resp.text
        assert field in resp.text, resp.text
    future = finance.post(f"/admin/rent-billing/{next_month(month_of(today()))}")
    assert future.status_code == 422 and "month" in future.text
    assert finance.post("/admin/rent-billing/2026-13").status_code in (400, 422)
    assert finance.post("/rent-accounts/NOPE/payments", {"amount_fen": 1, "reference": "X5"}).status_code == 404
    assert finance.get("/journal-entries?kind=rent_payment").json()["total"] == 0
