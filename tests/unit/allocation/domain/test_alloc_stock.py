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
