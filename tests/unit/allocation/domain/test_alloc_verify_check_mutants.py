"""配租 verification: what :func:`verify` tells a member of the public re-checking a round (issue 20).

`make mutate` showed no test stated these. An honest round reports MATCH, both results digests,
and every value it checked (what, value, the event field it was published in), in the order it
checked them; each refusal carries its status (INVALID for an export that cannot be read,
MISMATCH for one that disagrees with itself or its published digests), its exact words, the
values checked before it, and, once results were compared, the recomputed and the stated
results digests. Expected digests are computed here with hashlib from the export's own JSON.

Equivalent mutants (scripts/mutate.py excludes them from the score): none among verify()'s own;
this file states verify() itself, not the helper functions it calls.
"""
import copy
import hashlib
import json

import pytest
from test_alloc_verify import SECRET, make_export, resign

from services.allocation.domain.verify import verify


def sha(obj) -> str:
    """SHA-256 of canonical JSON, written out here rather than taken from the code under test."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode("utf-8")).hexdigest()


def seed_of(secret: bytes, public_values) -> str:
    return hashlib.sha256(secret + b"\x00" + json.dumps(list(public_values), ensure_ascii=False,
                                                        separators=(",", ":")).encode("utf-8")).hexdigest()


def bound_of(exp) -> dict:
    return {"round_id": exp["round_id"], "programme": exp["programme"],
            "commitment": exp["seed"]["commitment"], "public_value_source": exp["public_value_source"],
            "draw_date": exp["draw_date"], "policy": exp["policy"], "snapshot_digest": exp["snapshot_digest"]}


def checked_of(exp, upto: int) -> tuple:
    """The first ``upto`` values an honest export's verification checks, in order."""
    rows = (
        ("commitment", hashlib.sha256(SECRET).hexdigest(), "round.opened commitment"),
        ("snapshot digest", sha({"pool": exp["pool"], "units": exp["units"]}), "round.opened snapshot_digest"),
        ("inputs digest", sha(bound_of(exp)), "round.opened inputs_digest"),
        ("final seed", seed_of(SECRET, exp["seed"]["public_values"]), "round.drawn seed_hex"),
        ("results digest", sha(exp["results"]), "round.drawn results_digest"),
    )
    return rows[:upto]


def resign_results(exp):
    """Re-sign the results digest after editing the results, as a forger would."""
    exp["results_digest"] = sha(exp["results"])
    return exp


def test_an_honest_round_reports_match_both_digests_and_every_value_checked():
    exp, _ = make_export()
    honest = copy.deepcopy(exp)
    report = verify(exp)
    digest = sha(honest["results"])
    assert (report.status, report.message, report.recomputed_digest, report.export_digest) == (
        "MATCH", "MATCH", digest, digest)
    # the values a member of the public compares with round.opened and round.drawn, in order
    assert report.checked == checked_of(honest, 5)
    assert report.checked[0][1] == honest["seed"]["commitment"]
    assert report.checked[1][1] == honest["snapshot_digest"]
    assert report.checked[2][1] == honest["inputs_digest"]
    assert report.checked[3][1] == honest["seed"]["final_seed_hex"]
    assert report.checked[4][1] == honest["results_digest"]


def test_uppercase_digests_in_the_export_are_reported_in_lowercase():
    exp, _ = make_export()
    honest = copy.deepcopy(exp)
    for k in ("snapshot_digest", "inputs_digest", "results_digest"):
        exp[k] = exp[k].upper()
    exp["seed"]["final_seed_hex"] = exp["seed"]["final_seed_hex"].upper()
    report = verify(exp)
    assert report.status == "MATCH" and report.checked == checked_of(honest, 5)


def _old_format(exp):
    exp["format"] = "anju.allocation.round/1"


def _unknown_format(exp):
    exp["format"] = "anju.allocation.round/3"


def _no_format(exp):
    del exp["format"]


def _lacks_round_id_and_final_seed(exp):
    del exp["round_id"]
    del exp["seed"]["final_seed_hex"]


def _lacks_two_seed_fields(exp):
    del exp["seed"]["secret_hex"]
    del exp["seed"]["public_values"]


def _unreadable_pool_row(exp):
    del exp["pool"][0]["household_size"]
    resign(exp)


def _non_int_area(exp):
    exp["units"][0]["area_tenths"] = 65.5
    resign(exp)


@pytest.mark.parametrize("edit, message", [
    (_old_format, "format anju.allocation.round/1 does not bind the policy and the round id; fetch the "
                  "round's export again (format anju.allocation.round/2)"),
    (_unknown_format, "unknown format 'anju.allocation.round/3', expected anju.allocation.round/2"),
    (_no_format, "unknown format None, expected anju.allocation.round/2"),
    (_lacks_round_id_and_final_seed,
     "export lacks round_id, seed.final_seed_hex: without it the round cannot be checked"),
    (_lacks_two_seed_fields,
     "export lacks seed.secret_hex, seed.public_values: without it the round cannot be checked"),
    (_unreadable_pool_row, "export cannot be read: KeyError: 'household_size'"),
    (_non_int_area, "export cannot be read: TypeError: area_tenths must be an int"),
], ids=["old-format", "unknown-format", "no-format", "lacks-top-and-seed", "lacks-seed-fields",
        "missing-field", "float-field"])
