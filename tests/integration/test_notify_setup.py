"""The operator's routing and templates over HTTP (real broker, both databases): uploads are
versioned; a template that does not compile or names a field the event lacks is refused with a
4xx naming the field and the line; a preview renders a draft; a routing change applies to the
next event; staff read, only the operator writes."""

from __future__ import annotations

import requests
from notify_helpers import approved_data, notify_config, publish, sms_lines
from polling import eventually

from services.common.events.contracts import build_envelope
from services.notify.service import NotifyService


def test_templates_and_routes_over_http(store_for, running_service, service_config, dev_token, rabbit, tmp_path):
    svc = running_service(NotifyService, notify_config(service_config, store_for("notify").url, tmp_path))
    op, staff = dev_token("operator"), dev_token("district_officer")
    base = svc.base

    bad = requests.put(f"{base}/templates/application.approved/sms",
                       json={"body": "您好\n积分{{ pointz }}分"}, headers=op, timeout=10)
    assert bad.status_code == 422 and bad.json()["errors"] == {"body": ["line 2: the event has no field 'pointz'"]}
    broken = requests.put(f"{base}/templates/application.approved/email",
                          json={"subject": "ok", "body": "a\n{% if points %}"}, headers=op, timeout=10)
    assert broken.status_code == 422 and broken.json()["errors"]["body"][0].startswith("line 2:")
    assert requests.put(f"{base}/templates/application.teleported/sms", json={"body": "x"}, headers=op,
                        timeout=10).status_code == 404
    assert requests.put(f"{base}/templates/application.approved/sms", json={"body": "{{ points }}"}, headers=staff,
                        timeout=10).status_code == 403

    preview = requests.post(f"{base}/templates/application.approved/sms/preview",
                            json={"body": "积分{{ points }}，{{ household_size }}人", "data": {"points": "90.0"}},
                            headers=op, timeout=10)
    assert preview.status_code == 200 and preview.json() == {"subject": "", "body": "积分90.0，3人"}

    up = requests.put(f"{base}/templates/application.approved/sms", json={"body": "新版：积分{{ points }}分"},
                      headers=op, timeout=10)
    assert up.status_code == 200 and up.json()["version"] == 1
    route = requests.put(f"{base}/routes/application.approved",
                         json={"rules": [{"audience": "person", "channels": ["sms"]}]}, headers=op, timeout=10)
    assert route.status_code == 200 and route.json()["version"] == 1
    wrong = requests.put(f"{base}/routes/round.drawn", json={"rules": [{"audience": "person", "channels": ["sms"]}]},
                         headers=op, timeout=10)
    assert wrong.status_code == 422 and "rules[0].audience" in wrong.json()["errors"]
    listed = requests.get(f"{base}/routes", headers=staff, timeout=10).json()["routes"]
    by = {r["event_type"]: r for r in listed}
    assert by["rent.overdue"]["provisional"] is True and by["application.approved"]["version"] == 1

    # the next event goes by the new route and template: SMS only, the new text (the contact
    # is looked up at send time; applications does not run here, so the SMS waits and retries)
    publish(rabbit["AMQP_URI"], build_envelope("application.approved", approved_data("ref-x"), district="demo",
                                               producer="applications"))
    log = eventually(lambda: requests.get(f"{base}/deliveries", params={"person_ref": "ref-x"}, headers=staff,
                                          timeout=10).json()["deliveries"], timeout=15)
    assert [d["channel"] for d in log] == ["sms"] and sms_lines(tmp_path) == []
