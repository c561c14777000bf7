"""Reports (统计报表) in plain Python: aggregates only — counts and sums, never a person.

- **Relief totals** are grouped by the household's category, the relief's kind and the month
  (YYYY-MM, the district's calendar) it was approved in; each group: cases and fen.
- **Median approval time** is in whole seconds from request to the last approval; for an even
  number of cases the mean of the two middle ones, rounded down (floor) to a whole second.
- **Follow-up completion** is per mille, rounded down: 2 of 3 done → 666 (never shows a
  completion that was not reached).
"""

from __future__ import annotations

from collections.abc import Iterable


def median_seconds(durations: Iterable[int]) -> int | None:
    ordered = sorted(durations)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) // 2


def totals(rows: Iterable[tuple[str, str, str, int]]) -> list[dict]:
    """(category, kind, month, fen) rows → one line per category, kind and month, in that order."""
    groups: dict[tuple[str, str, str], list[int]] = {}
    for category, kind, month, fen in rows:
        group = groups.setdefault((category, kind, month), [0, 0])
        group[0] += 1
        group[1] += fen
    return [{"category": c, "kind": k, "month": m, "cases": n, "amount_fen": fen}
            for (c, k, m), (n, fen) in sorted(groups.items())]


def completion_permille(done: int, total: int) -> int | None:
    return None if total == 0 else done * 1000 // total