def test_an_export_that_cannot_be_checked_is_invalid_in_words(edit, message):
    exp, _ = make_export()
    edit(exp)
    report = verify(exp)
    assert (report.status, report.message, report.recomputed_digest, report.export_digest) == (
        "INVALID", message, None, None)


@pytest.mark.parametrize("not_an_object", [[], "MATCH", None, 7])
def test_an_export_that_is_not_a_json_object_is_invalid_in_words(not_an_object):
    report = verify(not_an_object)
    assert (report.status, report.message, report.recomputed_digest, report.export_digest, report.checked) == (
        "INVALID", "export cannot be read: not a JSON object", None, None, ())


def test_a_secret_that_does_not_match_the_commitment_is_a_mismatch_naming_both():
    exp, _ = make_export()
    other = b"another-secret-of-enough-length!!"
    published = exp["seed"]["commitment"].upper()  # reported as published
    exp["seed"]["secret_hex"] = other.hex()
    exp["seed"]["commitment"] = published
    report = verify(exp)
    assert (report.status, report.message, report.checked) == (
        "MISMATCH", f"revealed secret hashes to {hashlib.sha256(other).hexdigest()}, "
                    f"but the published commitment is {published}", ())


def test_inputs_that_do_not_hash_to_the_inputs_digest_are_a_mismatch_naming_both():
    exp, _ = make_export()
    honest = copy.deepcopy(exp)
    exp["round_id"] = "R-2026-13"  # the round id the operator claims is not the one bound at opening
    exp["inputs_digest"] = exp["inputs_digest"].upper()
    report = verify(exp)
    assert (report.status, report.message, report.checked) == (
        "MISMATCH", f"round id, policy and snapshot hash to {sha(bound_of(exp))}, but the inputs digest "
                    f"published when the round opened is {honest['inputs_digest'].upper()}",
        checked_of(honest, 2))


def test_a_final_seed_that_does_not_follow_from_the_public_values_is_a_mismatch_naming_both():
    exp, _ = make_export()
    honest = copy.deepcopy(exp)
    exp["seed"]["public_values"][0] = "福彩双色球 2026138: 03 07 12 19 25 32 + 09"
    report = verify(exp)
    assert (report.status, report.message, report.checked) == (
        "MISMATCH", f"final seed: export says {honest['seed']['final_seed_hex']}, "
                    f"recomputed {seed_of(SECRET, exp['seed']['public_values'])}", checked_of(honest, 3))


def test_results_that_do_not_hash_to_the_results_digest_are_a_mismatch_with_both_digests():
    exp, _ = make_export()
    honest = copy.deepcopy(exp)
    exp["results_digest"] = "0" * 64
    report = verify(exp)
    assert (report.status, report.message, report.recomputed_digest, report.export_digest, report.checked) == (
        "MISMATCH", f"results_digest in export is {'0' * 64}, but its results hash to {sha(honest['results'])}",
        sha(honest["results"]), "0" * 64, checked_of(honest, 4))


def test_a_rank_difference_reports_the_recomputed_and_the_stated_digest():
    exp, _ = make_export()
    honest = copy.deepcopy(exp)
    rows = exp["results"]["matches"]
    rows[1][1], rows[2][1] = rows[2][1], rows[1][1]
    resign_results(exp)
    report = verify(exp)
    assert report.status == "MISMATCH" and report.message.startswith("rank ")
    assert (report.recomputed_digest, report.export_digest, report.checked) == (
        sha(honest["results"]), sha(exp["results"]), checked_of(honest, 4))
    assert report.recomputed_digest != report.export_digest


@pytest.mark.parametrize("edit", [
    lambda r: r["waitlist"].reverse(),
    lambda r: r["matches"].append(list(r["matches"][0])),
    lambda r: r["waitlist"].append(r["waitlist"][0]),
], ids=["reordered-waitlist", "duplicated-match", "duplicated-waitlist"])
def test_results_in_non_canonical_form_are_a_mismatch_in_words(edit):
    exp, _ = make_export()
    honest = copy.deepcopy(exp)
    assert len(exp["results"]["waitlist"]) >= 2  # so reversing the waitlist changes it
    edit(exp["results"])
    resign_results(exp)
    report = verify(exp)
    assert (report.status, report.message, report.recomputed_digest, report.export_digest, report.checked) == (
        "MISMATCH", "results agree rank by rank but are not in canonical form (extra, duplicated or reordered rows)",
        sha(honest["results"]), sha(exp["results"]), checked_of(honest, 4))
