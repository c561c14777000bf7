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


def test_each_figure_carries_the_load_average_it_was_measured_under(report, monkeypatch):
    monkeypatch.setattr(report.os, "getloadavg", lambda: (3.456, 2.0, 1.0))
    report.record("finance_loans", "schedules", 10.0, "s", yardstick="bare loop", yardstick_value=5.0)
    monkeypatch.setattr(report.os, "getloadavg", lambda: (0.5, 0.25, 0.125))
    report.record("finance_billing", "billing", 3.0, "s")
    assert [r["load"] for r in report.read()] == [[3.46, 2.0, 1.0], [0.5, 0.25, 0.12]]
    md, js = report.render()
    text = md.read_text(encoding="utf-8")
    assert "at rendering 0.50, 0.25, 0.12" in text
    assert "recorded 0.50–3.46" in text
    assert "| 2.00 | — | — | 3.46 |" in text  # ratio, target, met, load
    assert json.loads(js.read_text(encoding="utf-8"))["load_at_render"] == [0.5, 0.25, 0.12]


def test_a_yardstick_another_bench_recorded_earlier_in_the_run(report):
    assert report.earlier("outbox_relay", "outbox relay, PostgreSQL") is None
    report.record("outbox_relay", "outbox relay, PostgreSQL, confirms, batch 1000", 2000, "msg/s")
    report.record("outbox_relay", "outbox relay, SQLite, confirms, batch 1000", 5000, "msg/s")
    report.record("outbox_relay", "outbox relay, PostgreSQL, confirms, batch 1000", 2500, "msg/s")
    assert report.earlier("outbox_relay", "outbox relay, PostgreSQL") == 2500  # the latest
    assert report.earlier("finance_loans", "outbox relay, PostgreSQL") is None
