"""Fault 1: SIGKILL a consumer service in the middle of a burst, restart it: every event has
its effect exactly once (PostgreSQL, the real broker, the service's real process).

Every registered consumer in the long form (`make faults`: 2,000-event bursts); the short form
(`make test`) runs consumers.REPRESENTATIVE (10 of 19, one per service and kind of handler), as
each costs a service start and a burst (~13 s)."""

from __future__ import annotations

import time

import pytest
from checker import classify
from consumers import CONSUMERS, REPRESENTATIVE
from harness import LONG, burst_size, publish, wait_for

N = burst_size(150)
KILLED = CONSUMERS if LONG else [c for c in CONSUMERS if c.name in REPRESENTATIVE]


@pytest.mark.timeout(900)
@pytest.mark.parametrize("consumer", KILLED, ids=lambda c: c.name)
def test_sigkill_mid_burst_then_restart_has_every_effect_once(consumer, fresh_db, services):
    url = fresh_db(consumer.service)
    engine = fresh_db.engine(consumer.service)
    svc = services(consumer.service, url)
    envelopes = consumer.prepared(url, N)
    published = {e["event_id"]: consumer.key_of(e) for e in envelopes}
    publish(services.amqp_uri, envelopes)

    done_at_kill = wait_for(lambda: sum(consumer.effects(engine).values()) >= N // 10 or None, 60,
                            "the first effects")
    svc.kill()
    done_at_kill = sum(consumer.effects(engine).values())
    assert done_at_kill < N, "the burst finished before the kill: nothing was tested (raise N)"

    started = time.monotonic()
    svc.start()
    # finance pays pending reliefs on every relief.approved, reading all pending ones each time
    # (quadratic in a burst with no budget set): hence the generous bound in the long form
    wait_for(lambda: sum(consumer.effects(engine).values()) >= N, 60 + 0.4 * N, f"all {N} effects after the restart")
    recovered = time.monotonic() - started
    time.sleep(1.0)  # anything redelivered late would show up as a second effect now
    verdict = classify(published, consumer.effects(engine))
    print(f"\n{consumer.name}: killed after {done_at_kill}/{N} effects; all done {recovered:.1f}s after restart; "
          f"{verdict.summary()}")
    verdict.assert_exactly_once()
