"""The one benchmark report: each bench appends its figures with `record(...)`, and
`python bench/report.py` renders them all into var/bench/report.md and var/bench/report.json —
every figure next to its yardstick measured in the same run, the ratio, and whether its target
is met. `make bench` starts with `--reset` and ends by rendering.

    from report import record
    record("finance_postings", "single postings over HTTP, PostgreSQL", 412.0, "postings/s",
           yardstick="bare nameko @http", yardstick_value=1650.0, target=(">=", 300))

Records are JSON lines in var/bench/records.jsonl (BENCH_DIR overrides var/bench). Each
carries the machine's load average when it was recorded: the machine may be shared, and a
figure taken at load 4 on 2 CPUs is not the one taken on a quiet machine.
"""

from __future__ import annotations

import json
import operator
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


def bench_dir() -> Path:
    return Path(os.environ.get("BENCH_DIR") or ROOT / "var" / "bench")


def record(bench: str, figure: str, value: float, unit: str, *, yardstick: str | None = None,
           yardstick_value: float | None = None, target: tuple[str, float] | None = None, note: str = "") -> dict:
    """Append one figure. ``yardstick``/``yardstick_value``: what it is measured against in the
    same run (ratio = value ÷ yardstick_value); ``target``: (">=", 300) or ("<", 500) on
    ``value`` in ``unit``."""
    if target is not None and target[0] not in COMPARE:
        raise ValueError(f"target: one of {sorted(COMPARE)} and a number, got {target!r}")
    row = {"bench": bench, "figure": figure, "value": float(value), "unit": unit, "yardstick": yardstick,
           "yardstick_value": None if yardstick_value is None else float(yardstick_value),
           "ratio": ratio(value, yardstick_value), "target": list(target) if target else None,
           "met": met(value, target), "note": note, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "load": load_average()}
    path = bench_dir() / "records.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return row


def load_average() -> list[float]:
    """`uptime`'s 1-, 5- and 15-minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def earlier(bench: str, figure_prefix: str) -> float | None:
    """The value of a figure another bench recorded earlier in this run (None when that bench
    did not run): for a yardstick that bench measures, e.g. the outbox relay's rate."""
    for row in reversed(read()):
        if row["bench"] == bench and row["figure"].startswith(figure_prefix):
            return row["value"]
    return None


def ratio(value: float, yardstick_value: float | None) -> float | None:
    if not yardstick_value:
        return None
    return round(float(value) / float(yardstick_value), 4)


def met(value: float, target) -> bool | None:
    if not target:
        return None
    op, number = target
    return bool(COMPARE[op](float(value), float(number)))


def read() -> list[dict]:
    path = bench_dir() / "records.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _num(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}"


def render_markdown(rows: list[dict]) -> str:
    met_rows = [r for r in rows if r["met"] is not None]
    loads = [r["load"][0] for r in rows if r.get("load")]
    now = load_average()
    lines = ["# Anju benchmark report", "",
             f"{len(rows)} figures from {len({r['bench'] for r in rows})} benchmarks; "
             f"targets met: {sum(1 for r in met_rows if r['met'])} of {len(met_rows)}.", "",
             f"Machine: {os.cpu_count()} CPUs. Load average (`uptime`) at rendering {now[0]:.2f}, {now[1]:.2f}, "
             f"{now[2]:.2f}" + (f"; 1-minute load when the figures were recorded {min(loads):.2f}–{max(loads):.2f} "
                                "(last column)" if loads else "") + ". Compare ratios, not absolute rates.", "",
             "| bench | figure | value | yardstick (same run) | ratio | target | met | load |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        yard = f"{_num(r['yardstick_value'])} ({r['yardstick']})" if r["yardstick"] else "—"
        target = f"{r['target'][0]} {_num(r['target'][1])} {r['unit']}" if r["target"] else "—"
        verdict = {True: "yes", False: "**no**", None: "—"}[r["met"]]
        ratio_text = f"{r['ratio']:.2f}" if r["ratio"] is not None else "—"
        load = f"{r['load'][0]:.2f}" if r.get("load") else "—"
        lines.append(f"| {r['bench']} | {r['figure']} | {_num(r['value'])} {r['unit']} | {yard} | {ratio_text} | "
                     f"{target} | {verdict} | {load} |")
    notes = [f"- {r['bench']}, {r['figure']}: {r['note']}" for r in rows if r["note"]]
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines) + "\n"


def render() -> tuple[Path, Path]:
    rows = read()
    out = bench_dir()
    out.mkdir(parents=True, exist_ok=True)
    md, js = out / "report.md", out / "report.json"
    md.write_text(render_markdown(rows), encoding="utf-8")
    js.write_text(json.dumps({"figures": rows, "targets_met": sum(1 for r in rows if r["met"]),
                              "targets": sum(1 for r in rows if r["met"] is not None), "cpus": os.cpu_count(),
                              "load_at_render": load_average()}, ensure_ascii=False, indent=2),
                  encoding="utf-8")
    return md, js


def main(argv: list[str]) -> int:
    if argv[:1] == ["--reset"]:
        (bench_dir() / "records.jsonl").unlink(missing_ok=True)
        return 0
    md, js = render()
    print(md.read_text(encoding="utf-8"))
    print(f"wrote {md} and {js}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
