"""配租 offers: the rules `make mutate` showed no test stated (issue 20).

Every refusal's exact text (the applicant's clerk reads it) and its field; the boundary days
of answering (the offer's own day, the respond-by day, a late "no" still a no); the decline
policy's limits and defaults; a refusal count past the limit still suspends; the waitlist's
first matching preference, its default of no one suspended, and accessibility.
"""
from datetime import date

import pytest

from services.allocation.domain.fit import FitPolicy
from services.allocation.domain.offers import (
    DeclinePolicy,
    Offer,
    OfferError,
    OfferStatus,
    accept,
    check_expiry_date,
    decline,
    expire,
    is_suspended,
    make_offer,
    next_from_waitlist,
    register_refusal,
)
from services.allocation.domain.ranking import PoolEntry
from services.allocation.domain.stock import Unit

D = date(2026, 12, 1)
POLICY = FitPolicy(2, 0, {"pr": {"public_rental"}})


def refused(fn, *args) -> str:
    with pytest.raises(OfferError) as e:
        fn(*args)
    assert e.value.field == "on"
    return str(e.value)


def test_make_offer_zero_days_answerable_that_day_only():
    o = make_offer("A1", "r1", "U1", D, 0)
    assert o == Offer("A1", "r1", "U1", D, D, OfferStatus.OFFERED, None)
    assert accept(o, D).answered_on == D
    with pytest.raises(ValueError) as e:
        make_offer("A1", "r1", "U1", D, -1)
    assert str(e.value) == "response_days must be >= 0"


def test_answers_carry_status_and_day():
    o = make_offer("A1", "r1", "U1", D, 7)
    assert accept(o, D) == Offer("A1", "r1", "U1", D, date(2026, 12, 8), OfferStatus.ACCEPTED, D)
    late = date(2026, 12, 20)
    assert decline(o, late) == Offer("A1", "r1", "U1", D, date(2026, 12, 8), OfferStatus.DECLINED, late)
    assert expire(o, late).answered_on == late and o.status is OfferStatus.OFFERED  # the original unchanged


def test_refusal_texts():
    o = make_offer("A1", "r1", "U1", D, 7)
    assert refused(accept, o, date(2026, 12, 9)) == "offer expired on 2026-12-08; cannot accept on 2026-12-09"
    assert refused(expire, o, date(2026, 12, 8)) == "offer is answerable until 2026-12-08; not expired on 2026-12-08"
    assert refused(accept, o, date(2026, 11, 30)) == "answer dated 2026-11-30 precedes the offer (2026-12-01)"
    assert refused(decline, o, date(2026, 11, 30)) == "answer dated 2026-11-30 precedes the offer (2026-12-01)"
    done = accept(o, D)
    assert refused(decline, done, D) == "offer of U1 to A1 is already accepted"
    assert refused(expire, expire(o, date(2026, 12, 9)), date(2026, 12, 10)) == "offer of U1 to A1 is already expired"


def test_expiry_run_date():
    check_expiry_date(D, D)
    check_expiry_date(date(2026, 11, 1), D)
    assert refused(check_expiry_date, date(2026, 12, 2), D) == (
        "offers are expired for today or a past day, not 2026-12-02 (today is 2026-12-01): an offer can be "
        "answered until its respond-by day")


def test_decline_policy_limits_and_defaults():
    assert DeclinePolicy() == DeclinePolicy(2, 365, True)
    DeclinePolicy(max_declines=1, suspension_days=0)
    for kw in (dict(max_declines=0), dict(suspension_days=-1)):
        with pytest.raises(ValueError) as e:
            DeclinePolicy(**kw)
        assert str(e.value) == "max_declines must be >= 1 and suspension_days >= 0"


def test_refusal_counting_at_and_past_the_limit():
    policy = DeclinePolicy()  # two refusals, a year's suspension; an expiry counts
    no = decline(make_offer("A1", "r1", "U1", D, 7), D)
    assert register_refusal(0, no, policy) == (1, None)
    assert register_refusal(1, no, policy) == (0, date(2027, 12, 1))
    assert register_refusal(5, no, policy) == (0, date(2027, 12, 1))  # a count already past it
    expired = expire(make_offer("A1", "r1", "U1", D, 0), date(2026, 12, 2))
    assert register_refusal(0, expired, policy) == (1, None)
    accepted = accept(make_offer("A1", "r1", "U1", D, 0), D)
    with pytest.raises(OfferError) as e:
        register_refusal(0, accepted, policy)
    assert str(e.value) == "offer is accepted, not a refusal"
    with pytest.raises(OfferError):
        register_refusal(0, make_offer("A1", "r1", "U1", D, 0), DeclinePolicy(expiry_counts=False))
    # a declined offer counts even when expiries do not
    assert register_refusal(0, no, DeclinePolicy(3, 10, False)) == (1, None)
    assert register_refusal(2, no, DeclinePolicy(3, 10, False)) == (0, date(2026, 12, 11))


def test_suspension_days():
    assert not is_suspended(None, D)
    assert is_suspended(D, date(2026, 11, 30))
    assert is_suspended(D, D)
    assert not is_suspended(D, date(2026, 12, 2))


def unit(**kw):
    args = dict(unit_id="U9", project_id="P1", building="1", number="9", floor=1, rooms=1, area_tenths=300,
                beds=0, rent_fen=0, category="public_rental", accessible=False)
    return Unit(**{**args, **kw})


def test_waitlist_index_is_the_first_matching_preference():
    e = PoolEntry("W1", "r1", 900, 1, "pr", ("X", "public_rental", "P1"))
    assert next_from_waitlist([e], unit(), POLICY) == (e, 1)
    e2 = PoolEntry("W2", "r2", 900, 1, "pr", ("P1", "public_rental"))
    assert next_from_waitlist([e2], unit(), POLICY) == (e2, 0)
    # by default no one is suspended
    assert next_from_waitlist([e2], unit(), POLICY)[0] is e2


def test_waitlist_skips_who_needs_an_accessible_unit_and_the_next_is_chosen():
    needs = PoolEntry("W1", "r1", 900, 1, "pr", ("P1",), needs_accessible=True)
    other = PoolEntry("W2", "r2", 800, 1, "pr", ("P1",))
    assert next_from_waitlist([needs, other], unit(), POLICY) == (other, 0)
    assert next_from_waitlist([needs, other], unit(accessible=True), POLICY) == (needs, 0)
    assert next_from_waitlist([needs, other], unit(), POLICY, {"r2"}) is None
    assert next_from_waitlist([], unit(), POLICY) is None
