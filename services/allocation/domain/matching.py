"""配租 matching: serial dictatorship with reserved quotas; the rest go to the 轮候 waitlist.

Published rule (exact):

*Preference tokens.* A token equal to the ``project_id`` of any unit on offer means "any unit
in that project"; otherwise it means "any unit of that category". A round in which a
project id equals a category name is refused (ValueError) rather than guessed.

*Fitting free units for a preference.* Units matched by the token, still free, whose category
the applicant's programme allows, accessible if the applicant needs it, and with
``household_size <= capacity`` (see :class:`~.fit.FitPolicy`).

*Which unit within a preference.* The one with the smallest key
``(capacity, accessible, area_tenths, unit_id)``: the smallest unit that fits, so larger units
stay for larger households; at equal capacity a non-accessible one first, so accessible
units stay for those who need them.

*Serving an applicant.* The applicant takes the chosen unit of their first preference that
has a fitting free unit; ``preference_index`` is 0-based. If none has one they are not
served in this phase.

*Phases.* ``quotas`` is an ordered list of ``(group, seats)``.
1. Quota phases, one per group in the given order: walk the whole ranking best first; every
   not-yet-matched member of the group is served; each match fills one seat and is recorded
   with ``seat = group``; the phase stops when its seats are filled or the ranking ends.
   An applicant in several groups is counted in the first phase that serves them.
2. General phase: walk the ranking again; every not-yet-matched applicant (members of quota
   groups included) is served over all remaining units, ``seat = "general"``. Quota seats
   a group could not fill are therefore simply left in the general pool.
3. Everyone still unmatched is on the waitlist, in rank order.

Seats are counts, not particular units. Within every phase applicants are served in rank
order over a shrinking set of free units, so an applicant is never worse off than a
lower-ranked applicant with the same preferences, household and eligibility.
"""
from __future__ import annotations

import contextlib
import gc
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from itertools import compress, repeat
from operator import attrgetter, is_
from typing import NamedTuple

from .fit import FitPolicy
from .ranking import PoolEntry, rank
from .stock import Unit, UnitStatus

GENERAL = "general"


class Match(NamedTuple):
    application_id: str
    unit_id: str
    preference_index: int  # 0-based position in the applicant's preferences
    seat: str              # quota group or "general"


class RoundResult(NamedTuple):
    order: tuple[str, ...]      # application ids, rank order (rank 1 first)
    matches: tuple[Match, ...]  # in rank order of the applicants
    waitlist: tuple[str, ...]   # unmatched application ids, rank order


