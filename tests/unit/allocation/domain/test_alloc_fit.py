from hypothesis import given
from hypothesis import strategies as st

from services.allocation.domain.fit import FitPolicy, fits
from services.allocation.domain.stock import Unit

POLICY = FitPolicy(
    max_persons_per_room=2,
    min_area_tenths_per_person=120,  # 12.0 m² per person
    programme_categories={"public_rental": {"public_rental", "relocation"},
                          "staff_apartment": {"staff_apartment"}},
)


def unit(rooms=2, area=500, beds=0, category="public_rental", accessible=False):
    return Unit("U", "P1", "1", "101", 1, rooms, area, beds, 0, category, accessible)


def test_capacity_is_min_of_rooms_and_area_rules():
    # 2 rooms × 2 = 4 persons; 50.0 m² // 12.0 = 4 → 4
    assert POLICY.capacity(unit(rooms=2, area=500)) == 4
    # 3 rooms × 2 = 6, but 45.5 m² // 12.0 = 3 → 3 (area binds)
    assert POLICY.capacity(unit(rooms=3, area=455)) == 3
    # bed space: exactly one person regardless of room size
    assert POLICY.capacity(unit(rooms=1, area=200, beds=1, category="staff_apartment")) == 1


def test_household_larger_than_unit_never_fits():
    u = unit(rooms=2, area=500)
    assert fits(u, 4, "public_rental", False, POLICY)
    assert not fits(u, 5, "public_rental", False, POLICY)


def test_bed_fits_exactly_one():
    bed = unit(rooms=1, area=200, beds=1, category="staff_apartment")
    assert fits(bed, 1, "staff_apartment", False, POLICY)
    assert not fits(bed, 2, "staff_apartment", False, POLICY)


def test_category_must_be_allowed_for_programme():
    assert fits(unit(category="relocation"), 1, "public_rental", False, POLICY)
    assert not fits(unit(category="staff_apartment"), 1, "public_rental", False, POLICY)
    assert not fits(unit(), 1, "unknown_programme", False, POLICY)


def test_accessibility_needed_means_accessible_unit():
    assert not fits(unit(accessible=False), 1, "public_rental", True, POLICY)
    assert fits(unit(accessible=True), 1, "public_rental", True, POLICY)
    assert fits(unit(accessible=True), 1, "public_rental", False, POLICY)


def test_policy_json_round_trip():
    assert FitPolicy.from_json(POLICY.to_json()) == POLICY


@given(rooms=st.integers(0, 6), area=st.integers(1, 2000), beds=st.integers(0, 2),
       size=st.integers(1, 14), mpr=st.integers(1, 3), min_area=st.integers(0, 200))
def test_fit_is_monotone_and_bounded(rooms, area, beds, size, mpr, min_area):
    policy = FitPolicy(mpr, min_area, {"pr": {"public_rental"}})
    u = unit(rooms=rooms, area=area, beds=beds)
    ok = fits(u, size, "pr", False, policy)
    assert ok == (size <= policy.capacity(u))
    if ok:  # never more persons than rooms allow, never less area than the minimum
        assert size <= rooms * mpr or beds > 0
        assert size * min_area <= area or beds > 0
        assert beds == 0 or size == 1
        assert fits(u, size - 1, "pr", False, policy) or size == 1
