"""`anju demo` fails loudly: a broken invariant is a non-zero exit naming it; a refusal on the
way (services down, a clock that cannot move) is a non-zero exit saying what to do."""

from __future__ import annotations

import pytest

from services.cli import main
from services.demo import cli as demo_cli
from services.demo.client import DemoError
from services.demo.summary import Check


def _report(check: Check) -> dict:
    return {"seed": 7, "workers": 10, "seconds": 1.0, "skipped": {}, "check": check.as_dict(),
            "summary": {}, "where_to_look": {}}


def test_a_broken_invariant_exits_non_zero_naming_it(monkeypatch, capsys):
    check = Check()
    check.record("ledger_trial_balance_zero", True, "")
    check.record("no_unit_with_two_tenancies", False, "units with two: ['GR1/1号楼/101']")
    monkeypatch.setattr(demo_cli, "play", lambda *a, **k: _report(check))
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--workers", "10", "--json"])
    assert "consistency check FAILED" in str(exc.value) and "no_unit_with_two_tenancies" in str(exc.value)
    assert '"ok": false' in capsys.readouterr().out


def test_a_passing_check_exits_zero(monkeypatch):
    check = Check()
    check.record("ledger_trial_balance_zero", True, "")
    monkeypatch.setattr(demo_cli, "play", lambda *a, **k: _report(check))
    main(["demo", "--workers", "10", "--json"])


def test_a_refusal_on_the_way_exits_with_its_reason(monkeypatch):
    def refuse(*a, **k):
        raise DemoError("applications's clock is not adjustable: start the services with CLOCK_ADJUSTABLE=true")

    monkeypatch.setattr(demo_cli, "play", refuse)
    with pytest.raises(SystemExit, match="CLOCK_ADJUSTABLE=true"):
        main(["demo", "--workers", "10"])
