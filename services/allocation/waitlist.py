"""The 轮候 waitlist: a unit freed after the draw (declined, expired, withdrawn, or its drawn
applicant gone) goes to the best waitlisted applicant of its round who fits; a unit freed by a
tenancy's end goes to the waitlist of its programme's latest drawn round."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from . import models
from .domain import offers as offer_rules
from .domain.fit import FitPolicy
from .domain.ranking import PoolEntry
from .payloads import offered_event
from .repository import entry_from_row, set_unit_status, unit_from_row

WAITLIST_CHUNK = 500


def waitlist_of(session: Session, round_id: str) -> list[str]:
    """The round's 轮候 order (application ids, rank 1 first); empty before the draw."""
    stored = session.scalar(select(models.Round.waitlist).where(models.Round.id == round_id))
    return json.loads(stored) if stored else []


def offer_freed_unit(uow, now: datetime, on: date, unit_id: str, from_round_id: str) -> models.Offer | None:
    """A unit freed by a tenancy's end (move-out, revocation at the 年审, violations, contract
    end) goes to the waitlist of the latest drawn round of the programme it was let under
    (the round ``from_round_id`` or a later one): the current 轮候 list, as a district officer
    expects, rather than the list of the round that first let it. Same matching as any
    promotion (`promote`); no drawn round or no one who fits leaves it vacant."""
    session = uow.session
    programme = session.scalar(select(models.Round.programme).where(models.Round.id == from_round_id))
    latest = session.scalars(select(models.Round).where(models.Round.programme == programme,
                                                        models.Round.status == "drawn")
                             .order_by(models.Round.drawn_at.desc(), models.Round.id.desc()).limit(1)).first()
    if latest is None:
        return None
    return promote(uow, now, on, latest, unit_id)


def promote(uow, now: datetime, on: date, round_: models.Round, unit_id: str,
            waitlist: Sequence[str] | None = None) -> models.Offer | None:
    """Offer a freed unit to the best waitlisted applicant of the round who fits
    (domain.offers.next_from_waitlist) and publish ``allocation.offered``; or leave it vacant.
    ``waitlist`` is the round's order when the caller has it (the draw, before the round
    row is written); otherwise it is read from the round."""
    session = uow.session
    unit = unit_from_row(session.get(models.Unit, unit_id))
    suspended: set[str] = set()
    found = offer_rules.next_from_waitlist(_waitlist_entries(session, round_.id, on, suspended, waitlist), unit,
                                           FitPolicy.from_json(json.loads(round_.fit_policy)), suspended)
    if found is None:
        return None
    entry, pref = found
    made = offer_rules.make_offer(entry.application_id, entry.person_ref, unit_id, on, round_.respond_days)
    set_unit_status(session, unit_id, ["vacant"], "offered", vacant_since=None)
    offer = models.Offer(id=str(uuid.uuid4()), round_id=round_.id, application_id=entry.application_id,
                         person_ref=entry.person_ref, unit_id=unit_id, preference_index=pref,
                         seat="general", source="waitlist", status="open", offered_on=made.offered_on,
                         respond_by=made.respond_by, announced_at=now)
    session.add(offer)
    session.flush()
    uow.publish("allocation.offered", offered_event(offer, unit.project_id))
    return offer


def _waitlist_entries(session: Session, round_id: str, on: date, suspended: set,
                      waitlist: Sequence[str] | None = None) -> Iterator[PoolEntry]:
    """Active, un-offered waitlisted applicants of a round in rank order: no live offer and
    no offer of this round. Looked up ``WAITLIST_CHUNK`` ids at a time, lazily, so the usual
    promotion (a fitting applicant near the top) reads one chunk. Suspended applicants are
    yielded and their ``person_ref`` added to ``suspended`` (domain.offers skips them)."""
    ids = waitlist_of(session, round_id) if waitlist is None else waitlist
    if not ids:
        return
    o, p = models.Offer, models.PoolEntry
    # One query for the whole round (~50,000 ids at most) instead of one per chunk.
    offered_here = set(session.scalars(select(o.application_id).where(o.round_id == round_id)))
    for start in range(0, len(ids), WAITLIST_CHUNK):
        chunk = [a for a in ids[start:start + WAITLIST_CHUNK] if a not in offered_here]
        if not chunk:
            continue
        rows = {row.application_id: row for row in session.scalars(
            select(p).where(p.application_id.in_(chunk), p.status == "active",
                            ~exists().where(o.application_id == p.application_id,
                                            o.status.in_(("open", "accepted")))))}
        for application_id in chunk:
            row = rows.get(application_id)
            if row is None:
                continue
            if offer_rules.is_suspended(row.suspended_until, on):
                suspended.add(row.person_ref)
            yield entry_from_row(row)
