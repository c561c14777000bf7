"""Moving in and re-verification on both databases and the real broker: allocation.offered,
allocation.accepted and tenancy.started (each sent twice, and a late offer after acceptance)
move a registry household on, and the not-moved-in report lists it — with staff's reason —
until its tenancy starts; the yearly verification puts a household in its officer's queue."""

import eventlet
import requests
from allocation_helpers import envelope, eventually, today
from test_assistance_relief import send

from services.assistance.domain.hardship import next_review
from services.assistance.service import AssistanceService

OFFER = {"offer_id": "O1", "round_id": "R1", "application_id": "A1", "unit_id": "U1", "project_id": "P1",
         "respond_by": "2026-12-31", "source": "draw", "preference_index": 0, "seat": "1"}


def test_offered_and_accepted_but_not_moved_in_until_the_tenancy_starts(database, service_config, running_service,
                                                                        dev_token, rabbit):
    base = running_service(AssistanceService, service_config("assistance", database("assistance"))).base
    officer = dev_token("district_officer", subject="u1")
    h = requests.post(f"{base}/hardship-households", json={"id_number": "11010519491231002X", "name": "李四",
                                                           "category": "sanwu"}, headers=officer, timeout=10).json()
    offered = envelope("allocation", "allocation.offered", {**OFFER, "person_ref": h["person_ref"]})
    accepted = envelope("allocation", "allocation.accepted", {**OFFER, "person_ref": h["person_ref"],
                                                              "accepted_on": "2026-12-02"})
    for body in (offered, offered, accepted, accepted):
        send(rabbit["AMQP_URI"], body)

    def report():
        return requests.get(f"{base}/reports/not-moved-in", headers=dev_token("auditor"), timeout=10).json()

    assert eventually(lambda: report()["total"] == 1 and report()["items"][0]["housing_stage"] == "accepted")
    send(rabbit["AMQP_URI"], envelope("allocation", "allocation.offered", {**OFFER, "offer_id": "O0",
                                                                           "person_ref": h["person_ref"]}))
    eventlet.sleep(0.5)
    [row] = report()["items"]
    assert (row["household_id"], row["housing_stage"], row["unit_id"], row["name_masked"]) == (
        h["household_id"], "accepted", "U1", "李*")  # the late offer moved nothing back
    reason = requests.post(f"{base}/hardship-households/{h['household_id']}/not-moved-in-reason",
                           json={"reason": "等待家具"}, headers=officer, timeout=10)
    assert reason.status_code == 200 and reason.json()["reason"] == "等待家具"
    assert report()["items"][0]["reason"] == "等待家具"
    started = envelope("allocation", "tenancy.started", {
        "tenancy_id": "T1", "application_id": "A1", "person_ref": h["person_ref"], "unit_id": "U1",
        "project_id": "P1", "start": "2026-12-05", "end": "2029-12-04", "rent_fen": 80000})
    for body in (started, started):
        send(rabbit["AMQP_URI"], body)
    assert eventually(lambda: report()["total"] == 0)
    one = requests.get(f"{base}/hardship-households/{h['household_id']}", headers=officer, timeout=10).json()
    assert one["housing_stage"] == "moved_in"
    trail = requests.get(f"{base}/audit-trail?entity_id={h['household_id']}", headers=officer, timeout=10).json()
    assert [e["action"] for e in trail["items"]] == ["registered", "housing_offered", "housing_accepted",
                                                     "not_moved_in_reason", "housing_moved_in"]


def test_verification_puts_the_household_in_the_officers_queue(database, service_config, running_service,
                                                               dev_token):
    base = running_service(AssistanceService, service_config("assistance", database("assistance"))).base
    u1, u2 = dev_token("district_officer", subject="u1"), dev_token("district_officer", subject="u2")
    h = requests.post(f"{base}/hardship-households", json={"id_number": "11010519491231002X", "name": "李四",
                                                           "category": "dibao"}, headers=u1, timeout=10).json()
    a_year = next_review(today()).isoformat()
    queue = requests.get(f"{base}/review-queue?due_by={a_year}&officer=district_officer:u1", headers=u1,
                         timeout=10).json()["items"]
    assert [(i["household_id"], i["next_review_on"], i["overdue"]) for i in queue] == [(h["household_id"], a_year,
                                                                                       False)]
    bad = requests.post(f"{base}/hardship-households/{h['household_id']}/verification",
                        json={"evidence": ["低保证"], "next_review_on": today().isoformat()}, headers=u2, timeout=10)
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["next_review_on"]
    empty = requests.post(f"{base}/hardship-households/{h['household_id']}/verification", json={"evidence": []},
                          headers=u2, timeout=10)
    assert empty.status_code == 400 and list(empty.json()["errors"]) == ["evidence"]
    done = requests.post(f"{base}/hardship-households/{h['household_id']}/verification",
                         json={"evidence": ["低保证", "收入证明"]}, headers=u2, timeout=10)
    assert done.status_code == 200 and done.json()["review_officer"] == "district_officer:u2"
    assert requests.get(f"{base}/review-queue?due_by={a_year}&officer=district_officer:u1", headers=u1,
                        timeout=10).json()["items"] == []
    city = requests.post(f"{base}/hardship-households/{h['household_id']}/verification",
                         json={"evidence": ["x"]}, headers=dev_token("city_officer"), timeout=10)
    assert city.status_code == 403
