"""The data of the offer events (allocation.offered / accepted / declined / expired), which the
draw's announcements, waitlist promotion and the answers to an offer all build."""

from __future__ import annotations

from . import models


def offer_event(offer: models.Offer, project_id: str) -> dict:
    """The fields every offer event carries."""
    return {"offer_id": offer.id, "round_id": offer.round_id, "application_id": offer.application_id,
            "person_ref": offer.person_ref, "unit_id": offer.unit_id, "project_id": project_id}


def offered_event(offer: models.Offer, project_id: str) -> dict:
    """``allocation.offered``: a drawn offer announced, or a unit promoted to the waitlist."""
    return {**offer_event(offer, project_id), "respond_by": offer.respond_by.isoformat(),
            "source": offer.source, "preference_index": offer.preference_index, "seat": offer.seat}
