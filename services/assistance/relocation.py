"""Relocation relief (回迁救助): so that every hardship household can move into its new home
(保证每一户困难家庭都能住进回迁新房), allocation's ``tenancy.started`` for a person with an active
hardship household opens a relocation case — cash, the policy's default package
(RELOCATION_CASH_FEN), reason naming the tenancy — for the district's officers to approve
through the ordinary chain (or reject). Opened once per tenancy (source_ref), also under
redelivery; it does not count as the household's quarterly cash relief."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, select

from . import models, relief
from .domain.relief import ApprovalPolicy, ReliefKind

SYSTEM = "system:tenancy.started"


def source_ref(tenancy_id: str) -> str:
    return f"tenancy:{tenancy_id}"


# The person's active household and this tenancy's relocation case, if one was opened, in one
# round trip (a burst of tenancy.started is one event per new tenant; bench/assistance_approvals.py).
_HOUSEHOLD_AND_CASE = (select(models.HardshipHousehold, models.ReliefCase)
                       .outerjoin(models.ReliefCase, models.ReliefCase.source_ref == bindparam("source_ref"))
                       .where(models.HardshipHousehold.active_person_ref == bindparam("person_ref")))


def on_tenancy_started(uow, now: datetime, on: date, tenancy_id: str, person_ref: str, cash_fen: int,
                       policy: ApprovalPolicy) -> models.ReliefCase | None:
    """The relocation case for this tenancy (None when the person has no active household)."""
    found = uow.session.execute(_HOUSEHOLD_AND_CASE, {"source_ref": source_ref(tenancy_id),
                                                      "person_ref": person_ref}).one_or_none()
    if found is None:
        return None
    household, existing = found
    if existing is not None:
        return existing
    return relief.request_relief(uow, now, on, household.id, ReliefKind.CASH,
                                 f"回迁救助: relocation relief on moving into tenancy {tenancy_id}", cash_fen, SYSTEM,
                                 policy, origin="relocation", source_ref=source_ref(tenancy_id))
