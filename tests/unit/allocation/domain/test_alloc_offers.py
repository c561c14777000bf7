from datetime import date

import pytest

from services.allocation.domain.fit import FitPolicy
from services.allocation.domain.offers import (
    DeclinePolicy,
    OfferError,
    OfferStatus,
    accept,
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


def test_respond_by_is_inclusive():
    o = make_offer("A1", "r1", "U1", D, 7)
    assert o.respond_by == date(2026, 12, 8)
    assert accept(o, date(2026, 12, 8)).status is OfferStatus.ACCEPTED
    with pytest.raises(OfferError, match="expired"):
        accept(o, date(2026, 12, 9))
    with pytest.raises(OfferError, match="not expired"):
        expire(o, date(2026, 12, 8))
    assert expire(o, date(2026, 12, 9)).status is OfferStatus.EXPIRED


def test_answered_offer_cannot_be_answered_again():
    o = decline(make_offer("A1", "r1", "U1", D, 7), D)
    with pytest.raises(OfferError, match="already declined"):
        accept(o, D)


def test_suspension_after_max_declines():
    policy = DeclinePolicy(max_declines=2, suspension_days=180)
    first = register_refusal(0, decline(make_offer("A1", "r1", "U1", D, 7), D), policy)
    assert first == (1, None)
    # second refusal (an expiry, which counts) on 2027-01-10 → suspended 180 days, to 2027-07-09
    o2 = expire(make_offer("A1", "r1", "U2", date(2027, 1, 1), 7), date(2027, 1, 10))
    second = register_refusal(first.declines, o2, policy)
    assert second == (0, date(2027, 7, 9))
    assert is_suspended(second.suspended_until, date(2027, 7, 9))
    assert not is_suspended(second.suspended_until, date(2027, 7, 10))


def test_expiry_need_not_count():
    policy = DeclinePolicy(max_declines=1, suspension_days=30, expiry_counts=False)
    o = expire(make_offer("A1", "r1", "U1", D, 0), date(2026, 12, 2))
    assert register_refusal(0, o, policy) == (0, None)
    with pytest.raises(OfferError):
        register_refusal(0, accept(make_offer("A1", "r1", "U1", D, 0), D), policy)


def test_next_from_waitlist_best_ranked_fitting_not_suspended():
    unit = Unit("U9", "P1", "1", "9", 1, 1, 300, 0, 0, "public_rental", False)  # capacity 2
    waitlist = [
        PoolEntry("W1", "r1", 900, 3, "pr", ("P1",)),              # too large
        PoolEntry("W2", "r2", 800, 1, "pr", ("P1",)),              # suspended
        PoolEntry("W3", "r3", 700, 2, "pr", ("P2",)),              # did not ask for P1
        PoolEntry("W4", "r4", 600, 2, "pr", ("P2", "public_rental")),  # category matches
        PoolEntry("W5", "r5", 500, 1, "pr", ("P1",)),
    ]
    got = next_from_waitlist(waitlist, unit, POLICY, suspended={"r2"})
    assert got is not None and got[0].application_id == "W4" and got[1] == 1
    got = next_from_waitlist(waitlist, unit, POLICY, suspended={"r2"}, require_preference=False)
    assert got[0].application_id == "W3" and got[1] == -1
    assert next_from_waitlist(waitlist[:3], unit, POLICY, suspended={"r2"}) is None
