import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from services.allocation.domain.fit import FitPolicy
from services.allocation.domain.lottery import canonical_json, commitment
from services.allocation.domain.matching import allocate
from services.allocation.domain.ranking import PoolEntry
from services.allocation.domain.stock import Unit
from services.allocation.domain.verify import (
    RoundFacts,
    SeedParts,
    export_round,
    results_digest,
    results_to_json,
    verify,
)

SECRET = b"round-2026-12-gulou-secret-bytes!"
PARTS = SeedParts(SECRET, commitment(SECRET), ("福彩双色球 2026138: 03 07 12 19 25 31 + 09", "见证人李*:4417"))
POLICY = FitPolicy(2, 0, {"pr": {"public_rental"}})
QUOTAS = [("frontline", 1)]
FACTS = RoundFacts("R-2026-12", "pr", "福彩双色球 2026138 and witnesses", "2026-12-01")


def make_round(n_units=6, n_entries=12):
    units = [Unit(f"U{i:02d}", f"P{i % 2}", "1", str(i), 1, 1 + i % 3, 300 + 50 * i, 0, 1000,
                  "public_rental", i % 4 == 0) for i in range(n_units)]
    entries = [PoolEntry(f"A-{i:05d}", f"r{i}", (i % 3) * 5, 1 + i % 4, "pr",
                         ("P0", "P1") if i % 2 else ("P1",),
                         frozenset({"frontline"}) if i % 5 == 0 else frozenset(), i % 7 == 0)
               for i in range(n_entries)]
    return entries, units


def make_export():
    entries, units = make_round()
    result = allocate(entries, units, QUOTAS, POLICY, PARTS.seed())
    return export_round(entries, units, QUOTAS, POLICY, PARTS, result, FACTS), result


def only_ints_and_strings(x):
    if isinstance(x, dict):
        return all(isinstance(k, str) and only_ints_and_strings(v) for k, v in x.items())
    if isinstance(x, list):
        return all(only_ints_and_strings(v) for v in x)
    return type(x) in (int, str)


def test_export_is_canonical_json_of_ints_and_strings_and_verifies():
    exp, result = make_export()
    assert only_ints_and_strings(exp)
    assert exp["results_digest"] == results_digest(result)
    # survives a JSON round trip byte for byte (what the CLI will read from a file)
    again = json.loads(canonical_json(exp))
    assert canonical_json(again) == canonical_json(exp)
    report = verify(again)
    assert report.ok and report.message == "MATCH"


def test_export_independent_of_load_order():
    entries, units = make_round()
    result = allocate(entries, units, QUOTAS, POLICY, PARTS.seed())
    a = export_round(entries, units, QUOTAS, POLICY, PARTS, result, FACTS)
    b = export_round(entries[::-1], units[::-1], QUOTAS, POLICY, PARTS,
                     allocate(entries[::-1], units[::-1], QUOTAS, POLICY, PARTS.seed()), FACTS)
    assert canonical_json(a) == canonical_json(b)


def _retarget(exp, new_results):
    exp["results"] = new_results
    from services.allocation.domain.verify import results_from_json
    exp["results_digest"] = results_digest(results_from_json(new_results))
    return exp


def test_reports_first_difference_by_rank():
    exp, result = make_export()
    m = result.matches
    # swap the units of the 2nd and 3rd match (and re-sign the digest, as a forger would)
    rows = copy.deepcopy(exp["results"])
    rows["matches"][1][1], rows["matches"][2][1] = rows["matches"][2][1], rows["matches"][1][1]
    report = verify(_retarget(copy.deepcopy(exp), rows))
    rank_of = {a: i + 1 for i, a in enumerate(result.order)}
    assert report.status == "MISMATCH"
    assert report.message.startswith(
        f"rank {rank_of[m[1].application_id]}: export says {m[1].application_id} got {m[2].unit_id}")
    assert f"recomputed {m[1].application_id} got {m[1].unit_id}" in report.message


def test_detects_waitlisted_applicant_shown_as_housed():
    exp, result = make_export()
    lucky = result.waitlist[0]
    rows = copy.deepcopy(exp["results"])
    rows["waitlist"].remove(lucky)
    rows["matches"].append([lucky, "U99", 0, "general"])
    report = verify(_retarget(copy.deepcopy(exp), rows))
    assert report.status == "MISMATCH"
    assert f"export says {lucky} got U99" in report.message
    assert f"recomputed {lucky} is on the waitlist" in report.message


