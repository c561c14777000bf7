"""`anju verify-round FILE`: MATCH for an honest export, the first difference for a tampered one."""

import json

import pytest

from services.allocation.domain.fit import FitPolicy
from services.allocation.domain.lottery import commitment
from services.allocation.domain.matching import allocate
from services.allocation.domain.ranking import PoolEntry
from services.allocation.domain.stock import Unit
from services.allocation.domain.verify import SeedParts, export_round
from services.cli import main

SECRET = b"cli-test-round-secret-0123456789"
PARTS = SeedParts(SECRET, commitment(SECRET), ("双色球 2026139: 01 05 09 14 22 30 + 11",))


def _export():
    units = [Unit(f"U{i}", "P0", "1", str(i), 1, 2, 500, 0, 90000, "public_rental") for i in range(3)]
    entries = [PoolEntry(f"A-{i}", f"r{i}", 10 * (i % 3), 2, "pr", ("P0",)) for i in range(5)]
    policy = FitPolicy(2, 0, {"pr": {"public_rental"}})
    result = allocate(entries, units, [], policy, PARTS.seed())
    return export_round(entries, units, [], policy, PARTS, result)


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
