"""配租 matching: the rules `make mutate` showed no test stated (issue 20).

Quota seats from whole percentages at both edges (0 and 100 allowed, -1 and 101 refused, a
non-int refused in words), rounded down by hand: 7 units × 15 % = 1.05 → 1 seat; 200 × 33 % =
66; 10 × 100 % = 10.

Quotas refused in words (a duplicate group, negative or non-int seats); units of equal area
served by id whatever their input order; the capacity index (_Index) answering -1 when nothing
fits, asked directly — through a round it is only asked once its maxima say something fits.

Equivalent mutants (scripts/mutate.py excludes them from the score):

- xǁ_Indexǁ__init____mutmut_3: one bucket more (``maxcap + 2``) is never filled nor read: every
  capacity added is at most maxcap and the searches stop at the maxima.
- xǁ_Indexǁ__init____mutmut_21: ``max_all`` starting at 1: an index is made for a unit and gets it
  at once, and a round only adds units of capacity 1 or more, so the first add sets the maximum
  (a capacity of 1 leaves the 1 that add would have set); remove() brings it down to 0 all the same.
- xǁ_Indexǁadd__mutmut_7: ``cap >= self.max_all``: at equality it sets the maximum to what it is.
- xǁ_Indexǁadd__mutmut_12: ``cap >= self.max_acc``: the same.
- xǁ_Indexǁfind__mutmut_11: ``range(size, top + 2)``: the counts are exact, so the bucket at
  ``top`` (the maximum) is never empty and the loop returns there at the latest.
- xǁ_Indexǁfind__mutmut_32: the same for units that need not be accessible.
- x_iter_matches__mutmut_35: ``max(caps, default=None)``: with no units no index is made, so
  the default is never read.
- x_iter_matches__mutmut_38: ``default=1``: the same.
- xǁ_Indexǁfind__mutmut_20: the ``return -1`` after the accessible search (here ``+1``) is never
  reached: the maximum is exact, so the bucket at ``top`` holds a unit and the loop returns there.
- xǁ_Indexǁfind__mutmut_21: ``-2`` there: the same.
- xǁ_Indexǁfind__mutmut_51: the last ``return -1`` (here ``+1``), after the search of every unit:
  the same.
- xǁ_Indexǁfind__mutmut_52: ``-2`` there: the same.
- x_iter_matches__mutmut_106: ``taken[u] = 2``: ``taken`` is only read for its truth.
- x_iter_matches__mutmut_66: ``free`` counting 2 a unit: ``free`` only lets a phase stop early once
  no unit is left; without the early stop every later applicant finds no index whose maximum
  fits (all counts are 0 by then), so the same matches are made, only later.
- x_iter_matches__mutmut_125: ``free = 1`` instead of ``free -= 1``: the same (never 0, no early stop).
- x_iter_matches__mutmut_126: ``free += 1``: the same.
"""
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_alloc_matching import POLICY, E, U

from services.allocation.domain.matching import GENERAL, Match, _Index, match_round, normalise_quotas, quota_seats


def test_quota_seats_rounded_down_by_hand():
    assert quota_seats(7, {"frontline": 15}) == [("frontline", 1)]
    assert quota_seats(200, {"hardship": 33, "model_worker": 5}) == [("hardship", 66), ("model_worker", 10)]
    assert quota_seats(10, {"frontline": 100}) == [("frontline", 10)]
    assert quota_seats(99, {"frontline": 1}) == [("frontline", 0)]
    assert quota_seats(100, {"frontline": 1}) == [("frontline", 1)]


def test_quota_percent_edges():
    assert quota_seats(10, {"none": 0}) == [("none", 0)]
    assert quota_seats(10, {"all": 100}) == [("all", 10)]
    for bad in (-1, 101, 15.0, True, "15"):
        with pytest.raises(ValueError, match=r"^quota percent for frontline must be an int 0\.\.100$"):
            quota_seats(10, {"frontline": bad})


@given(st.integers(0, 10**6), st.integers(0, 100))
def test_a_quota_never_exceeds_its_share_and_misses_it_by_less_than_one_seat(units, pct):
    [(_, seats)] = quota_seats(units, {"g": pct})
    assert seats * 100 <= units * pct < (seats + 1) * 100


def test_quotas_refused_in_words():
    for quotas, message in (
            ([("veterans", 1), ("veterans", 2)], "invalid or duplicate quota group 'veterans'"),
            ({GENERAL: 1}, f"invalid or duplicate quota group {GENERAL!r}"),
            ({"veterans": -1}, "quota seats for veterans must be an int >= 0"),
            ({"veterans": 1.0}, "quota seats for veterans must be an int >= 0"),
            ({"veterans": True}, "quota seats for veterans must be an int >= 0")):
        with pytest.raises(ValueError) as e:
            normalise_quotas(quotas)
        assert str(e.value) == message
    assert normalise_quotas([("veterans", 0), ("hardship", 2)]) == [("veterans", 0), ("hardship", 2)]


def test_units_of_equal_area_are_served_by_id_whatever_their_input_order():
    for units in ([U("U1"), U("U2")], [U("U2"), U("U1")]):
        r = match_round([E("A", 900)], units, [], POLICY)
        assert r.matches == (Match("A", "U1", 0, GENERAL),)


def test_the_capacity_index_answers_minus_one_when_nothing_fits():
    empty = _Index(3)
    assert (empty.find(1, False, bytearray()), empty.find(1, True, bytearray())) == (-1, -1)
    idx = _Index(3)
    idx.add(0, 2, accessible=False)
    idx.add(1, 3, accessible=True)
    taken = bytearray(2)
    assert idx.find(3, False, taken) == 1 and idx.find(2, False, taken) == 0
    assert idx.find(4, False, taken) == -1   # bigger than any unit
    assert idx.find(2, True, taken) == 1 and idx.find(4, True, taken) == -1
    idx.remove(3, accessible=True)
    taken[1] = 1
    assert idx.find(3, False, taken) == -1 and idx.find(1, True, taken) == -1
    assert (idx.max_all, idx.max_acc) == (2, 0)


def test_an_applicant_whose_programme_has_no_units_waits_and_the_round_goes_on():
    # POLICY has programmes pr and sa; only public_rental (pr) units are offered
    r = match_round([E("S", 900, programme="sa"), E("A", 800)], [U("U1")], [], POLICY)
    assert r.matches == (Match("A", "U1", 0, GENERAL),) and r.waitlist == ("S",)
    # ... and one whose programme the fit policy does not know at all (no table of units is made for it)
    r = match_round([E("Z", 900, programme="zz"), E("A", 800)], [U("U1")], [], POLICY)
    assert r.matches == (Match("A", "U1", 0, GENERAL),) and r.waitlist == ("Z",)
