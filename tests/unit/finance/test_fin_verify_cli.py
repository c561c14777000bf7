"""`anju verify-ledger FILE`: OK and the trial balance for an honest export, the first entry
that does not match (and a non-zero exit) for a changed one."""

import json
from datetime import UTC, date, datetime

import pytest

from services.cli import main
from services.finance.domain import chain


def _export():
    entries, prev = [], chain.GENESIS
    for seq, amount in enumerate((50_000, 7_000, 300), 1):
        entries.append(chain.seal(chain.content(
            district="demo", seq=seq, entry_id=f"e{seq}", posted_on=date(2026, 11, seq), kind="receipt", memo="",
            idempotency_id=f"k{seq}", cause_type="fund_receipt", cause_id=f"r{seq}", event_id=None, request_id=None,
            recorded_by="finance_officer:a", recorded_at=datetime(2026, 11, seq, tzinfo=UTC), reverses=None,
            reason=None, lines=[("1002:donation", amount), ("4105", -amount)], prev_hash=prev)))
        prev = entries[-1]["hash"]
    return {"format": chain.EXPORT_FORMAT, "district": "demo", "head": {"seq": 3, "hash": prev}, "entries": entries}


def _run(tmp_path, doc, capsys):
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["verify-ledger", str(path)])
    return done.value.code, capsys.readouterr().out


def test_an_honest_export_is_ok_with_its_trial_balance(tmp_path, capsys):
    code, out = _run(tmp_path, _export(), capsys)
    assert code == 0
    assert out.startswith("OK: 3 entries verified")
    assert "1002:donation" in out and "57300" in out and "total" in out


def test_a_changed_amount_is_named_and_fails(tmp_path, capsys):
    doc = _export()
    doc["entries"][1]["lines"] = [["1002:donation", 70_000], ["4105", -70_000]]  # 700 元 for 70 元, still balanced
    code, out = _run(tmp_path, doc, capsys)
    assert code == 1
    assert out.startswith("MISMATCH: entry seq 2 (e2) does not match: hash does not match")


def test_an_unreadable_file_is_a_clear_exit(tmp_path):
    with pytest.raises(SystemExit, match="cannot read"):
        main(["verify-ledger", str(tmp_path / "missing.json")])
