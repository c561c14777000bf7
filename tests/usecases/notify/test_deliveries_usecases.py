"""Deliveries on an in-memory database: an event makes one pending delivery per routed channel,
rendered from the Chinese templates; opt-outs drop non-critical ones; quiet hours delay
non-urgent SMS; the sender sends through file sinks with contacts looked up at send time and
keeps only the masked recipient; failures retry on the schedule, then die and can be re-sent."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from notify_usecase_helpers import NOW, approved_data, received

from services.common.clock import FixedClock
from services.common.errors import Unavailable
from services.notify import deliveries, models, sender
from services.notify.channels import EmailFileSink, SendFailed, SmsFileSink
from services.notify.domain.ratelimit import TokenBucket

CONTACT = {"person_ref": "p-ref-1", "phone": "13812345678", "email": "zhang.san@example.cn", "name_masked": "张*"}


def record(db, event, settings, now=NOW):
    with db.uow() as uow:
        made = deliveries.record_event(uow, now, event, settings)
        uow.commit()
    return made


def rows(db):
    with db.worker_db().read() as s:
        return {d.channel: d for d in s.query(models.Delivery).all()}


def test_an_approval_makes_one_rendered_delivery_per_channel(memory_store, settings):
    db = memory_store("notify")
    record(db, received("application.approved", approved_data()), settings)
    got = rows(db)
    assert sorted(got) == ["email", "inapp", "sms"]
    assert got["sms"].body == "【安居工程】您的住房保障申请（编号a1b2c3d4）已审核通过，积分87.5分，已进入配租轮候。"
    assert got["email"].subject == "安居工程：申请审核通过"
    assert "2026年11月23日 10:00审核通过" in got["email"].body and "家庭人数 3 人" in got["email"].body
    assert {d.status for d in got.values()} == {"pending"}
    assert all(d.next_attempt_at == NOW for d in got.values())


def test_opting_out_drops_a_channel_but_not_a_critical_message(memory_store, settings):
    db = memory_store("notify")
    with db.uow() as uow:
        uow.session.add(models.OptOut(person_ref="p-ref-1", channel="sms", created_at=NOW))
        uow.commit()
    record(db, received("application.approved", approved_data()), settings)
    assert sorted(rows(db)) == ["email", "inapp"]
    offered = {"offer_id": "o1", "round_id": "r1234567890", "application_id": "a1", "person_ref": "p-ref-1",
               "unit_id": "U-101", "project_id": "P1", "respond_by": "2026-12-05", "source": "draw",
               "preference_index": 1, "seat": None}
    made = record(db, received("allocation.offered", offered, producer="allocation"), settings)
    assert sorted(d.channel for d in made) == ["email", "inapp", "sms"]  # allocation results are critical
    assert "2026年12月5日前确认选房" in next(d.body for d in made if d.channel == "sms")


def test_a_non_urgent_sms_at_night_waits_for_eight_in_the_morning(memory_store, settings):
    db = memory_store("notify")
    night = NOW.replace(hour=14)  # 22:00 in Shanghai
    record(db, received("application.approved", approved_data()), settings, now=night)
    got = rows(db)
    assert got["sms"].next_attempt_at == NOW.replace(day=24, hour=0)  # 08:00 the next morning
    assert got["email"].next_attempt_at == night


def test_the_sender_sends_through_the_sinks_and_keeps_only_a_masked_recipient(memory_store, settings, tmp_path):
    db = memory_store("notify")
    record(db, received("application.approved", approved_data()), settings)
    senders = {"sms": SmsFileSink(tmp_path / "sms.jsonl"), "email": EmailFileSink(tmp_path / "mail.txt", "a@b.cn")}
    asked = []

    def contacts(ref):
        asked.append(ref)
        return CONTACT

    clock = FixedClock(NOW)
    for ch in ("sms", "email", "inapp"):
        sender.run_channel(db.worker_db(), clock, ch, senders, contacts, settings, {})
    got = rows(db)
    assert {d.status for d in got.values()} == {"sent"}
    assert got["sms"].recipient_masked == "138****5678" and got["email"].recipient_masked == "z***@example.cn"
    sms = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert [(m["to"], m["event_id"]) for m in sms] == [("13812345678", got["sms"].event_id)]
    assert got["sms"].provider_message_id == sms[0]["provider_message_id"]
    assert asked == ["p-ref-1", "p-ref-1"]  # sms and e-mail; in-app needs no address
    with db.worker_db().read() as s:
        (msg,) = s.query(models.InboxMessage).all()
        assert msg.person_ref == "p-ref-1" and msg.subject == "申请审核通过"
    # nothing stored holds the phone or the address
    with db.worker_db().read() as s:
        dump = json.dumps([vars(d) for d in s.query(models.Delivery).all()], default=str)
    assert "13812345678" not in dump and "zhang.san" not in dump


class Failing:
    def __init__(self, retry=True):
        self.retry, self.calls = retry, 0

    def send(self, message):
        self.calls += 1
        raise SendFailed("gateway down", retry=self.retry)


def test_a_failing_channel_retries_on_its_schedule_then_dies_and_can_be_resent(memory_store, settings, tmp_path):
    db = memory_store("notify")
    record(db, received("application.approved", approved_data()), settings)
    failing, clock = Failing(), FixedClock(NOW)
    senders = {"sms": failing, "email": EmailFileSink(tmp_path / "mail.txt", "a@b.cn")}

    def run(ch):
        return sender.run_channel(db.worker_db(), clock, ch, senders, lambda ref: CONTACT, settings, {},
                                  random.Random(1))

    assert run("sms") == {"retry": 1}
    assert run("email") == {"sent": 1}  # the failing SMS channel does not hold e-mail up
    assert rows(db)["sms"].next_attempt_at == NOW + timedelta(seconds=1)
    assert run("sms") == {}  # not due yet
    clock.advance(seconds=1)
    assert run("sms") == {"retry": 1}
    clock.advance(seconds=2)
    assert run("sms") == {"dead": 1}
    sms = rows(db)["sms"]
    assert (sms.status, sms.attempts, sms.last_error) == ("dead", 3, "gateway down")
    assert sms.recipient_masked == "138****5678"
    assert failing.calls == 3
    with db.worker_db().read() as s:  # the dead letter is announced (the operator's alert)
        outbox = [dict(r) for r in s.execute(db.store.tables.outbox.select()).mappings().all()]
    assert any("notification.failed" in json.dumps(row, default=str) for row in outbox)
    with db.uow() as uow:
        deliveries.resend(uow, clock.now(), sms.id)
        uow.commit()
    senders["sms"] = SmsFileSink(tmp_path / "sms.jsonl")
    assert run("sms") == {"sent": 1}
    with db.uow() as uow, pytest.raises(deliveries.NotDead):
        deliveries.resend(uow, clock.now(), sms.id)


def test_a_rejection_is_not_retried_and_a_missing_contact_is_skipped(memory_store, settings):
    db = memory_store("notify")
    record(db, received("application.approved", approved_data()), settings)
    clock = FixedClock(NOW)
    senders = {"sms": Failing(retry=False), "email": Failing()}
    assert sender.run_channel(db.worker_db(), clock, "sms", senders, lambda r: CONTACT, settings, {}) == {"dead": 1}
    assert sender.run_channel(db.worker_db(), clock, "email", senders, lambda r: None, settings, {}) == {"skipped": 1}
    assert rows(db)["email"].last_error == "no contact on file for this person"


def test_contacts_unavailable_is_a_retry(memory_store, settings):
    db = memory_store("notify")
    record(db, received("application.approved", approved_data()), settings)

    def down(ref):
        raise Unavailable("applications.get_contact did not answer")

    got = sender.run_channel(db.worker_db(), FixedClock(NOW), "sms", {"sms": Failing()}, down, settings, {})
    assert got == {"retry": 1} and rows(db)["sms"].status == "pending"


def test_the_rate_limit_leaves_the_rest_for_later(memory_store, settings, tmp_path):
    db = memory_store("notify")
    for i in range(3):
        record(db, received("application.approved", approved_data(f"p-{i}")), settings)
    sink = SmsFileSink(tmp_path / "sms.jsonl")
    bucket = TokenBucket(rate=0.001, burst=2)
    got = sender.run_channel(db.worker_db(), FixedClock(NOW), "sms", {"sms": sink}, lambda r: CONTACT, settings,
                             {"sms": bucket})
    assert got == {"sent": 2, "rate_limited": 1}
    with db.worker_db().read() as s:
        left = s.query(models.Delivery).filter_by(channel="sms", status="pending").one()
        assert left.claimed_until is None  # given back, not leased


def test_a_template_that_cannot_render_this_event_kills_only_its_channel(memory_store, settings):
    db = memory_store("notify")
    data = approved_data()
    del data["household_size"]  # the e-mail template names it
    made = record(db, received("application.approved", data), settings)
    by = {d.channel: d for d in made}
    assert by["email"].status == "dead" and by["email"].last_error.startswith("template:")
    assert by["sms"].status == by["inapp"].status == "pending"


def test_webhook_deliveries_go_to_active_subscribers_of_the_type_without_personal_keys(memory_store, settings):
    db = memory_store("notify")
    with db.uow() as uow:
        for sid, types, status in (("s1", ["application.approved"], "active"), ("s2", ["round.drawn"], "active"),
                                   ("s3", ["application.approved"], "suspended")):
            uow.session.add(models.Subscription(id=sid, name=sid, url="http://127.0.0.1/x",
                                                event_types=json.dumps(types), secrets="[]",
                                                status=status, author="t", created_at=NOW))
        uow.commit()
    made = record(db, received("application.approved", approved_data()), settings)
    (hook,) = [d for d in made if d.channel == "webhook"]
    assert hook.subscription_id == "s1" and hook.person_ref is None
    body = json.loads(hook.body)
    assert body["event_type"] == "application.approved" and "person_ref" not in body["data"]
    assert body["data"]["points"] == "87.5"


def test_staff_events_wait_for_one_daily_digest_per_queue(memory_store, tmp_path):
    from services.notify import digests
    from services.notify.settings import delivery_settings

    settings = delivery_settings({"STAFF_DIGEST_EMAIL": "office@gulou.example", "DIGEST_AT": "08:00"})
    db = memory_store("notify")
    for _ in range(2):
        made = record(db, received("application.submitted", {"application_id": "a", "person_ref": "p"}), settings)
        assert made == []  # no message per event
    record(db, received("application.objection_filed", {"application_id": "a", "objection_id": "o",
                                                        "filed_at": "2026-11-23T01:00:00Z"}), settings)
    early = NOW.replace(hour=23, day=22)  # 07:00 local on the 23rd: not yet
    with db.uow() as uow:
        assert digests.send_due(uow, early, settings) == 0
        uow.commit()
    at8 = NOW.replace(day=23, hour=0)  # 08:00 local
    with db.uow() as uow:
        assert digests.send_due(uow, at8 + timedelta(hours=2), settings) == 2  # reviews and objections
        uow.commit()
    with db.uow() as uow:
        assert digests.send_due(uow, at8 + timedelta(hours=3), settings) == 0  # once a day
        uow.commit()
    sink = EmailFileSink(tmp_path / "mail.txt", "a@b.cn")
    got = sender.run_channel(db.worker_db(), FixedClock(at8 + timedelta(hours=2)), "email", {"email": sink},
                             lambda ref: None, settings, {})
    assert got == {"sent": 2}
    mail = (tmp_path / "mail.txt").read_text()
    assert mail.count("To: office@gulou.example") == 2


def test_the_delivery_log_is_paged_newest_first_with_the_total(memory_store, settings):
    """The one paging shape: pages are disjoint, cover the log, and say how many match in all."""
    db = memory_store("notify")
    for minutes in range(4):  # 4 approvals x 3 channels, a minute apart
        record(db, received("application.approved", approved_data()), settings, now=NOW + timedelta(minutes=minutes))
    with db.worker_db().read() as s:
        total, _, first, _ = deliveries.search(s, page=1, page_size=5)
        second = deliveries.search(s, page=2, page_size=5).items
        last = deliveries.search(s, page=3, page_size=5)
        sms_total, _, sms, _ = deliveries.search(s, channel="sms", page=1, page_size=50)
    assert last.next is None  # the last page leads nowhere
    last = last.items
    assert total == 12 and [len(first), len(second), len(last)] == [5, 5, 2]
    ids = [d.id for d in first + second + last]
    assert len(set(ids)) == 12
    stamps = [d.created_at for d in first + second + last]
    assert stamps == sorted(stamps, reverse=True)
    assert sms_total == 4 and {d.channel for d in sms} == {"sms"}
