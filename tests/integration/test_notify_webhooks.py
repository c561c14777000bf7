"""Webhooks per Standard Webhooks on the real broker and both databases: an operator registers
a subscriber on localhost (allow-listed), which receives a signed POST the `standardwebhooks`
package verifies, only for its types and without personal keys; a subscriber that keeps
failing gets the retries, then a dead-letter entry, a suspended subscription and a
notification.failed event; 410 disables; Retry-After is honoured; a subscriber that hangs
does not stall the consumer; bad registrations are refused with a 4xx naming the field."""

from __future__ import annotations

import json
import uuid

import eventlet
import pytest
import requests
from notify_helpers import Receiver, approved_data, notify_config, publish
from polling import eventually
from standardwebhooks import Webhook

from services.common.events.contracts import build_envelope
from services.notify.service import NotifyService


@pytest.fixture
def receivers():
    made = []

    def make(**kw):
        made.append(Receiver(**kw))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture
def notify(store_for, running_service, service_config, tmp_path):
    def start(**over):
        config = notify_config(service_config, store_for("notify").url, tmp_path,
                               WEBHOOK_ALLOWED_HOSTS="127.0.0.1", RETRY_SCHEDULE_WEBHOOK="0.3,0.3",
                               WEBHOOK_TIMEOUT_SECONDS=1, **over)
        return running_service(NotifyService, config)

    return start


def subscribe(base, token, url, types=("application.approved",), name="民政局"):
    return requests.post(f"{base}/subscriptions", json={"name": name, "url": url, "event_types": list(types)},
                         headers=token, timeout=10)


def approval(ref="ref-abc") -> dict:
    return build_envelope("application.approved", approved_data(ref), district="demo", producer="applications")


def test_a_subscriber_gets_a_signed_post_of_its_types_only_without_personal_data(notify, receivers, dev_token,
                                                                                rabbit):
    svc = notify()
    op = dev_token("operator", subject="ops1")
    hook = receivers()
    created = subscribe(svc.base, op, hook.url)
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    assert secret.startswith("whsec_") and created.json()["status"] == "active"
    listed = requests.get(f"{svc.base}/subscriptions", headers=op, timeout=10).json()["subscriptions"]
    assert "secret" not in json.dumps(listed).replace('"secrets"', "")

    envelope = approval()
    publish(rabbit["AMQP_URI"], envelope)
    other = build_envelope("stock.units_added", {"project_id": "P1", "programme": "public_rental",
                                                 "unit_ids": ["U1"], "count": 1},
                           district="demo", producer="allocation")
    publish(rabbit["AMQP_URI"], other)  # not its type
    (got,) = eventually(lambda: hook.requests, timeout=15)
    eventlet.sleep(0.5)
    assert len(hook.requests) == 1
    payload = Webhook(secret).verify(got["body"], got["headers"])  # the reference verifier
    assert got["headers"]["webhook-id"] == envelope["event_id"]
    assert payload["event_type"] == "application.approved" and payload["data"]["points"] == "87.5"
    assert "person_ref" not in payload["data"] and "ref-abc" not in got["body"].decode()
    assert got["headers"]["content-type"] == "application/json"


def test_a_rotation_signs_with_both_secrets(notify, receivers, dev_token, rabbit):
    svc = notify()
    op = dev_token("operator")
    hook = receivers()
    sub = subscribe(svc.base, op, hook.url).json()
    rotated = requests.post(f"{svc.base}/subscriptions/{sub['subscription_id']}/secrets", json={}, headers=op,
                            timeout=10)
    assert rotated.status_code == 201, rotated.text
    publish(rabbit["AMQP_URI"], approval())
    (got,) = eventually(lambda: hook.requests, timeout=15)
    assert len(got["headers"]["webhook-signature"].split(" ")) == 2
    for secret in (sub["secret"], rotated.json()["secret"]):
        Webhook(secret).verify(got["body"], got["headers"])


