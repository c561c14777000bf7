"""房源 stock: the rules `make mutate` showed no test stated (issue 20).

Every refusal says which unit, which statuses and why (staff read these messages); the bounds
of a unit's numbers at their edges; ``units_from_columns`` builds exactly what ``Unit`` one by
one would, taking the fast path only for columns that pass unchanged; bed spaces split the rent
so the fen add up, the remainder on the first beds (hand-checked: 100000 / 3, 100001 / 4).

Equivalent mutants (scripts/mutate.py excludes them from the score): none.
"""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.allocation.domain import stock
from services.allocation.domain.stock import (
    StatusTransitionError,
    Unit,
    UnitStatus,
    bed_spaces,
    id_part_problem,
    transition,
    transition_by_staff,
    unit_id,
    units_from_columns,
)


def unit(**kw):
    base = dict(unit_id="P1-1-101", project_id="P1", building="1", number="101", floor=1,
                rooms=2, area_tenths=655, beds=0, rent_fen=120000, category="public_rental")
    base.update(kw)
    return Unit(**base)


# -- messages of a refused transition -------------------------------------------------------------

@pytest.mark.parametrize("start, to, allowed", [
    ("vacant", "occupied", "maintenance, offered"),
    ("offered", "occupied", "reserved, vacant"),
    ("reserved", "offered", "occupied, vacant"),
    ("occupied", "reserved", "maintenance, vacant"),
    ("maintenance", "offered", "vacant"),
])
def test_a_refused_transition_names_unit_statuses_and_what_is_allowed(start, to, allowed):
    with pytest.raises(StatusTransitionError) as caught:
        transition(unit(status=UnitStatus(start)), UnitStatus(to))
    err = caught.value
    assert str(err) == f"unit P1-1-101: cannot go from {start} to {to} (allowed from {start}: {allowed})"
    assert (err.unit_id, err.current, err.requested) == ("P1-1-101", UnitStatus(start), UnitStatus(to))
    assert isinstance(err, ValueError)


def test_a_given_reason_replaces_the_allowed_list():
    err = StatusTransitionError("U1", UnitStatus.VACANT, UnitStatus.OCCUPIED, "because")
    assert str(err) == "unit U1: cannot go from vacant to occupied (because)"


def test_a_status_with_no_way_out_says_none(monkeypatch):
    """No status is terminal today; one added without edges must still read sensibly."""
    monkeypatch.setitem(stock.ALLOWED_TRANSITIONS, UnitStatus.OCCUPIED, frozenset())
    err = StatusTransitionError("U1", UnitStatus.OCCUPIED, UnitStatus.VACANT)
    assert str(err) == "unit U1: cannot go from occupied to vacant (allowed from occupied: none)"


def test_transition_accepts_the_status_as_text():
    moved = transition(unit(), "offered")
    assert moved.status is UnitStatus.OFFERED
    with pytest.raises(ValueError):
        transition(unit(), "gone")


# -- what staff may do ---------------------------------------------------------------------------------

def test_staff_moves_take_text_and_keep_everything_else():
    u = unit()
    repaired = transition_by_staff(u, "maintenance")
    assert repaired.status is UnitStatus.MAINTENANCE
    assert repaired == Unit(**{**{f: getattr(u, f) for f in u.__slots__}, "status": UnitStatus.MAINTENANCE})
    assert transition_by_staff(repaired, "vacant", active_tenancy=None).status is UnitStatus.VACANT


@pytest.mark.parametrize("held, reason", [
    ("occupied", "it is let: it becomes vacant when its tenancy ends (move-out)"),
    ("offered", "it is on offer: it becomes vacant when the offer is declined or expires"),
    ("reserved", "it is reserved for the applicant who accepted it: it is let at move-in"),
])
def test_staff_cannot_free_a_held_unit_and_are_told_why(held, reason):
    with pytest.raises(StatusTransitionError) as caught:
        transition_by_staff(unit(status=UnitStatus(held)), "vacant")
    assert str(caught.value) == f"unit P1-1-101: cannot go from {held} to vacant ({reason})"
    assert caught.value.requested is UnitStatus.VACANT


