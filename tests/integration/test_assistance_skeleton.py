"""The assistance skeleton end to end: HTTP → unit of work → outbox → relay → bus."""

import requests

from services.assistance.service import AssistanceService

VALID_ID = "11010519491231002X"


def test_register_hardship_publishes_masked_event(database, service_config, running_service,
                                                  event_tap, dev_token):
    tap = event_tap("assistance", "hardship.registered")
    base = running_service(AssistanceService, service_config("assistance", database("assistance"))).base

    resp = requests.post(f"{base}/hardship-households", headers=dev_token("district_officer"),
                         json={"id_number": VALID_ID, "name": "张小三", "category": "dibao"})
    assert resp.status_code == 201, resp.text

    event = tap.get()
    assert event["event_type"] == "hardship.registered"
    assert event["district"] == "demo" and event["producer"] == "assistance"
    assert event["data"]["name_masked"] == "张*三"
    assert event["data"]["person_ref"] == resp.json()["person_ref"]
    assert VALID_ID not in str(event) and "张小三" not in str(event)
