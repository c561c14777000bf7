"""Hardship households as the API shows them: by real name only to the district's officers
(who run the registry, 实名制); masked to everyone else."""

from __future__ import annotations

from services.common.identity import mask_id_number

from . import models, roles


def household_view(h: models.HardshipHousehold, principal) -> dict:
    full = roles.sees_real_names(principal)
    return {"household_id": h.id, "person_ref": h.person_ref, "category": h.category, "status": h.status,
            "name": h.name if full else h.name_masked,
            "id_number": h.id_number if full else mask_id_number(h.id_number),
            "masked": not full, "registered_at": h.registered_at}
