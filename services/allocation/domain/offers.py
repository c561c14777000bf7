"""配租 offers: offered → accepted / declined / expired; decline penalties; 轮候 move-up.

Dates are calendar dates in the district's local time (Asia/Shanghai); the service converts
from UTC at the edge. ``respond_by`` is inclusive: an answer on that day still counts.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from .fit import FitPolicy
from .ranking import PoolEntry
from .stock import Unit


class OfferStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


class OfferError(ValueError):
    """An offer was answered in a state or on a date that does not allow it; reported against
    the answer's date, ``on``."""

    field = "on"


@dataclass(frozen=True, slots=True)
class Offer:
    application_id: str
    person_ref: str
    unit_id: str
    offered_on: date
    respond_by: date
    status: OfferStatus = OfferStatus.OFFERED
    answered_on: date | None = None


def make_offer(application_id: str, person_ref: str, unit_id: str, offered_on: date,
               response_days: int) -> Offer:
    """An open offer answerable up to and including ``offered_on + response_days``."""
    if response_days < 0:
        raise ValueError("response_days must be >= 0")
    return Offer(application_id, person_ref, unit_id, offered_on,
                 offered_on + timedelta(days=response_days))


def _answer(offer: Offer, on: date, status: OfferStatus) -> Offer:
    if offer.status is not OfferStatus.OFFERED:
        raise OfferError(f"offer of {offer.unit_id} to {offer.application_id} is already "
                         f"{offer.status.value}")
    if on < offer.offered_on:
        raise OfferError(f"answer dated {on} precedes the offer ({offer.offered_on})")
    return dataclasses.replace(offer, status=status, answered_on=on)


def accept(offer: Offer, on: date) -> Offer:
    if on > offer.respond_by:
        raise OfferError(f"offer expired on {offer.respond_by}; cannot accept on {on}")
    return _answer(offer, on, OfferStatus.ACCEPTED)


def decline(offer: Offer, on: date) -> Offer:
    # A late "no" is still a no; recording it as declined rather than refusing is kinder
    # to the record and has the same penalty effect.
    return _answer(offer, on, OfferStatus.DECLINED)


def check_expiry_date(on: date, today: date) -> None:
    """Offers are expired for today or a past day: a run for a later day would expire offers
    that can still be answered."""
    if on > today:
        raise OfferError(f"offers are expired for today or a past day, not {on} (today is {today}): an "
                         f"offer can be answered until its respond-by day")


def expire(offer: Offer, on: date) -> Offer:
    if on <= offer.respond_by:
        raise OfferError(f"offer is answerable until {offer.respond_by}; not expired on {on}")
    return _answer(offer, on, OfferStatus.EXPIRED)


@dataclass(frozen=True, slots=True)
class DeclinePolicy:
    """After ``max_declines`` refusals the person is suspended for ``suspension_days``.

    ``expiry_counts``: an offer left to expire counts as a refusal (逾期未确认视为放弃).
    The count restarts after a suspension is imposed.
    """

    max_declines: int = 2
    suspension_days: int = 365
    expiry_counts: bool = True

    def __post_init__(self) -> None:
        if self.max_declines < 1 or self.suspension_days < 0:
            raise ValueError("max_declines must be >= 1 and suspension_days >= 0")


class RefusalOutcome(NamedTuple):
    declines: int                  # count to store after this refusal
    suspended_until: date | None   # last day of suspension, if one was imposed now


def register_refusal(declines_so_far: int, answered: Offer, policy: DeclinePolicy) -> RefusalOutcome:
    """Count a declined (or, per policy, expired) offer; suspend on reaching the limit."""
    if answered.status is OfferStatus.EXPIRED and not policy.expiry_counts:
        return RefusalOutcome(declines_so_far, None)
    if answered.status not in (OfferStatus.DECLINED, OfferStatus.EXPIRED):
        raise OfferError(f"offer is {answered.status.value}, not a refusal")
    count = declines_so_far + 1
    if count >= policy.max_declines:
        assert answered.answered_on is not None
        return RefusalOutcome(0, answered.answered_on + timedelta(days=policy.suspension_days))
    return RefusalOutcome(count, None)


def is_suspended(suspended_until: date | None, on: date) -> bool:
    return suspended_until is not None and on <= suspended_until


def next_from_waitlist(
    waitlist: Iterable[PoolEntry],
    unit: Unit,
    fit_policy: FitPolicy,
    suspended: Container[str] = frozenset(),
    require_preference: bool = True,
) -> tuple[PoolEntry, int] | None:
    """Best-ranked waitlisted applicant for a freed ``unit``, with the preference index.

    ``waitlist`` is in rank order (``RoundResult.waitlist`` mapped back to entries, minus
    anyone already holding an offer). ``suspended`` holds ``person_ref``s. With
    ``require_preference`` (the default) only applicants who listed the unit's project or
    category are considered — the unit is offered to people who asked for it; the index is
    the first preference it satisfies, or -1 when preferences are not required and none
    matches.
    """
    for e in waitlist:
        if e.person_ref in suspended:
            continue
        if not fit_policy.fits(unit, e.household_size, e.programme, e.needs_accessible):
            continue
        k = -1
        for i, token in enumerate(e.preferences):
            if token == unit.project_id or token == unit.category:
                k = i
                break
        if k < 0 and require_preference:
            continue
        return e, k
    return None