def test_detects_tampered_digest_secret_and_inputs():
    exp, _ = make_export()
    bad = copy.deepcopy(exp)
    bad["results_digest"] = "0" * 64
    assert "results_digest" in verify(bad).message
    bad = copy.deepcopy(exp)
    bad["seed"]["secret_hex"] = (b"another-secret-of-enough-length!!").hex()
    assert "commitment" in verify(bad).message
    bad = copy.deepcopy(exp)
    bad["seed"]["public_values"][0] = "03 07 12 19 25 32"
    assert verify(bad).status == "MISMATCH"  # final seed no longer agrees
    # Issue 12 item 2 changed these two: a missing digest is a failure (it was skipped, and the
    # recomputation then named a rank), and an edited pool no longer matches its snapshot digest.
    bad = copy.deepcopy(exp)
    del bad["seed"]["final_seed_hex"]
    bad["seed"]["public_values"][0] = "03 07 12 19 25 32"
    assert (verify(bad).status, verify(bad).message) == (
        "INVALID", "export lacks seed.final_seed_hex: without it the round cannot be checked")
    bad = copy.deepcopy(exp)
    bad["pool"][0]["points_tenths"] = 99999  # someone edited an applicant's points
    assert verify(bad).message.startswith("pool/units hash to ")


def resign(exp):
    """Recompute the export's snapshot and inputs digests, as a forger would."""
    from services.allocation.domain.verify import _inputs_digest_json, _snapshot_digest_json

    exp["snapshot_digest"] = _snapshot_digest_json(exp["pool"], exp["units"])
    exp["inputs_digest"] = _inputs_digest_json({k: exp[k] for k in ("round_id", "programme", "public_value_source",
                                                                     "draw_date", "policy", "snapshot_digest")}
                                               | {"commitment": exp["seed"]["commitment"]})
    return exp


def test_unreadable_export_is_invalid_not_a_crash():
    assert verify({"format": "nope"}).status == "INVALID"
    assert verify([]).status == "INVALID"
    exp, _ = make_export()
    del exp["pool"][0]["household_size"]
    assert verify(exp).status == "MISMATCH"  # the snapshot digest no longer agrees
    assert verify(resign(exp)).status == "INVALID"
    exp, _ = make_export()
    exp["units"][0]["area_tenths"] = 65.5
    assert verify(resign(exp)).status == "INVALID"


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 15), st.integers(0, 30), st.randoms(use_true_random=False))
def test_any_honest_round_verifies(n_units, n_entries, rng):
    entries, units = make_round(n_units, n_entries)
    rng.shuffle(entries)
    rng.shuffle(units)
    result = allocate(entries, units, QUOTAS, POLICY, PARTS.seed())
    exp = json.loads(canonical_json(export_round(entries, units, QUOTAS, POLICY, PARTS, result, FACTS)))
    assert verify(exp).ok
    assert exp["results"] == results_to_json(result)


def test_snapshot_digest_committed_at_open_detects_a_changed_pool():
    from services.allocation.domain.fit import FitPolicy
    from services.allocation.domain.lottery import commitment
    from services.allocation.domain.matching import allocate
    from services.allocation.domain.ranking import PoolEntry
    from services.allocation.domain.stock import Unit
    from services.allocation.domain.verify import SeedParts, export_round, snapshot_digest, verify

    secret = b"snapshot-digest-secret-012345678"
    parts = SeedParts(secret, commitment(secret), ("3 8 1",))
    units = [Unit(f"U{i}", "P0", "1", str(i), 1, 2, 500, 0, 90000, "public_rental") for i in range(2)]
    entries = [PoolEntry(f"A-{i}", f"r{i}", 10 * i, 2, "pr", ("P0",)) for i in range(4)]
    policy = FitPolicy(2, 0, {"pr": {"public_rental"}})
    export = export_round(entries, units, [], policy, parts, allocate(entries, units, [], policy, parts.seed()),
                          FACTS)
    assert export["snapshot_digest"] == snapshot_digest(reversed(entries), units)  # order does not matter
    assert verify(export).ok
    export["pool"][0]["points_tenths"] += 1000  # the operator lifts someone after opening...
    export["results_digest"] = "0" * 64           # ...and the results would no longer matter
    report = verify(export)
    assert report.status == "MISMATCH" and "snapshot committed when the round opened" in report.message
