"""Needs survey statistics (调查摸底): counts only, never personal data.

Input records carry just the five attributes below (no names, ID numbers or refs), and
the output holds only marginal counts per dimension, so nothing in a report identifies a
household unless a cell is tiny. For published reports, ``suppress_below=k`` blanks
cells with ``0 < count < k`` (shown as ``None``), and when a dimension would otherwise
have exactly one blanked cell it also blanks the next smallest non-zero cell, because a
single blank could be recovered as ``total - sum(others)``. Totals are never blanked.
Suppression is off by default: the internal planning view needs exact counts.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .policy import HousingKind, Programme

#: (label, lower bound inclusive, upper bound exclusive or None), in fen per person per month.
INCOME_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("lt_1500", 0, 150_000),  # < 1,500 元
    ("1500_3000", 150_000, 300_000),  # 1,500 – 2,999.99 元
    ("3000_5000", 300_000, 500_000),  # 3,000 – 4,999.99 元
    ("ge_5000", 500_000, None),  # >= 5,000 元
)
HOUSEHOLD_SIZE_BANDS = ("1", "2", "3", "4", "5+")


@dataclass(frozen=True)
class SurveyRecord:
    enterprise: str
    programme: Programme
    household_size: int
    housing_kind: HousingKind
    monthly_income_per_capita_fen: int


@dataclass(frozen=True)
class SurveyReport:
    """调查摸底统计. Every fixed dimension lists all its categories, zeros included,
    so reports from different districts line up column for column."""

    total: int
    by_enterprise: dict[str, int | None]
    by_programme: dict[str, int | None]
    by_household_size: dict[str, int | None]
    by_housing_kind: dict[str, int | None]
    by_income_band: dict[str, int | None]
    suppress_below: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.__dict__.items()}


def income_band(fen: int) -> str:
    for label, lo, hi in INCOME_BANDS:
        if fen >= lo and (hi is None or fen < hi):
            return label
    raise ValueError(f"monthly_income_per_capita_fen: must be >= 0, got {fen}")


def household_size_band(size: int) -> str:
    if size < 1:
        raise ValueError(f"household_size: must be >= 1, got {size}")
    return "5+" if size >= 5 else str(size)


def _get(rec: Any, name: str) -> Any:
    return rec[name] if isinstance(rec, Mapping) else getattr(rec, name)


def _code(rec: Any, name: str, enum: type[Enum]) -> str:
    value = _get(rec, name)
    try:
        return enum(value).value
    except ValueError:
        raise ValueError(f"{name}: unknown code {value!r}") from None


def _suppress(counts: dict[str, int], k: int) -> dict[str, int | None]:
    if k <= 1:
        return dict(counts)
    hidden = {key for key, n in counts.items() if 0 < n < k}
    if len(hidden) == 1:
        others = sorted((n, key) for key, n in counts.items() if n > 0 and key not in hidden)
        if others:
            hidden.add(others[0][1])
    return {key: (None if key in hidden else n) for key, n in counts.items()}


def aggregate(records: Iterable[SurveyRecord | Mapping[str, Any]],
              suppress_below: int = 0) -> SurveyReport:
    """Count records by enterprise, programme, household size band, housing kind and
    income band. Records may be :class:`SurveyRecord` or plain mappings with the same
    keys; a bad record raises ``ValueError`` naming its position and field."""
    k = suppress_below
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise ValueError("suppress_below must be an integer >= 0")
    ent: Counter[str] = Counter()
    prog = Counter({p.value: 0 for p in Programme})
    size = Counter({b: 0 for b in HOUSEHOLD_SIZE_BANDS})
    kind = Counter({h.value: 0 for h in HousingKind})
    band = Counter({b[0]: 0 for b in INCOME_BANDS})
    total = 0
    for i, rec in enumerate(records):
        try:
            e = _get(rec, "enterprise")
            if not isinstance(e, str) or not e.strip():
                raise ValueError("enterprise: must be a non-empty string")
            p = _code(rec, "programme", Programme)
            h = _code(rec, "housing_kind", HousingKind)
            n = _get(rec, "household_size")
            inc = _get(rec, "monthly_income_per_capita_fen")
            for name, v in (("household_size", n), ("monthly_income_per_capita_fen", inc)):
                if isinstance(v, bool) or not isinstance(v, int):
                    raise ValueError(f"{name}: must be an integer, got {v!r}")
            s, b = household_size_band(n), income_band(inc)
        except (KeyError, AttributeError) as exc:
            raise ValueError(f"record {i}: missing field {exc}") from None
        except ValueError as exc:
            raise ValueError(f"record {i}: {exc}") from None
        ent[e] += 1
        prog[p] += 1
        size[s] += 1
        kind[h] += 1
        band[b] += 1
        total += 1
    return SurveyReport(
        total=total,
        by_enterprise=_suppress(dict(sorted(ent.items())), k),
        by_programme=_suppress(dict(prog), k),
        by_household_size=_suppress(dict(size), k),
        by_housing_kind=_suppress(dict(kind), k),
        by_income_band=_suppress(dict(band), k),
        suppress_below=k,
    )