def test_staff_edges_outside_repairs_fall_back_to_the_allowed_list():
    with pytest.raises(StatusTransitionError) as caught:
        transition_by_staff(unit(), "offered")  # vacant → offered is a round's edge, not staff's
    assert str(caught.value) == "unit P1-1-101: cannot go from vacant to offered (allowed from vacant: maintenance, " \
                                "offered)"
    with pytest.raises(StatusTransitionError, match=r"\(allowed from maintenance: vacant\)$"):
        transition_by_staff(unit(status=UnitStatus.MAINTENANCE), "maintenance")


def test_an_active_tenancy_keeps_the_unit_let_whatever_its_status():
    with pytest.raises(StatusTransitionError) as caught:
        transition_by_staff(unit(status=UnitStatus.MAINTENANCE), "vacant", active_tenancy="T7")
    assert str(caught.value) == ("unit P1-1-101: cannot go from maintenance to vacant (tenancy T7 is active on it: it "
                                 "becomes vacant when that tenancy ends (move-out))")
    assert caught.value.requested is UnitStatus.VACANT
    with pytest.raises(StatusTransitionError, match="tenancy  is active"):
        transition_by_staff(unit(), "maintenance", active_tenancy="")  # an empty id is still an id


# -- unit ids ------------------------------------------------------------------------------------------------

def test_unit_id_and_part_bounds():
    assert unit_id("P9", "3", "1-2") == "P9-3-1-2"
    assert id_part_problem("x" * 40) is None
    assert id_part_problem("x" * 41) == "at most 40 characters"
    assert id_part_problem("a\\b%c") == "must not contain '%' '\\\\' (the unit id must be safe in a URL)"
    assert id_part_problem("%%") == "must not contain '%' (the unit id must be safe in a URL)"


# -- Unit's checks at their edges --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["floor", "rooms", "area_tenths", "beds", "rent_fen"])
@pytest.mark.parametrize("bad", [True, 1.0, "1", None])
def test_every_number_must_be_an_int(name, bad):
    with pytest.raises(TypeError, match=rf"^unit P1-1-101: {name} must be int, got {bad!r}$"):
        unit(**{name: bad})


def test_numbers_at_their_lower_edges():
    edge = unit(rooms=0, beds=0, rent_fen=0, area_tenths=1, floor=-10)
    assert (edge.rooms, edge.beds, edge.rent_fen, edge.area_tenths) == (0, 0, 0, 1)
    for bad in (dict(rooms=-1), dict(beds=-1), dict(rent_fen=-1), dict(area_tenths=0), dict(area_tenths=-5)):
        with pytest.raises(ValueError, match=r"^unit P1-1-101: rooms/beds/rent must be >= 0, area > 0$"):
            unit(**bad)


def test_ids_must_not_be_empty_and_status_text_is_converted():
    for bad in (dict(unit_id=""), dict(project_id="")):
        with pytest.raises(ValueError, match=r"^unit_id and project_id must be non-empty$"):
            unit(**bad)
    converted = unit(status="occupied")
    assert converted.status is UnitStatus.OCCUPIED
    kept = unit(status=UnitStatus.RESERVED)
    assert kept.status is UnitStatus.RESERVED


# -- units_from_columns ------------------------------------------------------------------------------------

FIELDS = ("unit_id", "project_id", "building", "number", "floor", "rooms", "area_tenths", "beds", "rent_fen",
          "category", "accessible", "status")
VALID = [unit(), unit(unit_id="P1-1-102", number="102", rooms=0, beds=0, rent_fen=0, area_tenths=1, accessible=True),
         unit(unit_id="S1-2-305", project_id="S1", building="2", number="305", beds=4, category="staff_apartment",
              status=UnitStatus.MAINTENANCE)]


def _columns(units, with_status=True):
    names = FIELDS if with_status else FIELDS[:-1]
    return [[getattr(u, f) for u in units] for f in names]


def _outcome(build):
    try:
        return build()
    except (TypeError, ValueError) as exc:
        return (type(exc), str(exc))


