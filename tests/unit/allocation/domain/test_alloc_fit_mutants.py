"""配租 fit: the rules `make mutate` showed no test stated (issue 20).

A policy refuses a crowding limit below one person per room and a negative area minimum (an
int, not a bool or a float, naming the setting); out of the box a programme is offered only
its own category, two persons per room and no area rule; a household of no one fits nothing;
the area rule divides with floor (a half person does not fit); the JSON form lists the
categories sorted.
"""
import pytest

from services.allocation.domain import stock
from services.allocation.domain.fit import DEFAULT_FIT_POLICY, FitPolicy, fits
from services.allocation.domain.stock import Unit


def unit(rooms=2, area=500, beds=0, category="public_rental", accessible=False):
    return Unit("U", "P1", "1", "101", 1, rooms, area, beds, 0, category, accessible)


@pytest.mark.parametrize("value", [0, -1, True, 2.0, "2", None])
def test_max_persons_per_room_must_be_an_int_of_at_least_one(value):
    with pytest.raises(ValueError) as exc:
        FitPolicy(max_persons_per_room=value)
    assert str(exc.value) == "max_persons_per_room must be an int >= 1"


@pytest.mark.parametrize("value", [-1, True, 1.0, "0", None])
def test_min_area_must_be_an_int_of_at_least_zero(value):
    with pytest.raises(ValueError) as exc:
        FitPolicy(min_area_tenths_per_person=value)
    assert str(exc.value) == "min_area_tenths_per_person must be an int >= 0"


def test_the_smallest_settings_are_accepted():
    policy = FitPolicy(max_persons_per_room=1, min_area_tenths_per_person=0)
    assert policy.max_persons_per_room == 1 and policy.min_area_tenths_per_person == 0
    # one person per room: a 3-room flat holds 3, not 4; no area rule: 0.1 m² is enough
    assert policy.capacity(unit(rooms=3, area=1)) == 3


def test_defaults_two_per_room_no_area_rule_each_programme_its_own_category():
    policy = FitPolicy()
    assert policy.max_persons_per_room == 2 and policy.min_area_tenths_per_person == 0
    assert policy.programme_categories == {c: frozenset({c}) for c in stock.CATEGORIES}
    assert DEFAULT_FIT_POLICY == policy
    assert DEFAULT_FIT_POLICY.capacity(unit(rooms=3, area=1)) == 6
    # fits() without a policy uses the default one
    assert fits(unit(rooms=1, area=1), 2, "public_rental", False)
    assert not fits(unit(rooms=1, area=1), 3, "public_rental", False)
    assert not fits(unit(category="relocation"), 1, "public_rental", False)
    assert fits(unit(category="relocation"), 1, "relocation", False)


def test_policy_mapping_is_copied_and_keys_made_text():
    given = {"pr": {"public_rental"}}
    policy = FitPolicy(2, 0, given)
    given["pr"].add("relocation")
    given["other"] = {"staff_apartment"}
    assert policy.programme_categories == {"pr": frozenset({"public_rental"})}
    assert type(policy.programme_categories["pr"]) is frozenset
    assert FitPolicy(2, 0, {7: ["public_rental"]}).programme_categories == {"7": frozenset({"public_rental"})}


def test_policy_is_not_hashable():
    with pytest.raises(TypeError):
        hash(FitPolicy())


@pytest.mark.parametrize("size", [0, -1])
def test_a_household_of_no_one_fits_nothing(size):
    policy = FitPolicy(2, 0, {"pr": {"public_rental"}})
    assert not policy.fits(unit(), size, "pr", False)
    assert not fits(unit(), size, "pr", False, policy)


def test_area_rule_floors_and_a_zero_room_flat_holds_no_one():
    policy = FitPolicy(5, 120, {"pr": {"public_rental"}})
    assert policy.capacity(unit(rooms=5, area=359)) == 2  # 35.9 / 12.0 = 2.99 → 2
    assert policy.capacity(unit(rooms=5, area=360)) == 3
    assert policy.capacity(unit(rooms=0, area=900)) == 0
    assert not policy.fits(unit(rooms=0, area=900), 1, "pr", False)
    # a single bed space (beds == 1) holds exactly one, whatever the rooms say
    assert policy.capacity(unit(rooms=0, area=50, beds=1)) == 1
    assert policy.fits(unit(rooms=0, area=50, beds=1), 1, "pr", False)


def test_accessible_unit_fits_one_who_does_not_need_it_and_size_bound_is_inclusive():
    policy = FitPolicy(2, 0, {"pr": {"public_rental"}})
    assert policy.fits(unit(rooms=1, accessible=True), 2, "pr", True)
    assert not policy.fits(unit(rooms=1, accessible=True), 3, "pr", True)


def test_json_lists_programmes_and_categories_sorted():
    policy = FitPolicy(3, 100, {"b": {"relocation", "public_rental"}, "a": {"staff_apartment"}})
    doc = policy.to_json()
    assert doc == {"max_persons_per_room": 3, "min_area_tenths_per_person": 100,
                   "programme_categories": {"a": ["staff_apartment"], "b": ["public_rental", "relocation"]}}
    assert list(doc["programme_categories"]) == ["a", "b"]
    back = FitPolicy.from_json(doc)
    assert back.max_persons_per_room == 3 and back.min_area_tenths_per_person == 100
    assert back.programme_categories == {"a": frozenset({"staff_apartment"}),
                                         "b": frozenset({"public_rental", "relocation"})}