def quota_seats(unit_count: int, percent_by_group: Mapping[str, int]) -> list[tuple[str, int]]:
    """Seats per group from whole percentages, rounded down (a quota never exceeds its
    stated share); groups in the mapping's order."""
    out = []
    for group, pct in percent_by_group.items():
        if type(pct) is not int or not 0 <= pct <= 100:
            raise ValueError(f"quota percent for {group} must be an int 0..100")
        out.append((group, unit_count * pct // 100))
    return out


def normalise_quotas(quotas) -> list[tuple[str, int]]:
    items = list(quotas.items()) if isinstance(quotas, Mapping) else [tuple(q) for q in quotas]
    seen = set()
    for group, seats in items:
        if group == GENERAL or group in seen:
            raise ValueError(f"invalid or duplicate quota group {group!r}")
        if type(seats) is not int or seats < 0:
            raise ValueError(f"quota seats for {group} must be an int >= 0")
        seen.add(group)
    return [(str(g), s) for g, s in items]


class _Index:
    """Free units of one (token, programme), bucketed by capacity.

    Each bucket holds unit numbers sorted by (area, unit_id) in two lists, non-accessible
    and accessible. Units are removed lazily (a shared ``taken`` flag + a moving front
    pointer) because one unit sits in several indexes; the counts are kept exact so that
    ``max_*`` tells in O(1) when no unit can fit a household of a given size.
    """

    __slots__ = ("plain", "acc", "pplain", "pacc", "cnt_all", "cnt_acc", "max_all", "max_acc")

    def __init__(self, maxcap: int):
        n = maxcap + 1
        self.plain = [[] for _ in range(n)]
        self.acc = [[] for _ in range(n)]
        self.pplain = [0] * n
        self.pacc = [0] * n
        self.cnt_all = [0] * n
        self.cnt_acc = [0] * n
        self.max_all = 0
        self.max_acc = 0

    def add(self, u: int, cap: int, accessible: bool) -> None:
        (self.acc if accessible else self.plain)[cap].append(u)
        self.cnt_all[cap] += 1
        if cap > self.max_all:
            self.max_all = cap
        if accessible:
            self.cnt_acc[cap] += 1
            if cap > self.max_acc:
                self.max_acc = cap

    def find(self, size: int, needs_acc: bool, taken: bytearray) -> int:
        """Smallest free unit fitting ``size`` by (cap, accessible, area, id), or -1."""
        if needs_acc:
            top = self.max_acc
            if size > top:
                return -1
            cnt = self.cnt_acc
            for c in range(size, top + 1):
                if cnt[c]:
                    return self._front(self.acc[c], self.pacc, c, taken)
            return -1
        top = self.max_all
        if size > top:
            return -1
        cnt_all = self.cnt_all
        for c in range(size, top + 1):
            n = cnt_all[c]
            if n:
                if n > self.cnt_acc[c]:
                    return self._front(self.plain[c], self.pplain, c, taken)
                return self._front(self.acc[c], self.pacc, c, taken)
        return -1

    @staticmethod
    def _front(lst: list, ptrs: list, c: int, taken: bytearray) -> int:
        p = ptrs[c]
        while taken[lst[p]]:
            p += 1
        ptrs[c] = p
        return lst[p]

    def remove(self, cap: int, accessible: bool) -> None:
        cnt_all = self.cnt_all
        cnt_all[cap] -= 1
        m = self.max_all
        while m and not cnt_all[m]:
            m -= 1
        self.max_all = m
        if accessible:
            cnt_acc = self.cnt_acc
            cnt_acc[cap] -= 1
            m = self.max_acc
            while m and not cnt_acc[m]:
                m -= 1
            self.max_acc = m


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one draw.

    A draw allocates ~10^6 small containers and creates no reference cycles; with the
    collector on, repeated full passes over the 200,000-entry pool cost 20-30 % of the
    matching time. Reference counting still frees everything; the collector is restored
    (if it was on) when the draw ends, even on error.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def match_round(
    ranked: Sequence[PoolEntry],
    units: Iterable[Unit],
    quotas,
    policy: FitPolicy,
) -> RoundResult:
    """Serial dictatorship over ``ranked`` (best first, as from ``ranking.rank``).

    ``units`` are the units on offer (must be vacant, unique ids; any order). ``quotas`` is
    a list of ``(group, seats)`` or an ordered mapping. See the module docstring.
    """
    with gc_paused():
        matching = iter_matches(ranked, units, quotas, policy)
        while True:
            try:
                next(matching)
            except StopIteration as done:
                return done.value


def iter_matches(ranked: Sequence[PoolEntry], units: Iterable[Unit], quotas,
                 policy: FitPolicy) -> Generator[tuple[int, Match], None, RoundResult]:
    """:func:`match_round` as it goes: yields ``(rank position, Match)`` for each match when
    it is made — quota phases first, then the general phase, each in rank order — and
    returns the :class:`RoundResult` (matches in rank order). The draw writes each offer
    while the matching goes on (rounds.draw_round); the result is the same either way.
    Invalid units or quotas raise here, at the call. Pausing the garbage collector is the
    caller's business (see :func:`gc_paused`).
    """
    units = list(units)
    quotas = normalise_quotas(quotas)
    seen_ids: set[str] = set()
    for u in units:
        if u.unit_id in seen_ids:
            raise ValueError(f"unit {u.unit_id} offered twice")
        if u.status is not UnitStatus.VACANT:
            raise ValueError(f"unit {u.unit_id} is {u.status.value}, only vacant units can be offered")
        seen_ids.add(u.unit_id)
    projects = {u.project_id for u in units}
    clash = projects & ({u.category for u in units} | _all_categories(policy))
    if clash:
        raise ValueError(f"project id equals a category name, tokens would be ambiguous: {sorted(clash)}")

    # Number units in (area, unit_id) order so every bucket list is born sorted.
    units.sort(key=attrgetter("area_tenths", "unit_id"))
    caps = [policy.capacity(u) for u in units]
    accs = [bool(u.accessible) for u in units]

    # by_prog[programme][token] → index of the units that token may give that programme
    by_prog: dict[str, dict[str, _Index]] = {}
    members: list[list[_Index]] = [[] for _ in units]
    maxcap = max(caps, default=0)
    for prog, cats in policy.programme_categories.items():
        table = by_prog[prog] = {}
        for i, u in enumerate(units):
            cap = caps[i]
            if cap < 1 or u.category not in cats:
                continue  # a unit nobody can live in is never offered
            for token in (u.project_id, u.category):
                idx = table.get(token)
                if idx is None:
                    idx = table[token] = _Index(maxcap)
                idx.add(i, cap, accs[i])
                members[i].append(idx)

    taken = bytearray(len(units))
    n = len(ranked)
    won: list[Match | None] = [None] * n
    free = sum(1 for m in members if m)
    no_table: dict[str, _Index] = {}

    def phase(candidates: Iterable[int], seat: str, seats: int) -> Iterator[tuple[int, Match]]:
        """Serve ``candidates`` (positions in ``ranked``, best first) not matched yet, until
        ``seats`` are filled or no unit is left; see "Serving an applicant" above."""
        # Hot loop: ~10^6 preference tokens at 200,000 applicants, so it is one flat loop
        # (no call per applicant) and the O(1) max-capacity test comes before any search.
        nonlocal free
        get_table = by_prog.get
        for i in candidates:
            if seats <= 0 or not free:
                return
            if won[i] is not None:
                continue
            e = ranked[i]
            table = get_table(e.programme, no_table)
            size = e.household_size
            acc = e.needs_accessible
            k = 0
            for token in e.preferences:
                idx = table.get(token)
                if idx is not None and size <= (idx.max_acc if acc else idx.max_all):
                    break
                k += 1
            else:
                continue  # no preference has a fitting free unit
            u = idx.find(size, acc, taken)
            taken[u] = 1
            cap = caps[u]
            ua = accs[u]
            for other in members[u]:
                other.remove(cap, ua)
            m = won[i] = Match(e.application_id, units[u].unit_id, k, seat)
            seats -= 1
            free -= 1
            yield i, m

    def phases() -> Generator[tuple[int, Match], None, RoundResult]:
        if quotas:
            wanted = {g for g, _ in quotas}
            group_members: dict[str, list[int]] = {g: [] for g in wanted}
            for i, e in enumerate(ranked):
                if e.priority_groups:
                    for g in e.priority_groups & wanted:
                        group_members[g].append(i)
            for group, seats in quotas:
                yield from phase(group_members[group], group, seats)
        yield from phase(range(n), GENERAL, n)
        order = tuple(map(attrgetter("application_id"), ranked))
        waitlist = tuple(compress(order, map(is_, won, repeat(None))))
        return RoundResult(order, tuple(filter(None, won)), waitlist)

    return phases()  # bad input has raised by now, before anything is yielded


def _all_categories(policy: FitPolicy) -> set[str]:
    out: set[str] = set()
    for cats in policy.programme_categories.values():
        out |= cats
    return out


def allocate(entries: Iterable[PoolEntry], units: Iterable[Unit], quotas, policy: FitPolicy,
             seed: bytes) -> RoundResult:
    """Rank ``entries`` with ``seed`` and match them: the whole draw in one call."""
    with gc_paused():
        return match_round(rank(entries, seed), units, quotas, policy)
