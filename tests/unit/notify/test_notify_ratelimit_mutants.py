"""限速 the token bucket and its setting at their edges (issue 20), beyond
domain/test_notify_gateway_and_limits.py: a bucket refuses a rate of 0 or a burst of 0 with
words that say what is allowed; the bucket starts full at the time given; time going backwards
neither refills nor moves the stamp; a setting's spaces are allowed, its words name the setting.

Equivalent mutants (scripts/mutate.py excludes them from the score):
- xǁTokenBucketǁtake__mutmut_1: ``now >= self.stamp`` for ``>``: at ``now == stamp`` the refill
  adds (now − stamp) × rate = 0 tokens and sets the stamp to the value it has.
"""
import pytest

from services.notify.domain.ratelimit import TokenBucket, parse_limit


@pytest.mark.parametrize("rate,burst", [(0, 1), (-1, 1), (1, 0), (1, -1)])
def test_a_bucket_needs_a_positive_rate_and_a_burst_of_one_or_more(rate, burst):
    with pytest.raises(ValueError, match=r"^a rate limit needs rate > 0 per second and burst >= 1$"):
        TokenBucket(rate, burst)


def test_the_smallest_bucket_and_its_start():
    b = TokenBucket(0.5, 1, now=100.0)
    assert (b.rate, b.burst, b.tokens, b.stamp) == (0.5, 1, 1.0, 100.0)
    assert isinstance(b.rate, float) and isinstance(b.burst, int)
    assert b.take(100.0) is True and b.take(101.9) is False  # 0.95 of a token after 1.9 s
    assert b.take(102.0) is True  # exactly one token again after 2 s at 0.5/s


def test_a_bucket_made_without_a_time_starts_at_zero():
    b = TokenBucket(1, 1)
    assert b.stamp == 0.0
    # one token a second from 0 s: taken at 0, half refilled at 0.5, whole again at 1.0
    assert [b.take(0.0), b.take(0.5), b.take(1.0)] == [True, False, True]


def test_time_going_back_does_not_refill():
    b = TokenBucket(1, 1, now=10.0)
    assert b.take(10.0) is True
    assert b.take(5.0) is False and b.stamp == 10.0  # an earlier clock reading changes nothing
    assert b.take(10.5) is False and b.tokens == 0.5
    assert b.take(11.0) is True and b.tokens == 0.0


@pytest.mark.parametrize("text,parsed", [(" 2 / s , 3 ", (2.0, 3)), ("1/h,1", (1 / 3600, 1)), ("0.5/s,1", (0.5, 1))])
def test_spaces_and_fractions_are_read(text, parsed):
    assert parse_limit(text) == parsed


@pytest.mark.parametrize("text", ["20/s", "20/s,40,1", "20/s/m,1", "20/x,1", "/s,1", "20/s,x"])
def test_a_setting_that_cannot_be_read_says_how_to_write_it(text):
    with pytest.raises(ValueError, match=r"^rate limit '.*': give N/s\|m\|h,BURST, e.g. 20/s,40$"):
        parse_limit(text)


@pytest.mark.parametrize("text", ["0/s,1", "-1/s,1", "1/s,0", "1/s,-1"])
def test_a_setting_out_of_range_says_so(text):
    with pytest.raises(ValueError, match=r"^rate limit '.*': rate > 0 and burst >= 1$"):
        parse_limit(text)


def test_a_minute_is_sixty_seconds():
    assert parse_limit("1/m,1") == (1 / 60, 1)
