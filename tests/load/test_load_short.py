"""The one-minute form of the load run (bench/load.py; `make load` runs fifteen minutes):
mixed traffic over all five services at a fixed schedule; zero errors, bounded p99 per
endpoint, no memory growth over the second half."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import load  # noqa: E402

P99_LIMIT_MS = 1000.0  # on this 2-core machine, shared; the run's p99 is ~0.1 s
GROWTH_LIMIT_MB = 15.0


def test_one_minute_of_mixed_traffic():
    report = load.run(seconds=60, rate=15)
    load.print_report(report)
    assert report["requests"] >= 800, "the schedule was not kept"
    assert report["errors"] == 0, report["error_samples"]
    slow = {k: e["p99_ms"] for k, e in report["endpoints"].items() if e["p99_ms"] > P99_LIMIT_MS}
    assert not slow, f"p99 over {P99_LIMIT_MS} ms: {slow}"
    grew = {k: g for k, g in report["memory_growth_mb"].items() if g > GROWTH_LIMIT_MB}
    assert not grew, f"memory grew over the second half: {grew}"