def test_a_failing_subscriber_gets_the_retries_then_a_dead_letter_and_is_suspended(notify, receivers, dev_token,
                                                                                   rabbit, event_tap):
    svc = notify()
    op = dev_token("operator")
    failures = event_tap("notify", "notification.failed")
    hook = receivers(statuses=(500,))
    sub = subscribe(svc.base, op, hook.url).json()
    envelope = approval()
    publish(rabbit["AMQP_URI"], envelope)
    alert = failures.get(timeout=20)
    assert alert["data"]["event_id"] == envelope["event_id"] and alert["data"]["channel"] == "webhook"
    assert alert["data"]["attempts"] == 3 and alert["data"]["subscription_id"] == sub["subscription_id"]
    assert len(hook.requests) == 3  # the first try and the schedule's two retries
    gaps = [b["at"] - a["at"] for a, b in zip(hook.requests, hook.requests[1:], strict=False)]
    assert all(g >= 0.25 for g in gaps), gaps
    assert len({r["headers"]["webhook-id"] for r in hook.requests}) == 1  # the same id: dedup on their side
    dead = requests.get(f"{svc.base}/deliveries", params={"status": "dead", "channel": "webhook"}, headers=op,
                        timeout=10).json()["deliveries"]
    assert [(d["event_id"], d["attempts"], d["last_error"]) for d in dead] == [(envelope["event_id"], 3, "HTTP 500")]
    (listed,) = requests.get(f"{svc.base}/subscriptions", headers=op, timeout=10).json()["subscriptions"]
    assert listed["status"] == "suspended" and "retries exhausted" in listed["status_reason"]

    # the operator fixes things: re-activates, re-sends the dead letter, and it arrives
    hook.statuses = [500, 500, 500, 200]
    assert requests.put(f"{svc.base}/subscriptions/{sub['subscription_id']}/status", json={"status": "active"},
                        headers=op, timeout=10).status_code == 200
    resent = requests.post(f"{svc.base}/deliveries/{dead[0]['delivery_id']}/resend", json={}, headers=op, timeout=10)
    assert resent.status_code == 200, resent.text
    eventually(lambda: len(hook.requests) == 4, timeout=10)
    done = eventually(lambda: requests.get(f"{svc.base}/deliveries", params={"event_id": envelope["event_id"],
                                                                             "status": "sent"},
                                           headers=op, timeout=10).json()["deliveries"], timeout=10)
    assert [d["channel"] for d in done if d["channel"] == "webhook"] == ["webhook"]


def test_410_disables_and_retry_after_is_honoured(notify, receivers, dev_token, rabbit):
    svc = notify()
    op = dev_token("operator")
    gone = receivers(statuses=(410,))
    slow = receivers(statuses=(429, 204), headers={"Retry-After": "2"})
    gone_sub = subscribe(svc.base, op, gone.url, name="gone").json()
    subscribe(svc.base, op, slow.url, name="slow")
    publish(rabbit["AMQP_URI"], approval())
    eventually(lambda: len(slow.requests) == 2, timeout=15)
    assert slow.requests[1]["at"] - slow.requests[0]["at"] >= 1.9  # not the schedule's 0.3 s
    subs = {s["subscription_id"]: s for s in
            requests.get(f"{svc.base}/subscriptions", headers=op, timeout=10).json()["subscriptions"]}
    assert subs[gone_sub["subscription_id"]]["status"] == "disabled" and len(gone.requests) == 1
    publish(rabbit["AMQP_URI"], approval())
    eventually(lambda: len(slow.requests) == 3, timeout=15)
    assert len(gone.requests) == 1  # a disabled subscription gets nothing more


def test_a_hanging_subscriber_stalls_neither_the_consumer_nor_the_other_channels(notify, receivers, dev_token,
                                                                                 rabbit, tmp_path):
    from notify_helpers import sms_lines

    svc = notify()
    op = dev_token("operator")
    hang = receivers(statuses=(204,), delay=5)
    fast = receivers()
    subscribe(svc.base, op, hang.url, name="hang")
    subscribe(svc.base, op, fast.url, name="fast")
    for _ in range(3):
        publish(rabbit["AMQP_URI"], approval())
    # the fast subscriber gets all three while the other hangs past its 1 s timeout
    assert eventually(lambda: len(fast.requests) >= 3, timeout=6)
    # the consumer recorded every event meanwhile (applications is not running here: the SMS
    # deliveries wait for a contact, retrying; nothing was sent without one)
    log = requests.get(f"{svc.base}/deliveries", params={"channel": "sms"}, headers=op, timeout=10).json()
    assert len(log["deliveries"]) == 3 and sms_lines(tmp_path) == []


