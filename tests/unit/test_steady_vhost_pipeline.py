"""The tests' vhost pipeline (tests/bus.py SteadyPipeline) survives the management API's
hiccups: nameko's own pipeline let its create thread die at the first error, and the next test
waited for a vhost until the 300 s timeout killed the whole CI run."""

import eventlet
import pytest
from bus import SteadyPipeline


def test_a_creation_that_fails_now_and_then_is_retried():
    calls = []

    def create():
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("management API refused")
        return f"vh{len(calls)}"

    with SteadyPipeline(create, lambda v: None, size=1, delay=0).run() as pipe:
        with eventlet.Timeout(5), pipe.get() as vhost:
            assert vhost == "vh3"


def test_a_creation_that_keeps_failing_fails_the_test_that_asks_instead_of_hanging():
    def create():
        raise ConnectionError("management API down")

    with SteadyPipeline(create, lambda v: None, size=1, attempts=2, delay=0).run() as pipe:
        with eventlet.Timeout(5), pytest.raises(RuntimeError, match="management API down"), pipe.get():
            pass  # pragma: no cover - get raises before the body
        pipe.running = False


def test_a_delete_that_fails_does_not_stop_the_later_deletes():
    made, deleted = iter(range(100)), []

    def destroy(vhost):
        if vhost == 0:
            raise ConnectionError("refused")
        deleted.append(vhost)

    with SteadyPipeline(lambda: next(made), destroy, size=1, delay=0).run() as pipe:
        for _ in range(3):
            with eventlet.Timeout(5), pipe.get():
                pass
        eventlet.sleep(0.01)
    assert 1 in deleted and 2 in deleted
