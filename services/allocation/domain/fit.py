"""Which 房源 a household may be given.

The rule is deliberately *monotone in household size*: every unit has a
:meth:`FitPolicy.capacity` and a household of ``n`` persons fits iff ``1 <= n <= capacity``
(plus category and accessibility checks). Matching relies on this to index free units by
capacity instead of scanning them, and it guarantees that a household larger than the unit
allows can never fit.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from . import stock
from .stock import Unit


def _default_programme_categories() -> dict[str, frozenset[str]]:
    # Out of the box each programme may only be offered its own category; districts
    # widen this (e.g. public_rental applicants also accept relocation flats) in policy.
    return {c: frozenset({c}) for c in stock.CATEGORIES}


@dataclass(frozen=True)
class FitPolicy:
    """Size and eligibility rules for one round (配租政策).

    - ``max_persons_per_room``: crowding limit, e.g. 2 persons per room.
    - ``min_area_tenths_per_person``: minimum floor area per person in 0.1 m²
      (120 = 12.0 m²); 0 disables the area rule.
    - a dormitory bed space (``unit.beds > 0``) fits exactly a household of one.
    - ``programme_categories``: programme → categories its applicants may be offered.
    """

    max_persons_per_room: int = 2
    min_area_tenths_per_person: int = 0
    programme_categories: Mapping[str, frozenset[str]] = field(
        default_factory=_default_programme_categories
    )

    def __post_init__(self) -> None:
        if type(self.max_persons_per_room) is not int or self.max_persons_per_room < 1:
            raise ValueError("max_persons_per_room must be an int >= 1")
        if type(self.min_area_tenths_per_person) is not int or self.min_area_tenths_per_person < 0:
            raise ValueError("min_area_tenths_per_person must be an int >= 0")
        # Freeze the mapping so a policy cannot change under a running round.
        object.__setattr__(
            self,
            "programme_categories",
            {str(p): frozenset(c) for p, c in dict(self.programme_categories).items()},
        )

    __hash__ = None  # type: ignore[assignment]  # holds a dict; compare, don't hash

    def capacity(self, unit: Unit) -> int:
        """Largest household that may live in ``unit`` (0: nobody)."""
        if unit.beds > 0:
            return 1
        cap = unit.rooms * self.max_persons_per_room
        if self.min_area_tenths_per_person:
            cap = min(cap, unit.area_tenths // self.min_area_tenths_per_person)
        return cap

    def allows_category(self, programme: str, category: str) -> bool:
        cats = self.programme_categories.get(programme)
        return cats is not None and category in cats

    def fits(self, unit: Unit, household_size: int, programme: str, needs_accessible: bool) -> bool:
        if household_size < 1:
            return False
        if not self.allows_category(programme, unit.category):
            return False
        if needs_accessible and not unit.accessible:
            return False
        return household_size <= self.capacity(unit)

    def to_json(self) -> dict:
        return {
            "max_persons_per_room": self.max_persons_per_room,
            "min_area_tenths_per_person": self.min_area_tenths_per_person,
            "programme_categories": {
                p: sorted(c) for p, c in sorted(self.programme_categories.items())
            },
        }

    @classmethod
    def from_json(cls, data: Mapping) -> FitPolicy:
        return cls(
            max_persons_per_room=data["max_persons_per_room"],
            min_area_tenths_per_person=data["min_area_tenths_per_person"],
            programme_categories={
                p: frozenset(c) for p, c in data["programme_categories"].items()
            },
        )


DEFAULT_FIT_POLICY = FitPolicy()


def fits(
    unit: Unit,
    household_size: int,
    programme: str,
    needs_accessible: bool,
    policy: FitPolicy = DEFAULT_FIT_POLICY,
) -> bool:
    """True iff ``unit`` may be offered to this household under ``policy``."""
    return policy.fits(unit, household_size, programme, needs_accessible)
