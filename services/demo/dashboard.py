"""The Grafana dashboard (deploy/grafana/anju-district.json) against what the services export:
the metric names each panel's PromQL uses, the names a /metrics text holds, and the panels'
names missing from it — what tests/integration/test_demo_run.py checks after the demo."""

from __future__ import annotations

import json
import re
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "anju-district.json"
# A metric name in PromQL: ours (anju_), and the client library's process_/python_ ones. Label
# names, label values in quotes, functions (rate, sum) and keywords (by) are not metric names.
_METRIC = re.compile(r"(?<![\w\"=~$])((?:anju|process|python)_[a-zA-Z0-9_]*[a-zA-Z0-9])\b(?!\s*=)")
# A histogram's or summary's series are named after its family with these suffixes.
_SUFFIXES = ("_bucket", "_sum", "_count")


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads."""
    without_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # a label value is not a metric
    return set(_METRIC.findall(without_strings))


def exported(metrics_text: str) -> set[str]:
    """The metric names (families and series) in a Prometheus text exposition."""
    names = set()
    for line in metrics_text.splitlines():
        if line.startswith("# TYPE "):
            names.add(line.split()[2])
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def missing(dashboard: dict, names: set[str]) -> list[str]:
    """``panel title: metric`` for every metric a panel uses that ``names`` lacks (a histogram's
    series count as present when their family is); a panel that names no metric at all is
    missing one too."""
    out = []
    for panel in dashboard["panels"]:
        used = {m for t in panel["targets"] for m in metric_names(t["expr"])}
        if not used:
            out.append(f"{panel['title']}: (no metric)")
        for name in sorted(used):
            family = next((name[: -len(s)] for s in _SUFFIXES if name.endswith(s)), name)
            if name not in names and family not in names:
                out.append(f"{panel['title']}: {name}")
    return out


def load(path: Path = DASHBOARD) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
