"""Fault 5: poison messages (not JSON, a schema_version the consumer does not read, an event
type it does not know, an event its handler always fails on) go to the consumer's dead-letter
queue with the reason in headers, and the consumer keeps going: every good event around them
has its effect once. Then `anju events replay` moves dead letters back once the cause is fixed."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid

import pytest
from checker import classify
from consumers import BY_NAME, CONSUMERS
from harness import ROOT, publish, queue_depth, queue_messages, wait_for
from kombu import Connection, Producer

POOL = BY_NAME["allocation.pool"]


def _anju(amqp_uri: str, *args: str) -> str:
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "anju"), *args], env=dict(os.environ, AMQP_URI=amqp_uri),
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_poison_goes_to_the_dlq_with_its_reason_and_the_consumer_keeps_going(fresh_db, services):
    url = fresh_db("allocation")
    engine = fresh_db.engine("allocation")
    services("allocation", url)
    amqp = services.amqp_uri

    good = [POOL.envelope() for _ in range(30)]
    wrong_version = POOL.envelope()
    wrong_version["schema_version"] = 2
    unknown_type = POOL.envelope()
    unknown_type["event_type"] = "application.teleported"
    always_fails = POOL.envelope()
    always_fails["data"]["preferences"] = ["P1", "P1"]  # the pool's domain refuses duplicate preferences
    publish(amqp, good[:10] + [wrong_version] + good[10:20] + [always_fails],
            raw=[("applications.events", "application.approved", b"{not json"),
                 ("applications.events", "application.approved", json.dumps(unknown_type).encode())])
    publish(amqp, good[20:])

    dlq = POOL.queue + ".dlq"
    wait_for(lambda: queue_depth(amqp, dlq) >= 4, 60, "four dead letters")
    wait_for(lambda: sum(POOL.effects(engine).values()) >= len(good), 60, "the good events' effects")
    reasons = {}
    for headers, body in queue_messages(amqp, dlq):
        assert headers["x-anju-handler"] == "allocation.on_application_approved"
        assert headers["x-anju-queue"] == POOL.queue
        reasons[body[:40]] = headers["x-anju-dead-letter-reason"]
    text = " | ".join(reasons.values())
    assert "not JSON" in text, text
    assert "schema_version 2" in text, text
    assert "unknown event type 'application.teleported'" in text, text
    assert "handler failed 5 times" in text, text
    assert len(reasons) == 4 and queue_depth(amqp, dlq) == 4

    published = {e["event_id"]: POOL.key_of(e) for e in good}
    classify(published, POOL.effects(engine)).assert_exactly_once()

    # still consuming after the poison
    late = [POOL.envelope() for _ in range(5)]
    publish(amqp, late)
    published.update({e["event_id"]: POOL.key_of(e) for e in late})
    wait_for(lambda: sum(POOL.effects(engine).values()) >= len(published), 30, "the late events' effects")
    verdict = classify(published, POOL.effects(engine))
    print(f"\npoison: 4 dead-lettered with reasons; {verdict.summary()}")
    verdict.assert_exactly_once()


def _into_dlq(amqp: str, queue: str, envelopes: list[dict]) -> None:
    """Messages dead-lettered while a (since fixed) bug made the handler fail."""
    with Connection(amqp) as conn:
        conn.default_channel.queue_declare(queue + ".dlq", durable=True, auto_delete=False)
        for env in envelopes:
            Producer(conn.default_channel).publish(
                json.dumps(env), exchange="", routing_key=queue + ".dlq", delivery_mode=2, message_id=env["event_id"],
                content_type="application/json",
                headers={"x-anju-dead-letter-reason": "handler failed 5 times; last: RuntimeError('bug 42')"})


def test_replay_from_the_dlq_moves_what_it_says_once(fresh_db, services):
    url = fresh_db("allocation")
    engine = fresh_db.engine("allocation")
    services("allocation", url)
    amqp = services.amqp_uri
    dead = [POOL.envelope() for _ in range(6)]
    _into_dlq(amqp, POOL.queue, dead)
    dlq = POOL.queue + ".dlq"

    out = _anju(amqp, "events", "replay", "--from", "dlq", "--queue", POOL.queue, "--dry-run")
    assert out.count("would move") == 6 and "nothing was moved" in out, out
    assert queue_depth(amqp, dlq) == 6

    one = dead[0]["event_id"]
    out = _anju(amqp, "events", "replay", "--from", "dlq", "--queue", POOL.queue, "--event-id", one)
    assert f"moved {one} application.approved" in out and "1 message(s) moved" in out, out
    assert "bug 42" in out  # the reason it was dead-lettered
    wait_for(lambda: sum(POOL.effects(engine).values()) == 1, 30, "the replayed event's effect")
    assert queue_depth(amqp, dlq) == 5

    out = _anju(amqp, "events", "replay", "--from", "dlq", "--queue", POOL.queue + ".dlq")
    assert "5 message(s) moved" in out, out
    wait_for(lambda: sum(POOL.effects(engine).values()) == 6, 30, "all six effects")
    # A second copy of everything (an operator replaying twice): the inbox absorbs it.
    _into_dlq(amqp, POOL.queue, dead)
    assert "6 message(s) moved" in _anju(amqp, "events", "replay", "--from", "dlq", "--queue", POOL.queue)
    wait_for(lambda: queue_depth(amqp, POOL.queue) == 0, 30, "the copies to be consumed")
    time.sleep(0.5)
    classify({e["event_id"]: POOL.key_of(e) for e in dead}, POOL.effects(engine)).assert_exactly_once()
    assert queue_depth(amqp, dlq) == 0


@pytest.mark.parametrize("consumer", [c for c in CONSUMERS if c is not POOL], ids=lambda c: c.name)
def test_every_consumer_dead_letters_poison_and_keeps_going(consumer, fresh_db, services):
    """The poison the broker can bring to any consumer (not JSON, a schema_version it does not
    read, an event type it does not know — except notify's catch-all handlers, which acknowledge
    a type not in their catalogue with nothing to send), and, where a consumer has one, data
    its handler always fails on — for every registered consumer (the pool's approval handler
    is the test above). The good events around them, half of them delivered twice, each have
    their effect once."""
    url = fresh_db(consumer.service)
    engine = fresh_db.engine(consumer.service)
    services(consumer.service, url)
    amqp = services.amqp_uri
    good = consumer.prepared(url, 10)
    wrong_version = consumer.envelope()
    wrong_version["schema_version"] = 2
    unknown_type = consumer.envelope()
    unknown_type["event_type"] = consumer.event_type + "_teleported"
    bad = [wrong_version]
    if consumer.always_fails is not None:
        failing = consumer.envelope()
        failing["data"] = consumer.always_fails(uuid.uuid4().hex[:12])
        bad.append(failing)
    exchange = f"{consumer.producer}.events"
    publish(amqp, good[:5] + bad,
            raw=[(exchange, consumer.event_type, b"{not json"),
                 (exchange, consumer.event_type, json.dumps(unknown_type).encode())])
    publish(amqp, good[5:] + good[:5])  # and the first five again (same event ids): the inbox absorbs them
    dead = 2 + len(bad) if consumer.refuses_unknown_types else 1 + len(bad)
    dlq = consumer.queue + ".dlq"
    wait_for(lambda: queue_depth(amqp, dlq) >= dead, 60 + 15 * (consumer.always_fails is not None),
             f"{dead} dead letters")
    wait_for(lambda: sum(consumer.effects(engine).values()) >= len(good), 60, "the good events' effects")
    reasons = [headers["x-anju-dead-letter-reason"] for headers, _ in queue_messages(amqp, dlq)]
    text = " | ".join(reasons)
    assert len(reasons) == dead, text
    assert "not JSON" in text and "schema_version 2" in text, text
    assert ("unknown event type" in text) == consumer.refuses_unknown_types, text
    assert ("handler failed" in text) == (consumer.always_fails is not None), text
    wait_for(lambda: queue_depth(amqp, consumer.queue) == 0, 30, "the copies to be consumed")
    time.sleep(0.5)
    verdict = classify({e["event_id"]: consumer.key_of(e) for e in good}, consumer.effects(engine))
    print(f"\n{consumer.name} poison: {dead} dead-lettered with reasons; {verdict.summary()}")
    verdict.assert_exactly_once()
