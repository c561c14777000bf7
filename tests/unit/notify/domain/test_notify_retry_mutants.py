"""重试 retry rules at their edges (issue 20), beyond domain/test_notify_retry.py: each of
exponential's three refusals on its own and their words, a base below one second, a cap equal
to the base; a schedule's empty parts skipped and its refusals' words; jitter's bounds; the
jitter formula at a draw that is neither 0 nor ½; a Retry-After equal to the wait; attempts
counted from 1.

Equivalent mutants (scripts/mutate.py excludes them from the score):
- xǁRetryPolicyǁwait_after__mutmut_19: ``retry_after >= wait`` for ``>``: when the two are equal,
  the wait becomes float(retry_after), the same float the wait already is (the jitter factor
  makes it a float whatever the schedule holds).
"""
import pytest

from services.notify.domain.retry import RetryPolicy, exponential, parse_schedule

WORDS = r"^base > 0, retries >= 0 and cap >= base$"


@pytest.mark.parametrize("base,retries,cap", [(0, 1, 10), (-1, 1, 10), (1, -1, 10), (10, 1, 9.99)])
def test_exponential_refuses_each_bad_setting_on_its_own(base, retries, cap):
    with pytest.raises(ValueError, match=WORDS):
        exponential(base, retries, cap)


def test_exponential_edges():
    assert exponential(0.5, 3, 1) == (0.5, 1.0, 1.0)  # under a second is a base like any other
    assert exponential(7, 2, 7) == (7, 7)  # the cap may equal the base
    assert exponential(1, 1, 100) == (1,)


def test_a_schedule_skips_empty_parts_and_refuses_with_words():
    assert parse_schedule("5,,300,") == (5.0, 300.0)
    assert parse_schedule(" 0.5 ") == (0.5,)
    assert parse_schedule("") == ()
    with pytest.raises(ValueError, match=r"^retry schedule '5,x': comma-separated seconds$"):
        parse_schedule("5,x")
    with pytest.raises(ValueError, match=r"^retry schedule '5,0': every wait must be > 0 seconds$"):
        parse_schedule("5,0")


@pytest.mark.parametrize("jitter", [-0.01, 1.0, 1.5])
def test_jitter_outside_zero_to_one_is_refused_with_words(jitter):
    with pytest.raises(ValueError, match=r"^jitter must be in \[0, 1\)$"):
        RetryPolicy((1.0,), jitter=jitter)


def test_jitter_formula_and_its_edges():
    assert RetryPolicy((1.0,), jitter=0).max_attempts == 2
    assert RetryPolicy((100.0,)).jitter == 0.1
    # 100 × (1 − 0.1 + 2 × 0.1 × 0.25) = 100 × 0.95
    assert RetryPolicy((100.0,)).wait_after(1, 0.25) == pytest.approx(95.0)
    p = RetryPolicy((10.0, 20.0), jitter=0.5)
    assert p.wait_after(2, 0.0) == pytest.approx(10.0) and p.wait_after(2, 0.75) == pytest.approx(25.0)


def test_retry_after_equal_or_longer_and_its_type():
    p = RetryPolicy((10.0,), jitter=0)
    assert p.wait_after(1, 0.3, retry_after=10) == 10.0
    longer = p.wait_after(1, 0.3, retry_after=11)
    assert longer == 11.0 and isinstance(longer, float)


@pytest.mark.parametrize("attempts", [0, -1])
def test_attempts_count_from_one(attempts):
    with pytest.raises(ValueError, match=r"^attempts counts failed attempts, from 1$"):
        RetryPolicy((1.0,)).wait_after(attempts, 0.5)


def test_the_last_wait_is_used_then_none():
    p = RetryPolicy((1.0, 2.0, 3.0), jitter=0)
    assert [p.wait_after(n, 0.5) for n in (1, 2, 3, 4)] == [1.0, 2.0, 3.0, None]
