"""配租 pool entries and their ranking: points descending, ties by the 摇号 key.

Points (积分) arrive from ``applications`` as exact decimals (87.5); inside the domain they
are integer tenths (875) so comparisons are exact. Use :func:`points_to_tenths` at the edge.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from operator import attrgetter, ne

from .bulk import all_of_type, build
from .lottery import TieBreaker

MAX_PREFERENCES = 5
_MAX_POINTS = 2**63 - 1
# Priority groups the union knows (reserved quotas); plain strings so policy can add more.
FRONTLINE = "frontline"          # 一线职工
MODEL_WORKER = "model_worker"    # 劳模
HARDSHIP = "hardship"            # 困难职工


def points_to_tenths(points) -> int:
    """87.5 / "87.5" / Decimal("87.5") → 875. Refuses floats and more than one decimal."""
    if isinstance(points, float):
        # A float may already be off (0.1 is not exact); make the caller pass str/Decimal.
        raise TypeError("points must be given as str, int or Decimal, not float")
    try:
        d = Decimal(str(points))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {points!r}") from exc
    scaled = d * 10
    if not d.is_finite() or scaled != scaled.to_integral_value():
        raise ValueError(f"points must have at most one decimal place: {points!r}")
    return int(scaled)


@dataclass(frozen=True, slots=True)
class PoolEntry:
    """One approved application in a round's pool (轮候库 snapshot).

    ``preferences`` are up to five tokens, best first; each is a project id or a unit
    category (see ``matching`` for how a token is resolved).
    """

    application_id: str
    person_ref: str
    points_tenths: int
    household_size: int
    programme: str
    preferences: tuple[str, ...] = ()
    priority_groups: frozenset[str] = frozenset()
    needs_accessible: bool = False

    def __post_init__(self) -> None:
        if type(self.points_tenths) is not int or type(self.household_size) is not int:
            raise TypeError(f"{self.application_id}: points_tenths/household_size must be int")
        if self.household_size < 1:
            raise ValueError(f"{self.application_id}: household_size must be >= 1")
        if self.points_tenths < 0:
            raise ValueError(f"{self.application_id}: points_tenths must be >= 0")
        if not isinstance(self.preferences, tuple):
            object.__setattr__(self, "preferences", tuple(self.preferences))
        if len(self.preferences) > MAX_PREFERENCES:
            raise ValueError(f"{self.application_id}: at most {MAX_PREFERENCES} preferences")
        if len(set(self.preferences)) != len(self.preferences):
            raise ValueError(f"{self.application_id}: duplicate preference")
        if not isinstance(self.priority_groups, frozenset):
            object.__setattr__(self, "priority_groups", frozenset(self.priority_groups))


def pool_from_columns(application_id: Sequence[str], person_ref: Sequence[str], points_tenths: Sequence[int],
                      household_size: Sequence[int], programme: Sequence[str], preferences: Sequence[tuple],
                      priority_groups: Sequence[frozenset], needs_accessible: Sequence[bool]) -> list[PoolEntry]:
    """``[PoolEntry(*row) for row in zip(columns)]`` for a whole pool, ~3x faster: the checks
    of ``PoolEntry.__post_init__`` run once per column. If any row would fail or be
    normalised by them, the rows are built one by one instead, so the error raised (or the
    value stored) is exactly PoolEntry's."""
    columns = (application_id, person_ref, points_tenths, household_size, programme, preferences,
               priority_groups, needs_accessible)
    if (all_of_type(points_tenths, int) and all_of_type(household_size, int)
            and all_of_type(preferences, tuple) and all_of_type(priority_groups, frozenset)
            and (not household_size or min(household_size) >= 1)
            and (not points_tenths or min(points_tenths) >= 0)
            and (not preferences or max(map(len, preferences)) <= MAX_PREFERENCES)
            and not any(map(ne, map(len, map(set, preferences)), map(len, preferences)))):
        return build(PoolEntry, columns)
    return list(map(PoolEntry, *columns))


def rank(entries: Iterable[PoolEntry], seed: bytes) -> list[PoolEntry]:
    """Entries best first: points descending, then tie-break key ascending.

    The sort key is total (application_id last), so the result never depends on input
    order. A person may appear only once in a round: two entries with the same
    ``person_ref`` (or ``application_id``) raise ValueError, because serial dictatorship
    would otherwise hand one person two homes.
    """
    entries = list(entries)
    n = len(entries)
    ids = list(map(attrgetter("application_id"), entries))
    if len(set(ids)) != n:
        raise ValueError("duplicate application_id in pool")
    if len(set(map(attrgetter("person_ref"), entries))) != n:
        raise ValueError("duplicate person_ref in pool: one application per person per round")
    points = list(map(attrgetter("points_tenths"), entries))
    top = _MAX_POINTS
    if n and max(points) > top:
        raise ValueError("points_tenths out of range")
    # One bytes key per entry: fixed-width (top - points) big-endian, then the 32-byte
    # lottery key, then the id. Byte order = (points desc, lottery key asc, id asc), and
    # comparing flat bytes sorts ~3x faster than tuples.
    prefix = {p: (top - p).to_bytes(8, "big") for p in set(points)}
    keys = TieBreaker(seed).sort_keys(map(prefix.__getitem__, points), ids)
    order = sorted(range(n), key=keys.__getitem__)
    return list(map(entries.__getitem__, order))
