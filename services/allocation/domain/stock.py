"""房源 housing stock: units (flats or dormitory bed spaces) and their status machine.

Area is kept as an integer number of tenths of a square metre (``area_tenths``: 65.5 m² →
655) and rent as integer fen, so nothing in the domain ever rounds a float.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import repeat

from .bulk import all_of_type, build

# Housing categories of the programme (DESIGN §2). Kept as plain strings so a district can
# add one without a code change; these are the ones the suite knows out of the box.
STAFF_APARTMENT = "staff_apartment"    # 职工公寓 (often dormitory beds)
PUBLIC_RENTAL = "public_rental"        # 公租房
SHARED_OWNERSHIP = "shared_ownership"  # 共有产权房
TALENT_APARTMENT = "talent_apartment"  # 人才公寓
RELOCATION = "relocation"              # 安置房
CATEGORIES = frozenset(
    {STAFF_APARTMENT, PUBLIC_RENTAL, SHARED_OWNERSHIP, TALENT_APARTMENT, RELOCATION}
)


class UnitStatus(StrEnum):
    VACANT = "vacant"            # 空置, can be put on offer
    OFFERED = "offered"          # 已发出配租通知, waiting for the applicant's answer
    RESERVED = "reserved"        # 已确认, accepted but not yet moved in
    OCCUPIED = "occupied"        # 已入住
    MAINTENANCE = "maintenance"  # 维修, not allocatable


# Why each edge exists:
#  vacant→offered        a round or the waitlist offers it
#  offered→reserved      applicant accepted
#  offered→vacant        applicant declined or the offer expired
#  reserved→occupied     move-in
#  reserved→vacant       accepted but never moved in (withdrawal, revocation)
#  occupied→vacant       move-out
#  occupied→maintenance  move-out straight into repairs
#  vacant↔maintenance    repairs
ALLOWED_TRANSITIONS: dict[UnitStatus, frozenset[UnitStatus]] = {
    UnitStatus.VACANT: frozenset({UnitStatus.OFFERED, UnitStatus.MAINTENANCE}),
    UnitStatus.OFFERED: frozenset({UnitStatus.RESERVED, UnitStatus.VACANT}),
    UnitStatus.RESERVED: frozenset({UnitStatus.OCCUPIED, UnitStatus.VACANT}),
    UnitStatus.OCCUPIED: frozenset({UnitStatus.VACANT, UnitStatus.MAINTENANCE}),
    UnitStatus.MAINTENANCE: frozenset({UnitStatus.VACANT}),
}


class StatusTransitionError(ValueError):
    """A unit was asked to move to a status its current status does not allow."""

    def __init__(self, unit_id: str, current: UnitStatus, requested: UnitStatus):
        allowed = ", ".join(sorted(s.value for s in ALLOWED_TRANSITIONS[current])) or "none"
        super().__init__(
            f"unit {unit_id}: cannot go from {current.value} to {requested.value} "
            f"(allowed from {current.value}: {allowed})"
        )
        self.unit_id = unit_id
        self.current = current
        self.requested = requested


@dataclass(frozen=True, slots=True)
class Unit:
    """One allocatable 房源: a flat, or a single dormitory bed space when ``beds > 0``.

    ``unit_id`` is unique within a district; ``csv_import`` builds it as
    ``project_id/building/number``. A dormitory room with several beds is split into bed
    spaces with :func:`bed_spaces` before it is offered, because each bed goes to a
    different worker.
    """

    unit_id: str
    project_id: str
    building: str
    number: str
    floor: int
    rooms: int
    area_tenths: int  # 0.1 m²
    beds: int          # 0 for a flat; 1 for a bed space
    rent_fen: int
    category: str
    accessible: bool = False
    status: UnitStatus = UnitStatus.VACANT

    def __post_init__(self) -> None:
        for name in ("floor", "rooms", "area_tenths", "beds", "rent_fen"):
            value = getattr(self, name)
            if type(value) is not int:  # bool is an int subclass; reject it too
                raise TypeError(f"unit {self.unit_id}: {name} must be int, got {value!r}")
        if self.rooms < 0 or self.area_tenths <= 0 or self.beds < 0 or self.rent_fen < 0:
            raise ValueError(f"unit {self.unit_id}: rooms/beds/rent must be >= 0, area > 0")
        if not self.unit_id or not self.project_id:
            raise ValueError("unit_id and project_id must be non-empty")
        if not isinstance(self.status, UnitStatus):
            object.__setattr__(self, "status", UnitStatus(self.status))


def units_from_columns(unit_id: Sequence[str], project_id: Sequence[str], building: Sequence[str],
                       number: Sequence[str], floor: Sequence[int], rooms: Sequence[int],
                       area_tenths: Sequence[int], beds: Sequence[int], rent_fen: Sequence[int],
                       category: Sequence[str], accessible: Sequence[bool],
                       status: Sequence[UnitStatus] | None = None) -> list[Unit]:
    """``[Unit(*row) for row in zip(columns)]`` (status VACANT when not given) with the checks of
    ``Unit.__post_init__`` run once per column; rows are built one by one, raising exactly
    Unit's error, if any row would fail them or need its status converted."""
    if status is None:
        status = list(repeat(UnitStatus.VACANT, len(unit_id)))
    columns = (unit_id, project_id, building, number, floor, rooms, area_tenths, beds, rent_fen, category,
               accessible, status)
    ints = (floor, rooms, area_tenths, beds, rent_fen)
    if (all(all_of_type(c, int) for c in ints) and all_of_type(status, UnitStatus)
            and (not unit_id or (min(rooms) >= 0 and min(area_tenths) > 0 and min(beds) >= 0
                                 and min(rent_fen) >= 0 and all(unit_id) and all(project_id)))):
        return build(Unit, columns)
    return list(map(Unit, *columns))


def transition(unit: Unit, new_status: UnitStatus) -> Unit:
    """Return a copy of ``unit`` in ``new_status``; raise StatusTransitionError otherwise."""
    new_status = UnitStatus(new_status)
    if new_status not in ALLOWED_TRANSITIONS[unit.status]:
        raise StatusTransitionError(unit.unit_id, unit.status, new_status)
    return dataclasses.replace(unit, status=new_status)


def bed_spaces(unit: Unit) -> list[Unit]:
    """Split a dormitory room with ``beds > 1`` into bed-space units ``<unit_id>#1..n``.

    Each bed space keeps the room's attributes, has ``beds == 1`` and rent divided evenly;
    the rounding remainder (fen) goes to the first beds so the total is unchanged. A flat
    or a single bed is returned as is.
    """
    if unit.beds <= 1:
        return [unit]
    base, extra = divmod(unit.rent_fen, unit.beds)
    return [
        dataclasses.replace(
            unit,
            unit_id=f"{unit.unit_id}#{i}",
            beds=1,
            rent_fen=base + (1 if i <= extra else 0),
        )
        for i in range(1, unit.beds + 1)
    ]