@pytest.fixture
def fast_path_calls(monkeypatch):
    calls = []
    real = stock.build

    def spy(cls, columns):
        calls.append(cls)
        return real(cls, columns)

    monkeypatch.setattr(stock, "build", spy)
    return calls


def test_valid_columns_take_the_fast_path(fast_path_calls):
    assert units_from_columns(*_columns(VALID)) == VALID
    assert fast_path_calls == [Unit]
    assert units_from_columns(*_columns([])) == []


def test_without_status_every_unit_is_vacant(fast_path_calls):
    vacant = [unit(), unit(unit_id="P1-1-102", number="102")]
    built = units_from_columns(*_columns(vacant, with_status=False))
    assert built == vacant and all(u.status is UnitStatus.VACANT for u in built)
    assert fast_path_calls == [Unit]


@pytest.mark.parametrize("column, value", [
    (4, 1.0), (5, True), (6, "655"), (7, None), (8, 1.5),       # a number that is not an int
    (5, -1), (6, 0), (7, -1), (8, -1),                           # below its edge
    (0, ""), (1, ""),                                            # an empty id
    (11, "vacant"),                                              # a status given as text is converted
])
def test_a_column_a_row_would_fail_or_change_goes_row_by_row(fast_path_calls, column, value):
    columns = _columns(VALID)
    columns[column][1] = value
    assert _outcome(lambda: units_from_columns(*columns)) == _outcome(lambda: list(map(Unit, *columns)))
    assert fast_path_calls == []


_unit_row = st.tuples(st.sampled_from(["U", ""]), st.sampled_from(["P1", ""]),
                      *[st.one_of(st.integers(-2, 3), st.sampled_from([True, 2.0])) for _ in range(5)],
                      st.one_of(st.sampled_from(list(UnitStatus)), st.sampled_from(["vacant", "occupied"])))


@given(st.lists(_unit_row, max_size=5))
def test_columns_build_exactly_what_units_one_by_one_build(rows):
    columns = [[f"{r[0]}{i}" if r[0] else "" for i, r in enumerate(rows)], [r[1] for r in rows],
               ["1"] * len(rows), ["101"] * len(rows)] + [[r[k] for r in rows] for k in range(2, 7)] + [
        ["public_rental"] * len(rows), [False] * len(rows), [r[7] for r in rows]]
    assert _outcome(lambda: units_from_columns(*columns)) == _outcome(lambda: list(map(Unit, *columns)))


# -- bed spaces ------------------------------------------------------------------------------------------------

def test_a_single_bed_or_a_flat_is_not_split():
    single = unit(beds=1, rent_fen=50000)
    assert bed_spaces(single) == [single]
    assert bed_spaces(single)[0].unit_id == "P1-1-101"


def test_rent_remainder_goes_to_the_first_beds():
    # 100001 / 4 = 25000 remainder 1; 100003 / 4 = 25000 remainder 3 (by hand)
    room = unit(unit_id="S1-2-305", beds=4, rent_fen=100001)
    assert [b.rent_fen for b in bed_spaces(room)] == [25001, 25000, 25000, 25000]
    assert [b.rent_fen for b in bed_spaces(unit(beds=4, rent_fen=100003))] == [25001, 25001, 25001, 25000]
    assert [b.rent_fen for b in bed_spaces(unit(beds=2, rent_fen=0))] == [0, 0]
    beds = bed_spaces(unit(beds=2, rent_fen=7))
    assert [(b.unit_id, b.beds, b.rent_fen) for b in beds] == [("P1-1-101#1", 1, 4), ("P1-1-101#2", 1, 3)]
    assert all(b.area_tenths == 655 and b.category == "public_rental" for b in beds)


@given(st.integers(2, 20), st.integers(0, 10**8))
def test_bed_rents_add_up_and_differ_by_at_most_one_fen(beds, rent):
    spaces = bed_spaces(unit(beds=beds, rent_fen=rent))
    rents = [b.rent_fen for b in spaces]
    assert len(spaces) == beds and sum(rents) == rent
    assert rents == sorted(rents, reverse=True) and max(rents) - min(rents) <= 1
    assert [b.unit_id for b in spaces] == [f"P1-1-101#{i}" for i in range(1, beds + 1)]
