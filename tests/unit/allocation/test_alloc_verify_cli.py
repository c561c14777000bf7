"""`anju verify-round FILE`: MATCH for an honest export, the first difference for a tampered one."""

import json

import pytest

from services.allocation.domain.fit import FitPolicy
from services.allocation.domain.lottery import commitment
from services.allocation.domain.matching import allocate
from services.allocation.domain.ranking import PoolEntry
from services.allocation.domain.stock import Unit
from services.allocation.domain.verify import RoundFacts, SeedParts, export_round
from services.cli import main

SECRET = b"cli-test-round-secret-0123456789"
PARTS = SeedParts(SECRET, commitment(SECRET), ("双色球 2026139: 01 05 09 14 22 30 + 11",))


def _export():
    units = [Unit(f"U{i}", "P0", "1", str(i), 1, 2, 500, 0, 90000, "public_rental") for i in range(3)]
    entries = [PoolEntry(f"A-{i}", f"r{i}", 10 * (i % 3), 2, "pr", ("P0",)) for i in range(5)]
    policy = FitPolicy(2, 0, {"pr": {"public_rental"}})
    result = allocate(entries, units, [], policy, PARTS.seed())
    facts = RoundFacts("R1", "pr", "双色球 2026139", "2026-11-20")
    return export_round(entries, units, [], policy, PARTS, result, facts)


def _run(tmp_path, export, capsys):
    path = tmp_path / "round.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["verify-round", str(path)])
    return exit_info.value.code, capsys.readouterr().out


def test_honest_export_matches(tmp_path, capsys):
    code, out = _run(tmp_path, _export(), capsys)
    assert code == 0 and out.startswith("MATCH")


def test_tampered_export_shows_first_difference(tmp_path, capsys):
    export = _export()
    matches = export["results"]["matches"]
    matches[0][1], matches[1][1] = matches[1][1], matches[0][1]  # swap two units
    code, out = _run(tmp_path, export, capsys)
    assert code == 1 and not out.startswith("MATCH")
    assert matches[0][0] in out or "digest" in out


def test_unreadable_file(tmp_path):
    with pytest.raises(SystemExit, match="cannot read"):
        main(["verify-round", str(tmp_path / "missing.json")])


def test_match_is_printed_once_with_every_value_checked(tmp_path, capsys):
    """Issue 12 item 2 / issue 11: the verdict once, then what was checked, each with the event
    field it was published in (round.opened, round.drawn) for the reader to compare."""
    export = _export()
    code, out = _run(tmp_path, export, capsys)
    lines = out.splitlines()
    assert code == 0 and lines[0] == "MATCH" and out.count("MATCH") == 1
    assert lines[1] == "checked (compare each with the published value):"
    checked = {line.split()[0] + (" " + line.split()[1] if line.split()[1] in ("digest", "seed") else ""): line
               for line in lines[2:]}
    assert list(checked) == ["commitment", "snapshot digest", "inputs digest", "final seed", "results digest"]
    assert export["seed"]["commitment"] in checked["commitment"] and "round.opened commitment" in checked["commitment"]
    assert export["snapshot_digest"] in checked["snapshot digest"]
    assert export["inputs_digest"] in checked["inputs digest"] and "round.opened inputs_digest" in out
    assert export["seed"]["final_seed_hex"] in checked["final seed"] and "round.drawn seed_hex" in out
    assert export["results_digest"] in checked["results digest"] and "round.drawn results_digest" in out


def test_a_tampered_policy_and_a_removed_digest_are_not_a_match(tmp_path, capsys):
    """Issue 12 item 2: both said MATCH before."""
    export = _export()
    export["policy"]["fit"]["max_persons_per_room"] = 3  # changes nothing in this small round's result
    code, out = _run(tmp_path, export, capsys)
    assert code == 1 and out.startswith("MISMATCH: round id, policy and snapshot hash to ")
    assert "checked before that:" in out and "snapshot digest" in out

    export = _export()
    export["pool"][0]["household_size"] = 1
    del export["snapshot_digest"]
    code, out = _run(tmp_path, export, capsys)
    assert (code, out.splitlines()[0]) == (
        1, "INVALID: export lacks snapshot_digest: without it the round cannot be checked")
