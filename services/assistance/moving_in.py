"""Moving in (回迁入住): so that no hardship household offered or allocated a unit is forgotten
(保证每一户困难家庭都能住进回迁新房), allocation's ``allocation.offered``, ``allocation.accepted``
and ``tenancy.started`` move a registry household's housing stage on (offered → accepted →
moved in; never back, so redelivered or late events change nothing — the inbox already
absorbs the same event twice). Staff record why a household has not moved in; the report lists
every active household offered or allocated a unit and not moved in, with that reason."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from services.common.errors import NotFound

from . import audit, hardship, models
from .domain.hardship import HousingStage, RegistryRuleError, advances

H = models.HardshipHousehold


def on_housing_event(uow, now: datetime, person_ref: str, stage: str, unit_id: str,
                     event_type: str) -> models.HardshipHousehold | None:
    """Move the person's active household to `stage` (None when the person is not in the
    registry, or the stage would go back)."""
    household = hardship.active_household_of(uow.session, person_ref)
    if household is None or not advances(household.housing_stage, stage):
        return None
    before = audit.snapshot(household, audit.HOUSEHOLD)
    household.housing_stage, household.housing_unit_id, household.housing_stage_at = stage, unit_id, now
    if stage == HousingStage.MOVED_IN:
        household.not_moved_in_reason = household.not_moved_in_reason_by = None
    audit.record(uow.session, now, f"system:{event_type}", audit.HOUSEHOLD, household.id, f"housing_{stage}",
                 before, household)
    uow.session.flush()
    return household


def record_reason(uow, now: datetime, household_id: str, reason: str, officer: str) -> models.HardshipHousehold:
    """Why an offered or allocated household has not moved in (staff's words)."""
    household = uow.session.get(H, household_id, with_for_update=True)
    if household is None:
        raise NotFound(f"hardship household {household_id} does not exist")
    if household.housing_stage not in (HousingStage.OFFERED, HousingStage.ACCEPTED):
        raise RegistryRuleError(f"hardship household {household_id} has no unit offered or allocated to move "
                                f"into (stage: {household.housing_stage or 'none'})", "household_id")
    before = audit.snapshot(household, audit.HOUSEHOLD)
    household.not_moved_in_reason, household.not_moved_in_reason_by = reason, officer
    audit.record(uow.session, now, officer, audit.HOUSEHOLD, household.id, "not_moved_in_reason", before,
                 household, reason)
    uow.session.flush()
    return household


def not_moved_in(session, page: int, page_size: int) -> tuple[int, list[models.HardshipHousehold]]:
    """Active households offered or allocated a unit and not moved in, the longest waiting first."""
    stmt = select(H).where(H.status == "active", H.housing_stage.in_([HousingStage.OFFERED, HousingStage.ACCEPTED]))
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(H.housing_stage_at, H.id).offset((page - 1) * page_size)
                           .limit(page_size)).all()
    return total, rows
