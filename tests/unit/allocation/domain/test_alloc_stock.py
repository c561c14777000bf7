import pytest

from services.allocation.domain.stock import (
    StatusTransitionError,
    Unit,
    UnitStatus,
    bed_spaces,
    transition,
)


def unit(**kw):
    base = dict(unit_id="P1/1/101", project_id="P1", building="1", number="101", floor=1,
                rooms=2, area_tenths=655, beds=0, rent_fen=120000, category="public_rental")
    base.update(kw)
    return Unit(**base)


def test_full_life_cycle():
    u = unit()
    for s in ("offered", "reserved", "occupied", "vacant", "maintenance", "vacant"):
        u = transition(u, UnitStatus(s))
    assert u.status is UnitStatus.VACANT


def test_declined_offer_returns_to_vacant():
    assert transition(transition(unit(), UnitStatus.OFFERED), UnitStatus.VACANT).status is UnitStatus.VACANT


@pytest.mark.parametrize("start,to", [
    ("vacant", "occupied"),      # nobody moves in without an accepted offer
    ("vacant", "reserved"),
    ("offered", "occupied"),
    ("maintenance", "offered"),  # must be repaired (vacant) first
    ("occupied", "offered"),
])
def test_forbidden_transitions_raise_clear_error(start, to):
    with pytest.raises(StatusTransitionError, match=f"from {start} to {to}"):
        transition(unit(status=UnitStatus(start)), UnitStatus(to))


def test_transition_does_not_mutate():
    u = unit()
    transition(u, UnitStatus.OFFERED)
    assert u.status is UnitStatus.VACANT


def test_rejects_non_integer_money_and_area():
    with pytest.raises(TypeError):
        unit(rent_fen=1200.5)
    with pytest.raises(TypeError):
        unit(area_tenths=True)
    with pytest.raises(ValueError):
        unit(area_tenths=0)


def test_bed_spaces_split_rent_exactly():
    room = unit(unit_id="S1/2/305", beds=3, rent_fen=100000, category="staff_apartment")
    beds = bed_spaces(room)
    # 100000 / 3 = 33333 r 1 → first bed carries the extra fen
    assert [b.unit_id for b in beds] == ["S1/2/305#1", "S1/2/305#2", "S1/2/305#3"]
    assert [b.rent_fen for b in beds] == [33334, 33333, 33333]
    assert all(b.beds == 1 for b in beds)
    assert bed_spaces(unit()) == [unit()]


def test_staff_move_only_a_unit_nobody_holds_between_vacant_and_maintenance():
    """Issue 12 item 1: the staff's edges are vacant -> maintenance -> vacant; offers, answers,
    move-in and move-out own every other, and an active tenancy keeps a unit let."""
    from services.allocation.domain.stock import transition_by_staff

    vacant = unit()
    repaired = transition_by_staff(vacant, UnitStatus.MAINTENANCE)
    assert transition_by_staff(repaired, UnitStatus.VACANT).status is UnitStatus.VACANT
    for held in ("offered", "reserved", "occupied"):
        for wanted in ("vacant", "maintenance"):
            with pytest.raises(StatusTransitionError, match=f"cannot go from {held} to {wanted}"):
                transition_by_staff(unit(status=UnitStatus(held)), UnitStatus(wanted))
    with pytest.raises(StatusTransitionError, match="tenancy T1 is active on it"):
        transition_by_staff(repaired, UnitStatus.VACANT, active_tenancy="T1")


@pytest.mark.parametrize("part, problem", [
    ("A栋", None), ("3-2", None), ("", "must not be empty"), ("x" * 41, "at most 40 characters"),
    ("A/B", "must not contain '/' (the unit id must be safe in a URL)"),
    ("1?2#3", "must not contain '#' '?' (the unit id must be safe in a URL)"),
])
def test_a_unit_id_is_one_url_safe_form(part, problem):
    """Issue 11 item 3."""
    from services.allocation.domain.stock import id_part_problem, unit_id

    assert id_part_problem(part) == problem
    assert unit_id("P1", "A栋", "101") == "P1-A栋-101"
