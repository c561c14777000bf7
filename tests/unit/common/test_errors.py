"""The error table: statuses by MRO from a service's own table, titles from one place, and a
domain exception's field named in the problem response."""

import pytest

from services.common.errors import (
    TITLES,
    Conflict,
    check_status_table,
    field_errors,
    status_for,
    title_for,
)


class RuleBroken(Exception):
    pass


class SpecificRuleBroken(RuleBroken):
    pass


class AboutAField(ValueError):
    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def test_a_subclass_takes_its_base_status_and_unlisted_exceptions_are_unexpected():
    table = check_status_table({RuleBroken: 409})
    assert status_for(SpecificRuleBroken("x"), table) == 409
    assert status_for(KeyError("x"), table) is None
    assert status_for(RuleBroken("x"), {}) is None  # another service's table does not apply


def test_platform_errors_carry_their_own_status():
    assert status_for(Conflict("taken"), {}) == 409


def test_a_status_outside_the_documented_set_is_refused():
    with pytest.raises(ValueError, match="status 418"):
        check_status_table({RuleBroken: 418})


def test_a_domain_exception_names_its_field_and_explicit_errors_win():
    assert field_errors(AboutAField("on", "before the offer")) == {"on": ["before the offer"]}
    assert field_errors(Conflict("x", errors={"version": ["stale"]})) == {"version": ["stale"]}
    assert field_errors(RuleBroken("no field")) is None


def test_titles_come_from_one_table():
    assert title_for(409) == TITLES[409] == "Conflict"
    assert title_for(599) == "Error"


def test_a_rate_limit_counts_a_sliding_window_per_client_and_says_when_to_retry():
    from services.common.errors import TooManyRequests
    from services.common.ratelimit import Limiter, RateLimit

    now = [1000.0]
    limiter = Limiter(RateLimit(2, 3600), clock=lambda: now[0])
    limiter.hit("a")
    limiter.hit("a")
    limiter.hit("b")  # another client has its own window
    now[0] += 600
    with pytest.raises(TooManyRequests, match="at most 2 per hour") as refused:
        limiter.hit("a")
    assert refused.value.retry_after == 3000 and status_for(refused.value, {}) == 429
    now[0] += 3000  # the first two requests leave the window
    limiter.hit("a")
    limiter.hit("a")
    with pytest.raises(TooManyRequests):
        limiter.hit("a")
    with pytest.raises(ValueError):
        RateLimit(0, 10)
