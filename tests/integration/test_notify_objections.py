"""异议处理结果 reaches the applicant: an objection resolved by the real applications service
becomes exactly one SMS-sink entry for the applicant (contact asked of applications at send time),
also when the event is delivered a second time."""

from __future__ import annotations

import applications_helpers
import eventlet
from notify_helpers import notify_config, publish, sms_lines
from polling import eventually

from services.notify.service import NotifyService


def test_an_objections_resolution_reaches_the_applicants_sms_once(
        store_for, running_service, service_config, dev_token, event_tap, rabbit, tmp_path):
    running_service(NotifyService, notify_config(service_config, store_for("notify").url, tmp_path))
    tap = event_tap("applications", "application.objection_resolved")
    apps = applications_helpers.start(running_service, service_config, dev_token, store_for("applications").url,
                                      NOTICE_DAYS=5)
    app_id = apps.to_notice()
    filed = apps.call("POST", f"/applications/{app_id}/objections", {}, json={"reason": "申请人已有住房，请核实"})
    assert filed.status_code == 201, filed.text
    resolved = apps.call("POST", f"/objections/{filed.json()['objection_id']}/resolve", apps.do,
                         json={"upheld": False, "note": "经核实无房"})
    assert resolved.status_code == 200, resolved.text
    envelope = tap.get(timeout=30)
    assert envelope["data"]["person_ref"] == apps.get(app_id)["person_ref"]
    event_id = envelope["event_id"]

    def result_sms():
        return [m for m in sms_lines(tmp_path) if m["event_id"] == event_id]

    (sent,) = eventually(result_sms, timeout=20)
    assert sent["to"] == "13812341234"
    assert sent["text"] == (f"【安居工程】针对您的申请（编号{app_id[:8]}）的异议已处理：异议不成立，申请继续办理。")
    publish(rabbit["AMQP_URI"], envelope)  # the broker delivers it again
    eventlet.sleep(2.0)
    assert len(result_sms()) == 1
