"""The hardship registry (困难职工家庭建档): households registered by real name, known to other
services only by person_ref and a masked name."""

from __future__ import annotations

import uuid
from datetime import datetime

from services.common.identity import mask_name, parse_resident_id, person_ref

from . import models


def register_household(uow, now: datetime, id_number: str, name: str, category: str, registered_by: str,
                       person_ref_key: bytes) -> models.HardshipHousehold:
    """Register a hardship household and publish ``hardship.registered`` (masked)."""
    number = parse_resident_id(id_number).number
    ref = person_ref(number, person_ref_key)
    household = models.HardshipHousehold(id=str(uuid.uuid4()), person_ref=ref, name=name, id_number=number,
                                         name_masked=mask_name(name), category=category,
                                         registered_by=registered_by, registered_at=now)
    uow.session.add(household)
    uow.publish("hardship.registered", {"household_id": household.id, "person_ref": ref,
                                        "category": household.category, "name_masked": household.name_masked})
    return household