@pytest.mark.parametrize("body,field", [
    ({"name": "x", "url": "ftp://127.0.0.1/x", "event_types": ["application.approved"]}, "url"),
    ({"name": "x", "url": "http://10.0.0.7/x", "event_types": ["application.approved"]}, "url"),
    ({"name": "x", "url": "http://[::1]:9/x", "event_types": ["application.approved"]}, "url"),
    ({"name": "x", "url": "http://127.0.0.1:9/x", "event_types": ["application.teleported"]}, "event_types"),
    ({"name": "x", "url": "http://127.0.0.1:9/x", "event_types": []}, "event_types"),
    ({"name": "x", "url": "http://127.0.0.1:9/x", "event_types": ["DROP TABLE"]}, "event_types"),
])
def test_bad_subscriptions_are_refused_naming_the_field(notify, dev_token, body, field):
    svc = notify()
    resp = requests.post(f"{svc.base}/subscriptions", json=body, headers=dev_token("operator"), timeout=10)
    assert 400 <= resp.status_code < 500 and field in resp.json()["errors"], resp.text
    assert requests.post(f"{svc.base}/subscriptions", json=body, headers=dev_token("district_officer"),
                         timeout=10).status_code == 403


def test_unknown_ids_are_404(notify, dev_token):
    svc = notify()
    op = dev_token("operator")
    missing = str(uuid.uuid4())
    assert requests.post(f"{svc.base}/deliveries/{missing}/resend", json={}, headers=op, timeout=10).status_code == 404
    assert requests.put(f"{svc.base}/subscriptions/{missing}/status", json={"status": "active"}, headers=op,
                        timeout=10).status_code == 404


def test_secrets_are_stored_sealed_and_a_key_rotation_has_no_gap(store_for, running_service, service_config,
                                                               tmp_path, receivers, dev_token, rabbit):
    """The database holds no secret (a dump gives nothing away). Rotating WEBHOOK_SECRET_KEYS:
    new key first beside the old, reseal, then the old key dropped — and the subscriber's secret,
    which it cannot change by itself, still verifies every delivery."""
    from cryptography.fernet import Fernet
    from sqlalchemy import text

    store = store_for("notify")
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()

    def start(keys: str):
        return running_service(NotifyService, notify_config(
            service_config, store.url, tmp_path, WEBHOOK_ALLOWED_HOSTS="127.0.0.1", WEBHOOK_SECRET_KEYS=keys))

    def stored() -> str:
        with store.engine.connect() as conn:
            return conn.execute(text("SELECT secrets FROM subscriptions")).scalar_one()

    op, hook = dev_token("operator"), receivers()
    svc = start(old)
    secret = subscribe(svc.base, op, hook.url).json()["secret"]
    assert stored().startswith("fernet:") and secret not in stored() and secret.removeprefix("whsec_") not in stored()
    svc.stop()

    svc = start(f"{new},{old}")
    resealed = requests.post(f"{svc.base}/admin/subscriptions/reseal", headers=op, timeout=10)
    assert resealed.status_code == 200 and resealed.json() == {"resealed": 1}, resealed.text
    svc.stop()

    svc = start(new)  # the old key is gone
    listed = requests.get(f"{svc.base}/subscriptions", headers=op, timeout=10).json()["subscriptions"]
    assert [s["secrets"] for s in listed] == [1]
    publish(rabbit["AMQP_URI"], approval())
    (got,) = eventually(lambda: hook.requests, timeout=15)
    Webhook(secret).verify(got["body"], got["headers"])


def test_notify_refuses_to_answer_other_machines_with_the_development_webhook_key(store_for, container_factory,
                                                                                service_config, tmp_path,
                                                                                monkeypatch):
    from services.notify.sealing import SealError

    monkeypatch.delenv("WEBHOOK_SECRET_KEYS", raising=False)
    config = notify_config(service_config, store_for("notify").url, tmp_path, WEB_SERVER_ADDRESS="0.0.0.0:0",
                           JWT={"ALGORITHM": "HS256", "SECRET": "a-district-secret-not-the-dev-one"})
    with pytest.raises(SealError, match="development webhook key"):
        container_factory(NotifyService, config).start()
