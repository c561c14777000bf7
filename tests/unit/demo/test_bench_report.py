"""bench/report.py: records append, the ratio is value ÷ yardstick, a target is met or not, and
the rendered report shows each figure beside its yardstick."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def report(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_DIR", str(tmp_path))
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "bench" / "report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_figures_with_yardsticks_ratios_and_targets(report, tmp_path):
    report.record("applications_submit", "submissions/s, postgresql", 450, "submissions/s",
                  yardstick="bare nameko @http", yardstick_value=1800, target=(">=", 300))
    report.record("applications_submit", "submit p99", 120.0, "ms", yardstick="bare @http p99",
                  yardstick_value=8.0, target=("<", 100))
    report.record("allocation_draw", "draw 200,000 in memory", 1.25, "s")
    rows = report.read()
    assert [r["ratio"] for r in rows] == [0.25, 15.0, None]
    assert [r["met"] for r in rows] == [True, False, None]
    md, js = report.render()
    text = md.read_text(encoding="utf-8")
    assert "targets met: 1 of 2" in text
    assert "| applications_submit | submissions/s, postgresql | 450 submissions/s | 1,800 (bare nameko @http) | 0.25 " \
           "| >= 300 submissions/s | yes |" in text
    assert "| **no** |" in text
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["targets_met"] == 1 and data["targets"] == 2 and len(data["figures"]) == 3


def test_reset_starts_a_new_report_and_a_bad_target_is_refused(report):
    report.record("x", "y", 1, "s")
    assert report.main(["--reset"]) == 0 and report.read() == []
    with pytest.raises(ValueError, match="target"):
        report.record("x", "y", 1, "s", target=("~", 3))
