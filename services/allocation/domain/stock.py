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


# What staff may set by hand (PUT /units/<id>/status): only repairs of a unit nobody holds.
# Every other edge belongs to the event that causes it — an offer, an answer, a move-in, a
# move-out — so an occupied unit leaves occupied only when its tenancy ends, and an offered or
# reserved one only through its offer.
STAFF_TRANSITIONS: dict[UnitStatus, frozenset[UnitStatus]] = {
    UnitStatus.VACANT: frozenset({UnitStatus.MAINTENANCE}),
    UnitStatus.MAINTENANCE: frozenset({UnitStatus.VACANT}),
}
_HELD_BY = {UnitStatus.OCCUPIED: "it is let: it becomes vacant when its tenancy ends (move-out)",
            UnitStatus.OFFERED: "it is on offer: it becomes vacant when the offer is declined or expires",
            UnitStatus.RESERVED: "it is reserved for the applicant who accepted it: it is let at move-in"}


class StatusTransitionError(ValueError):
    """A unit was asked to move to a status its current status does not allow."""

    def __init__(self, unit_id: str, current: UnitStatus, requested: UnitStatus, reason: str | None = None):
        if reason is None:
            allowed = ", ".join(sorted(s.value for s in ALLOWED_TRANSITIONS[current])) or "none"
            reason = f"allowed from {current.value}: {allowed}"
        super().__init__(f"unit {unit_id}: cannot go from {current.value} to {requested.value} ({reason})")
        self.unit_id = unit_id
        self.current = current
        self.requested = requested


# -- unit ids and the bounds of a unit's numbers, one definition for JSON and CSV -------------

ID_SEPARATOR = "-"
# Characters a building or number may not hold: they would make the unit id unsafe in a URL
# path ("/" splits it, "?" and "#" end it, "%" starts an escape) or ambiguous ("\\").
UNSAFE_IN_ID = frozenset("/\\?#%")
PART_MAX_LENGTH = 40  # building, number
UNIT_ID_MAX_LENGTH = 40  # the stored id
# (minimum, maximum) of a unit's numbers; area in 0.1 m² (0.1 m² .. 10,000 m²), rent in fen
# a month (at most ¥1,000,000).
LIMITS: dict[str, tuple[int, int]] = {
    "floor": (-10, 200), "rooms": (0, 20), "beds": (0, 20), "rent_fen": (0, 100_000_000),
    "area_tenths": (1, 100_000),
}


def unit_id(project_id: str, building: str, number: str) -> str:
    """The one id form of a unit, however it came in (JSON or CSV): ``P1-A栋-101``. Building
    and number hold none of UNSAFE_IN_ID, so the id is safe as one URL path segment."""
    return f"{project_id}{ID_SEPARATOR}{building}{ID_SEPARATOR}{number}"


def id_part_problem(value: str) -> str | None:
    """Why ``value`` cannot be a building or a unit number, or None."""
    if not value:
        return "must not be empty"
    if len(value) > PART_MAX_LENGTH:
        return f"at most {PART_MAX_LENGTH} characters"
    bad = sorted(set(value) & UNSAFE_IN_ID)
    if bad:
        return f"must not contain {' '.join(repr(c) for c in bad)} (the unit id must be safe in a URL)"
    return None


def transition_by_staff(unit: Unit, new_status: UnitStatus, *, active_tenancy: str | None = None) -> Unit:
    """What staff may set by hand: a unit nobody holds into maintenance (维修) and back.
    ``active_tenancy`` is the id of a tenancy still active on the unit, if any: then the unit
    stays let, whatever its recorded status."""
    new_status = UnitStatus(new_status)
    if active_tenancy is not None:
        raise StatusTransitionError(unit.unit_id, unit.status, new_status,
                                    f"tenancy {active_tenancy} is active on it: it becomes vacant when "
                                    f"that tenancy ends (move-out)")
    if new_status not in STAFF_TRANSITIONS.get(unit.status, frozenset()):
        reason = _HELD_BY.get(unit.status)
        raise StatusTransitionError(unit.unit_id, unit.status, new_status, reason)
    return transition(unit, new_status)


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
