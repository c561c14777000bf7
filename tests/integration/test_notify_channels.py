"""notify end to end on the real broker and both databases: an application approved by the
real applications service becomes exactly one SMS-sink entry and one e-mail received by a real
local SMTP server (aiosmtpd), with the right text and headers, also when the event is delivered
a second time; the contact is asked of applications at send time and the log keeps it masked."""

from __future__ import annotations

from email.header import decode_header, make_header

import applications_helpers
import eventlet
import pytest
import requests
from notify_helpers import SmtpServer, notify_config, publish, sms_lines
from polling import eventually

from services.notify.service import NotifyService


@pytest.fixture
def smtp(tmp_path):
    server = SmtpServer(tmp_path)
    yield server
    server.stop()


def _text(value) -> str:
    return str(make_header(decode_header(value)))


def test_an_approval_is_one_sms_and_one_email_also_when_delivered_twice(
        store_for, running_service, service_config, dev_token, event_tap, rabbit, smtp, tmp_path):
    notify = running_service(NotifyService, notify_config(
        service_config, store_for("notify").url, tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port))
    tap = event_tap("applications", "application.approved")
    apps = applications_helpers.start(running_service, service_config, dev_token, store_for("applications").url,
                                      NOTICE_DAYS=0, NOTICE_CLOSE_INTERVAL_SECONDS=0.2)
    apps.to_notice()
    envelope = tap.get(timeout=30)
    points = envelope["data"]["points"]

    event_id = envelope["event_id"]

    def approval_sms():
        return [m for m in sms_lines(tmp_path) if m["event_id"] == event_id]

    def approval_mail():
        return [m for m in smtp.messages() if m["X-Anju-Event-Id"] == event_id]

    sms = eventually(approval_sms, timeout=20)
    mails = eventually(approval_mail, timeout=20)
    assert len(sms) == 1 and len(mails) == 1
    publish(rabbit["AMQP_URI"], envelope)  # the broker delivers it again
    eventlet.sleep(2.0)
    assert len(approval_sms()) == 1 and len(approval_mail()) == 1
    # the notice period's start (公示期开始) went out by SMS too, once
    notice = [m for m in sms_lines(tmp_path) if m["event_id"] != event_id]
    assert len(notice) == 1 and notice[0]["text"].startswith("【安居工程】您的申请已进入公示期，公示至")

    (sent,) = sms
    assert sent["to"] == "13812341234" and sent["event_id"] == envelope["event_id"]
    assert sent["text"] == (f"【安居工程】您的住房保障申请（编号{envelope['data']['application_id'][:8]}）已审核通过，"
                            f"积分{points}分，已进入配租轮候。")
    (mail,) = mails
    assert mail["To"] == "zxs@example.cn"
    assert _text(mail["Subject"]) == "安居工程：申请审核通过"
    assert "noreply@anju.example" in mail["From"] and mail["Message-ID"] and mail["Date"]
    assert mail["X-Anju-Event-Id"] == envelope["event_id"]
    body = mail.get_payload(decode=True).decode(mail.get_content_charset())
    assert f"您的积分为 {points} 分，家庭人数" in body and envelope["data"]["application_id"] in body

    operator = dev_token("operator", subject="ops1")
    log = requests.get(f"{notify.base}/deliveries", params={"event_id": envelope["event_id"]}, headers=operator,
                       timeout=10).json()["deliveries"]
    by = {d["channel"]: d for d in log}
    assert sorted(by) == ["email", "inapp", "sms"] and {d["status"] for d in log} == {"sent"}
    assert by["sms"]["recipient"] == "138****1234" and by["email"]["recipient"] == "z***@example.cn"
    assert by["sms"]["provider_message_id"] == sent["provider_message_id"]
    assert by["email"]["provider_message_id"] == mail["Message-ID"]
    assert all(d["attempts"] == 1 for d in log)


def test_a_workers_token_reads_and_marks_only_their_own_inbox_and_sets_opt_outs(
        store_for, running_service, service_config, dev_token, rabbit, tmp_path):
    from notify_helpers import approved_data

    from services.common.events.contracts import build_envelope

    notify = running_service(NotifyService, notify_config(service_config, store_for("notify").url, tmp_path))
    me, other = dev_token("worker", subject="ref-me"), dev_token("worker", subject="ref-other")
    opt = requests.put(f"{notify.base}/me/preferences", json={"opted_out": ["sms"]}, headers=me, timeout=10)
    assert opt.status_code == 200 and opt.json() == {"opted_out": ["sms"]}
    bad = requests.put(f"{notify.base}/me/preferences", json={"opted_out": ["fax"]}, headers=me, timeout=10)
    assert bad.status_code == 400 and "opted_out" in bad.json()["errors"]
    publish(rabbit["AMQP_URI"], build_envelope("application.approved", approved_data("ref-me"), district="demo",
                                               producer="applications"))
    mine = eventually(lambda: requests.get(f"{notify.base}/me/messages", headers=me, timeout=10)
                      .json()["messages"], timeout=15)
    assert [m["subject"] for m in mine] == ["申请审核通过"] and mine[0]["read_at"] is None
    assert "87.5" in mine[0]["body"]
    assert requests.get(f"{notify.base}/me/messages", headers=other, timeout=10).json()["messages"] == []
    assert requests.post(f"{notify.base}/me/messages/{mine[0]['message_id']}/read", json={}, headers=other,
                         timeout=10).status_code == 404
    read = requests.post(f"{notify.base}/me/messages/{mine[0]['message_id']}/read", json={}, headers=me, timeout=10)
    assert read.status_code == 200 and read.json()["read_at"]
    assert requests.get(f"{notify.base}/me/messages", params={"unread": "only"}, headers=me,
                        timeout=10).json()["messages"] == []
    # opted out of SMS: the approval made no SMS delivery (e-mail and in-app only)
    staff = dev_token("district_officer")
    log = requests.get(f"{notify.base}/deliveries", params={"person_ref": "ref-me"}, headers=staff,
                       timeout=10).json()["deliveries"]
    assert sorted(d["channel"] for d in log) == ["email", "inapp"]
    # staff tokens have no inbox here
    assert requests.get(f"{notify.base}/me/messages", headers=staff, timeout=10).status_code == 403
