"""Relief on both databases and the real broker: tenancy.started for a hardship household →
one relocation case (also under redelivery) → approved by two different district officers →
relief.approved on the bus; rent.overdue → one referral (also redelivered); concurrent
approvals that together exceed the budget: only those that fit succeed; closing a household
publishes hardship.closed."""

import json

import eventlet
import requests
from allocation_helpers import envelope, eventually, today
from kombu import Connection, Exchange, Producer

from services.assistance.service import AssistanceService

YEAR = today().year
IDS = ["11010519491231002X", "110105198503121234", "110105198001010016", "110105199001010010"]


def send(amqp_uri: str, body: dict) -> None:
    exchange = Exchange(f"{body['producer']}.events", type="topic", durable=True)
    with Connection(amqp_uri) as conn:
        Producer(conn.default_channel).publish(json.dumps(body), exchange=exchange, routing_key=body["event_type"],
                                               delivery_mode=2, content_type="application/json",
                                               declare=[exchange])


def register(base, officer, id_number):
    r = requests.post(f"{base}/hardship-households", json={"id_number": id_number, "name": "李四",
                                                           "category": "sanwu"}, headers=officer, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def test_tenancy_started_to_relief_approved_and_rent_overdue_to_referral(database, service_config,
                                                                         running_service, dev_token, event_tap,
                                                                         rabbit):
    approved_tap = event_tap("assistance", "relief.approved")
    base = running_service(AssistanceService, service_config("assistance", database("assistance"))).base
    u1, u2 = dev_token("district_officer", subject="u1"), dev_token("district_officer", subject="u2")
    h = register(base, u1, IDS[0])
    assert requests.put(f"{base}/relief-budgets/{YEAR}/cash", json={"total_fen": 10**7}, headers=u1,
                        timeout=10).status_code == 200
    started = envelope("allocation", "tenancy.started", {
        "tenancy_id": "T1", "application_id": "A1", "person_ref": h["person_ref"], "unit_id": "U1",
        "project_id": "P1", "start": "2026-12-01", "end": "2029-11-30", "rent_fen": 80000})
    stranger = envelope("allocation", "tenancy.started", {**started["data"], "tenancy_id": "T2",
                                                          "person_ref": "p_not_registered"})
    for body in (started, started, stranger):  # redelivered, and one for a person not in the registry
        send(rabbit["AMQP_URI"], body)

    def relocation_cases():
        return requests.get(f"{base}/relief-cases?origin=relocation", headers=u1, timeout=10).json()

    assert eventually(lambda: relocation_cases()["total"] == 1)
    eventlet.sleep(0.5)
    [case] = relocation_cases()["items"]
    assert relocation_cases()["total"] == 1
    assert (case["household_id"], case["kind"], case["amount_fen"], case["approvals_needed"]) == (
        h["household_id"], "cash", 300_000, 2)

    first = requests.post(f"{base}/relief-cases/{case['relief_id']}/approvals", json={}, headers=u1, timeout=10)
    assert first.status_code == 200 and first.json()["status"] == "requested"
    same = requests.post(f"{base}/relief-cases/{case['relief_id']}/approvals", json={}, headers=u1, timeout=10)
    assert same.status_code == 409 and "officer" in same.json()["errors"]
    final = requests.post(f"{base}/relief-cases/{case['relief_id']}/approvals", json={}, headers=u2, timeout=10)
    assert final.status_code == 200 and final.json()["status"] == "approved"
    event = approved_tap.get()["data"]
    assert (event["relief_id"], event["person_ref"], event["amount_fen"], event["category"]) == (
        case["relief_id"], h["person_ref"], 300_000, "sanwu")
    assert approved_tap.drain(settle=0.3) == []

    overdue = envelope("finance", "rent.overdue", {"tenancy_id": "T1", "period": "2026-12", "days_overdue": 15})
    for body in (overdue, overdue, envelope("finance", "rent.overdue", {**overdue["data"], "days_overdue": 30})):
        send(rabbit["AMQP_URI"], body)

    def referrals():
        return requests.get(f"{base}/referrals", headers=u1, timeout=10).json()

    assert eventually(lambda: referrals()["total"] == 1 and referrals()["items"][0]["days_overdue"] == 30)
    ref = referrals()["items"][0]
    assert (ref["household_id"], ref["tenancy_id"], ref["status"]) == (h["household_id"], "T1", "open")
    closed = requests.post(f"{base}/referrals/{ref['referral_id']}/closing", json={"outcome": "rent_reduction"},
                           headers=u2, timeout=10)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_bad_input_is_refused_naming_the_problem(database, service_config, running_service, dev_token, event_tap):
    closed_tap = event_tap("assistance", "hardship.closed")
    base = running_service(AssistanceService, service_config("assistance", database("assistance"))).base
    u1 = dev_token("district_officer", subject="u1")
    h = register(base, u1, IDS[0])
    case = {"household_id": h["household_id"], "kind": "cash", "reason": "大病", "amount_fen": 100_000}
    for bad, field, status in (({"household_id": "nope"}, "household_id", 422), ({"amount_fen": 0}, "amount_fen", 422),
                               ({"amount_fen": 10**15}, "amount_fen", 400), ({"kind": "gold"}, "kind", 400)):
        r = requests.post(f"{base}/relief-cases", json={**case, **bad}, headers=u1, timeout=10)
        assert (r.status_code, list(r.json()["errors"])) == (status, [field]), r.text
    first = requests.post(f"{base}/relief-cases", json=case, headers=u1, timeout=10)
    assert first.status_code == 201
    dup = requests.post(f"{base}/relief-cases", json=case, headers=u1, timeout=10)
    assert dup.status_code == 409 and first.json()["relief_id"] in dup.json()["detail"]
    city = requests.post(f"{base}/relief-cases", json=case, headers=dev_token("city_officer"), timeout=10)
    assert city.status_code == 403
    no_budget = requests.post(f"{base}/relief-cases/{first.json()['relief_id']}/approvals", json={},
                              headers=dev_token("district_officer", subject="u2"), timeout=10)
    assert no_budget.status_code == 409 and "budget" in no_budget.json()["detail"]
    shut = requests.post(f"{base}/hardship-households/{h['household_id']}/closing", json={"reason": "recovered"},
                         headers=u1, timeout=10)
    assert shut.status_code == 200 and shut.json()["status"] == "closed"
    data = closed_tap.get()["data"]
    assert (data["household_id"], data["person_ref"], data["reason"]) == (h["household_id"], h["person_ref"],
                                                                          "recovered")


def test_concurrent_approvals_beyond_the_budget_only_those_that_fit_succeed(database, service_config,
                                                                            running_service, dev_token):
    base = running_service(AssistanceService, service_config("assistance", database("assistance"))).base
    u1, u2 = dev_token("district_officer", subject="u1"), dev_token("district_officer", subject="u2")
    requests.put(f"{base}/relief-budgets/{YEAR}/cash", json={"total_fen": 250_000}, headers=u1, timeout=10)
    cases = []
    for id_number in IDS:
        h = register(base, u1, id_number)
        r = requests.post(f"{base}/relief-cases", json={"household_id": h["household_id"], "kind": "cash",
                                                        "reason": "临时困难", "amount_fen": 100_000},
                          headers=u1, timeout=10)
        cases.append(r.json()["relief_id"])
    pool = eventlet.GreenPool()
    statuses = sorted(pool.imap(lambda cid: requests.post(f"{base}/relief-cases/{cid}/approvals", json={},
                                                          headers=u2, timeout=30).status_code, cases))
    assert statuses == [200, 200, 409, 409]
    [budget] = requests.get(f"{base}/relief-budgets/{YEAR}", headers=u1, timeout=10).json()["items"]
    assert (budget["used_fen"], budget["remaining_fen"]) == (200_000, 50_000)


def test_goods_received_reserved_and_handed_over_never_below_zero(database, service_config, running_service,
                                                                 dev_token, event_tap):
    delivered_tap = event_tap("assistance", "relief.delivered")
    base = running_service(AssistanceService, service_config("assistance", database("assistance"))).base
    u1, u2 = dev_token("district_officer", subject="u1"), dev_token("district_officer", subject="u2")
    h = register(base, u1, IDS[0])
    assert requests.post(f"{base}/stock/receipts", json={"item": "bedding", "quantity": 1}, headers=u1,
                         timeout=10).status_code == 201
    case = requests.post(f"{base}/relief-cases", json={
        "household_id": h["household_id"], "kind": "in_kind", "reason": "回迁新房无家具", "amount_fen": 0,
        "items": [{"item": "bedding", "quantity": 2}]}, headers=u1, timeout=10).json()
    short = requests.post(f"{base}/relief-cases/{case['relief_id']}/approvals", json={}, headers=u2, timeout=10)
    assert short.status_code == 409 and short.json()["errors"] == {"items": ["bedding: 1 available, this case needs 2"]}
    requests.post(f"{base}/stock/receipts", json={"item": "bedding", "quantity": 1}, headers=u1, timeout=10)
    assert requests.post(f"{base}/relief-cases/{case['relief_id']}/approvals", json={}, headers=u2,
                         timeout=10).json()["status"] == "approved"
    url = f"{base}/relief-cases/{case['relief_id']}/delivery"
    assert requests.post(url, json={"recipient_confirmed": False}, headers=u2, timeout=10).status_code == 422
    assert requests.post(url, json={"recipient_confirmed": True}, headers=u2, timeout=10).json()["status"] == \
        "delivered"
    assert requests.post(url, json={"recipient_confirmed": True}, headers=u2, timeout=10).status_code == 409
    levels = {r["item"]: r for r in requests.get(f"{base}/stock", headers=u1, timeout=10).json()["items"]}
    assert (levels["bedding"]["quantity"], levels["bedding"]["available"]) == (0, 0)
    assert delivered_tap.get()["data"]["relief_id"] == case["relief_id"]
    assert delivered_tap.drain(settle=0.3) == []


def test_a_support_plan_with_a_follow_up_over_http(database, service_config, running_service, dev_token):
    base = running_service(AssistanceService, service_config("assistance", database("assistance"))).base
    u1 = dev_token("district_officer", subject="u1")
    h = register(base, u1, IDS[0])
    plan = requests.post(f"{base}/support-plans", json={"household_id": h["household_id"], "goal": "training"},
                         headers=u1, timeout=10)
    assert plan.status_code == 201, plan.text
    url = f"{base}/support-plans/{plan.json()['plan_id']}/follow-ups"
    assert requests.post(url, json={"due_on": "2000-01-01"}, headers=u1, timeout=10).status_code == 422
    visit = requests.post(url, json={"due_on": today().isoformat()}, headers=u1, timeout=10)
    assert visit.status_code == 201 and visit.json()["overdue"] is False
    done = requests.post(f"{base}/follow-ups/{visit.json()['follow_up_id']}/outcome",
                         json={"outcome": "in_progress"}, headers=u1, timeout=10)
    assert done.status_code == 200 and done.json()["outcome"] == "in_progress"
    stats = requests.get(f"{base}/support-plans/statistics", headers=dev_token("auditor"), timeout=10).json()
    assert stats == {"plans": [{"goal": "training", "status": "open", "count": 1}], "follow_ups_done": 1,
                     "follow_ups_pending": 0}
    assert requests.get(f"{base}/follow-ups/overdue", headers=u1, timeout=10).json() == {"items": []}
