"""Assistance with the real services that consume its events, on the real broker and both
databases (DESIGN.md §3 flows 2 and 4), each under redelivery:

- tenancy.started for a hardship household → a relocation case → approved by two district
  officers → relief.approved, published by assistance's outbox → finance pays it → relief.paid;
  the tenancy.started and the relief.approved each delivered twice: one case, one payment;
- hardship.registered / hardship.closed published by assistance → applications' points use,
  then stop using, the hardship category; each event delivered twice: the points move once.

tenancy.started is built here as allocation publishes it (allocation is not started: its part
is a round and an acceptance, tested in its own files)."""

import json

import eventlet
import requests
from allocation_helpers import envelope, eventually, today
from applications_helpers import draft_body, resident_id
from applications_helpers import start as start_applications
from finance_helpers import start_finance
from kombu import Connection, Exchange, Producer

from services.assistance.service import AssistanceService

TIMEOUT = 30


def send(amqp_uri: str, body: dict) -> None:
    exchange = Exchange(f"{body['producer']}.events", type="topic", durable=True)
    with Connection(amqp_uri) as conn:
        Producer(conn.default_channel).publish(json.dumps(body), exchange=exchange, routing_key=body["event_type"],
                                               delivery_mode=2, content_type="application/json",
                                               declare=[exchange])


def start_assistance(running_service, service_config, database):
    return running_service(AssistanceService, service_config("assistance", database("assistance"))).base


def test_tenancy_started_to_relief_paid_once_under_redelivery(database, service_config, running_service, dev_token,
                                                              event_tap, rabbit):
    approved_tap = event_tap("assistance", "relief.approved")
    paid_tap = event_tap("finance", "relief.paid")
    base = start_assistance(running_service, service_config, database)
    finance = start_finance(running_service, service_config, database, dev_token)
    year = today().year
    assert finance.put(f"/relief-budgets/{year}", {"amount_fen": 1_000_000}).status_code == 200
    finance.receipt(500_000, "donation", for_relief=True)

    u1, u2, u3 = (dev_token("district_officer", subject=s) for s in ("u1", "u2", "u3"))
    h = requests.post(f"{base}/hardship-households", json={"id_number": "11010519491231002X", "name": "李四",
                                                           "category": "sanwu"}, headers=u1, timeout=TIMEOUT).json()
    assert requests.put(f"{base}/relief-budgets/{year}/cash", json={"total_fen": 10**7}, headers=u1,
                        timeout=TIMEOUT).status_code == 200
    started = envelope("allocation", "tenancy.started", {
        "tenancy_id": "T1", "application_id": "A1", "person_ref": h["person_ref"], "unit_id": "U1",
        "project_id": "P1", "start": today().isoformat(), "end": "2030-01-01", "rent_fen": 80000})
    send(rabbit["AMQP_URI"], started)
    send(rabbit["AMQP_URI"], started)

    def cases():
        return requests.get(f"{base}/relief-cases?origin=relocation", headers=u1, timeout=TIMEOUT).json()

    assert eventually(lambda: cases()["total"] == 1)
    eventlet.sleep(0.5)
    [case] = cases()["items"]
    assert cases()["total"] == 1 and case["approvals_needed"] == 2  # 3,000 yuan: above the 2,000 threshold
    cid = case["relief_id"]
    for officer in (u2, u3):
        r = requests.post(f"{base}/relief-cases/{cid}/approvals", json={}, headers=officer, timeout=TIMEOUT)
        assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved"

    approved = approved_tap.get(timeout=15)
    assert approved["data"]["relief_id"] == cid and approved["data"]["amount_fen"] == 300_000
    paid = paid_tap.get(timeout=15)["data"]
    assert (paid["relief_id"], paid["amount_paid_fen"]) == (cid, 300_000)

    send(rabbit["AMQP_URI"], approved)  # assistance's own relief.approved, delivered to finance again
    assert paid_tap.drain(settle=1.0) == []
    # the tap sees only the one we sent again: assistance published once
    assert [e["event_id"] for e in approved_tap.drain(settle=0.2)] == [approved["event_id"]]
    payment = finance.get(f"/relief-payments/{cid}").json()
    assert payment["status"] == "paid"
    entries = finance.get("/journal-entries?kind=relief_payment").json()
    assert entries["total"] == 1


def test_hardship_registered_and_closed_move_applications_points_once(database, service_config, running_service,
                                                                     dev_token, event_tap, rabbit):
    points_tap = event_tap("applications", "application.points_changed")
    registered_tap = event_tap("assistance", "hardship.registered")
    closed_tap = event_tap("assistance", "hardship.closed")
    api = start_applications(running_service, service_config, dev_token, database("applications"), NOTICE_DAYS=0)
    base = start_assistance(running_service, service_config, database)
    id_number = resident_id("19850312", "456")
    app_id = api.to_notice(draft_body(id_number=id_number, programme="public_rental"))
    assert api.call("POST", "/admin/notices/close", api.do).json()["closed"] == [app_id]
    before = api.get(app_id)["points"]

    officer = dev_token("district_officer", subject="u1")
    h = requests.post(f"{base}/hardship-households", json={"id_number": id_number, "name": "张小三",
                                                           "category": "sanwu"}, headers=officer, timeout=TIMEOUT)
    assert h.status_code == 201, h.text
    assert h.json()["person_ref"] == api.get(app_id)["person_ref"]  # one key, one person
    up = points_tap.get(timeout=15)["data"]
    assert up["reason"] == "hardship_registered" and up["changes"][0]["application_id"] == app_id
    raised = api.get(app_id)["points"]
    assert raised != before and "hardship" in up["changes"][0]["priority_groups"]

    send(rabbit["AMQP_URI"], registered_tap.get(timeout=10))  # delivered again
    assert points_tap.drain(settle=1.0) == []
    assert api.get(app_id)["points"] == raised

    closed = requests.post(f"{base}/hardship-households/{h.json()['household_id']}/closing",
                           json={"reason": "recovered"}, headers=officer, timeout=TIMEOUT)
    assert closed.status_code == 200
    down = points_tap.get(timeout=15)["data"]
    assert down["reason"] == "hardship_closed" and "hardship" not in down["changes"][0]["priority_groups"]
    assert eventually(lambda: api.get(app_id)["points"] == before)
    send(rabbit["AMQP_URI"], closed_tap.get(timeout=10))  # delivered again
    assert points_tap.drain(settle=1.0) == []
    assert api.get(app_id)["points"] == before
