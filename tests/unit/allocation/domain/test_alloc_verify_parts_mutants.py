"""Verification of a 配租 round, its parts: the rules `make mutate` showed no test stated (issue 20).

The three published digests are SHA-256 of canonical JSON written out by hand here (sorted keys,
no whitespace, UTF-8), so a verifier in another language can check its own hashing against
these known answers; a first difference names its rank 1-based, shows a preference 1-based and
fills the shorter side's ranks with "(nobody)"; a field of the wrong type is refused naming the
field; a unit is read back with every field as written, its status included.

Equivalent mutants (scripts/mutate.py excludes them from the score): none.
"""
import copy
import hashlib

from test_alloc_verify import _retarget, make_export, resign

from services.allocation.domain.matching import Match, RoundResult
from services.allocation.domain.ranking import PoolEntry
from services.allocation.domain.stock import Unit, UnitStatus
from services.allocation.domain.verify import (
    RoundFacts,
    _first_difference,
    inputs_digest,
    results_digest,
    snapshot_digest,
    unit_from_json,
    verify,
)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


ENTRY = PoolEntry("A-1", "r1", 125, 3, "pr", ("P0", "P1"), frozenset({"frontline", "disabled"}), True)
UNIT = Unit("P0/2/301", "P0", "2", "301", 3, 2, 655, 0, 120000, "public_rental", True, UnitStatus.OFFERED)
ENTRY_JSON = ('{"application_id":"A-1","household_size":3,"needs_accessible":1,"person_ref":"r1",'
              '"points_tenths":125,"preferences":["P0","P1"],"priority_groups":["disabled","frontline"],'
              '"programme":"pr"}')
UNIT_JSON = ('{"accessible":1,"area_tenths":655,"beds":0,"building":"2","category":"public_rental",'
             '"floor":3,"number":"301","project_id":"P0","rent_fen":120000,"rooms":2,"status":"offered",'
             '"unit_id":"P0/2/301"}')


# -- the published digests, against known answers ----------------------------------------------

def test_snapshot_digest_is_sha256_of_pool_and_units_as_written():
    assert snapshot_digest([ENTRY], [UNIT]) == sha('{"pool":[' + ENTRY_JSON + '],"units":[' + UNIT_JSON + ']}')
    assert snapshot_digest([], []) == sha('{"pool":[],"units":[]}')


def test_inputs_digest_is_sha256_of_the_round_facts_policy_and_lowercase_digests():
    facts = RoundFacts("R-1", "pr", "双色球 2026138", "2026-12-01")
    policy = {"fit": {"max_rooms": 2}, "quotas": [["frontline", 1]]}
    got = inputs_digest(facts, "AB" * 32, policy, "CD" * 32)
    assert got == sha('{"commitment":"' + "ab" * 32 + '","draw_date":"2026-12-01",'
                      '"policy":{"fit":{"max_rooms":2},"quotas":[["frontline",1]]},"programme":"pr",'
                      '"public_value_source":"双色球 2026138","round_id":"R-1","snapshot_digest":"'
                      + "cd" * 32 + '"}')


def test_results_digest_is_sha256_of_order_matches_and_waitlist():
    result = RoundResult(("A-2", "A-1", "A-3"),
                         (Match("A-2", "U1", 1, "frontline"), Match("A-1", "U2", 0, "general")), ("A-3",))
    assert results_digest(result) == sha('{"matches":[["A-2","U1",1,"frontline"],["A-1","U2",0,"general"]],'
                                         '"order":["A-2","A-1","A-3"],"waitlist":["A-3"]}')
    assert results_digest(RoundResult((), (), ())) == sha('{"matches":[],"order":[],"waitlist":[]}')


# -- the first difference, as the verifier reads it ---------------------------------------------

def test_a_different_unit_names_rank_and_preference_one_based():
    stated = RoundResult(("A-1", "A-2"), (Match("A-1", "U1", 0, "general"), Match("A-2", "U2", 0, "frontline")), ())
    recomputed = RoundResult(("A-1", "A-2"),
                             (Match("A-1", "U1", 0, "general"), Match("A-2", "U3", 2, "general")), ())
    assert _first_difference(stated, recomputed) == (
        "rank 2: export says A-2 got U2 (preference 1, seat frontline), "
        "recomputed A-2 got U3 (preference 3, seat general)")


def test_a_different_applicant_names_the_rank():
    stated = RoundResult(("A-1", "A-2", "A-3"), (), ("A-1", "A-2", "A-3"))
    recomputed = RoundResult(("A-1", "A-3", "A-2"), (), ("A-1", "A-3", "A-2"))
    assert _first_difference(stated, recomputed) == "rank 2: export says A-2, recomputed A-3"


def test_a_shorter_side_shows_nobody_at_the_missing_ranks():
    longer = RoundResult(("A-1", "A-2"), (), ("A-1", "A-2"))
    shorter = RoundResult(("A-1",), (), ("A-1",))
    assert _first_difference(shorter, longer) == "rank 2: export says (nobody), recomputed A-2"
    assert _first_difference(longer, shorter) == "rank 2: export says A-2, recomputed (nobody)"
    assert _first_difference(longer, longer) is None


def test_an_export_missing_or_adding_a_last_rank_is_reported_at_that_rank():
    exp, result = make_export()
    n = len(result.order)
    rows = copy.deepcopy(exp["results"])
    rows["order"].pop()
    report = verify(_retarget(copy.deepcopy(exp), rows))
    assert (report.status, report.message) == (
        "MISMATCH", f"rank {n}: export says (nobody), recomputed {result.order[-1]}")
    rows = copy.deepcopy(exp["results"])
    rows["order"].append("A-99999")
    report = verify(_retarget(copy.deepcopy(exp), rows))
    assert (report.status, report.message) == (
        "MISMATCH", f"rank {n + 1}: export says A-99999, recomputed (nobody)")


# -- fields of the wrong type, and a unit read back ---------------------------------------------

def test_a_unit_field_of_the_wrong_type_is_refused_naming_it():
    for field, value, problem in [("floor", "3", "floor must be an int"),
                                  ("accessible", True, "accessible must be an int"),
                                  ("number", 301, "number must be a string")]:
        exp, _ = make_export()
        exp["units"][0][field] = value
        report = verify(resign(exp))
        assert (report.status, report.message) == ("INVALID", f"export cannot be read: TypeError: {problem}")


def test_a_unit_is_read_back_with_every_field_as_written():
    row = {"unit_id": "P0/2/301", "project_id": "P0", "building": "2", "number": "301", "floor": 3,
           "rooms": 2, "area_tenths": 655, "beds": 0, "rent_fen": 120000, "category": "public_rental",
           "accessible": 1, "status": "offered"}
    assert unit_from_json(row) == UNIT
    assert unit_from_json(row | {"accessible": 0, "status": "maintenance"}) == Unit(
        "P0/2/301", "P0", "2", "301", 3, 2, 655, 0, 120000, "public_rental", False, UnitStatus.MAINTENANCE)
