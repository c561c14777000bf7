"""Retry schedules: hand-computed waits with jitter at its extremes, Retry-After as a floor
raiser, give-up after the last wait."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.notify.domain.retry import WEBHOOK_SCHEDULE, RetryPolicy, exponential, parse_schedule


def test_exponential_doubles_up_to_the_cap():
    assert exponential(30, 6, 3600) == (30, 60, 120, 240, 480, 960)
    assert exponential(30, 9, 3600) == (30, 60, 120, 240, 480, 960, 1920, 3600, 3600)
    assert exponential(5, 0, 5) == ()
    with pytest.raises(ValueError):
        exponential(0, 3, 10)


def test_the_webhook_schedule_is_the_standards_5s_5min_30min_2h_5h_10h():
    assert WEBHOOK_SCHEDULE == (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600)


def test_waits_with_jitter_at_its_extremes():
    p = RetryPolicy((10.0, 100.0), jitter=0.2)
    assert p.wait_after(1, 0.0) == pytest.approx(8.0)  # 10 × 0.8
    assert p.wait_after(1, 0.5) == pytest.approx(10.0)
    assert p.wait_after(2, 0.999999) == pytest.approx(120.0, rel=1e-5)  # 100 × 1.2
    assert p.wait_after(3, 0.5) is None  # two retries, then dead
    assert p.max_attempts == 3


def test_retry_after_only_lengthens_the_wait():
    p = RetryPolicy((10.0,), jitter=0)
    assert p.wait_after(1, 0.3, retry_after=60) == 60
    assert p.wait_after(1, 0.3, retry_after=2) == 10


@given(st.lists(st.floats(0.1, 1e5), min_size=1, max_size=8), st.floats(0, 0.99), st.floats(0, 0.999))
def test_a_wait_stays_within_the_jitter_band(schedule, jitter, draw):
    p = RetryPolicy(tuple(schedule), jitter)
    for n, base in enumerate(schedule, start=1):
        assert base * (1 - jitter) - 1e-9 <= p.wait_after(n, draw) <= base * (1 + jitter) + 1e-9
    assert p.wait_after(len(schedule) + 1, draw) is None


@pytest.mark.parametrize("text", ["a,b", "5,-1", "0", "5,,x"])
def test_a_schedule_that_makes_no_sense_is_refused(text):
    with pytest.raises(ValueError):
        parse_schedule(text)


def test_a_schedule_setting():
    assert parse_schedule("5, 300,1800") == (5.0, 300.0, 1800.0)
    with pytest.raises(ValueError):
        RetryPolicy((1.0,), jitter=1.0)
