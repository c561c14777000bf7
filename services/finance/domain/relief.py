"""Relief payments (救助金发放): cash relief approved by assistance is paid from the relief fund
when the year's relief budget and the fund's balance allow; otherwise it waits, with the reason,
and is paid when money arrives. Amounts issued (approved) and paid are both kept.

Order (fairness, 先到先付): pending reliefs are paid oldest first. A relief that the relief
fund cannot cover stops the pass (a younger, smaller relief never overtakes it); a relief its
year's budget cannot cover stops that year's reliefs only (other years use other budgets).
One payment may draw on several sources' relief funds, in the district's configured order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .money import yuan_text

DEFAULT_SOURCE_ORDER = ("donation", "union_funds", "finance_bureau", "central_subsidy", "social_capital")


class ReliefKind(StrEnum):
    CASH = "cash"                      # 现金救助: finance pays it
    IN_KIND = "in_kind"                # 实物救助 (furniture, bedding…): assistance delivers it
    RENT_REDUCTION = "rent_reduction"  # 租金减免: finance part 2 applies it to rent invoices


class ReliefStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"


class ReliefConflict(Exception):
    """The same relief id arrived again with other content."""

    def __init__(self, message: str, field: str | None = "relief_id"):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Pending:
    relief_id: str
    year: int
    amount_fen: int


@dataclass(frozen=True)
class Decision:
    relief_id: str
    draws: tuple[tuple[str, int], ...]  # (relief fund account, fen), empty when not paid
    reason: str | None                  # why it waits; None when paid

    @property
    def paid(self) -> bool:
        return bool(self.draws)


def split(amount_fen: int, available: Sequence[tuple[str, int]]) -> tuple[tuple[str, int], ...] | None:
    """Draw ``amount_fen`` from the funds in order (each as far as it goes); None if they hold
    less than that in all."""
    if sum(max(0, fen) for _, fen in available) < amount_fen:
        return None
    draws, rest = [], amount_fen
    for account, fen in available:
        if rest == 0:
            break
        take = min(rest, max(0, fen))
        if take:
            draws.append((account, take))
            rest -= take
    return tuple(draws)


def plan(pending: Sequence[Pending], available: Sequence[tuple[str, int]],
         budget_left: Mapping[int, int | None]) -> list[Decision]:
    """A decision for each pending relief (given oldest first): paid (with its draws) or not
    (with the reason). ``available``: the relief funds in drawing order with their balances;
    ``budget_left``: per year, the budget not yet paid out (None: no budget set)."""
    funds = [list(pair) for pair in available]
    left = dict(budget_left)
    short_funds = False
    blocked_years: set[int] = set()
    out = []
    for p in pending:
        if short_funds:
            out.append(Decision(p.relief_id, (), "waiting: older reliefs are paid first and the relief fund "
                                                 "cannot cover them yet"))
            continue
        if p.year in blocked_years:
            out.append(Decision(p.relief_id, (), f"waiting: older reliefs of {p.year} are paid first from "
                                                 f"the {p.year} relief budget"))
            continue
        budget = left.get(p.year)
        if budget is None:
            blocked_years.add(p.year)
            out.append(Decision(p.relief_id, (), f"no relief budget is set for {p.year}"))
            continue
        if budget < p.amount_fen:
            blocked_years.add(p.year)
            out.append(Decision(p.relief_id, (), f"the {p.year} relief budget has {yuan_text(budget)} left; "
                                                 f"{yuan_text(p.amount_fen)} needed"))
            continue
        draws = split(p.amount_fen, [(a, f) for a, f in funds])
        if draws is None:
            short_funds = True
            held = sum(max(0, f) for _, f in funds)
            out.append(Decision(p.relief_id, (), f"the relief fund holds {yuan_text(held)}; "
                                                 f"{yuan_text(p.amount_fen)} needed"))
            continue
        taken = dict(draws)
        for pair in funds:
            pair[1] -= taken.get(pair[0], 0)
        left[p.year] = budget - p.amount_fen
        out.append(Decision(p.relief_id, draws, None))
    return out


# The hardship categories assistance names reliefs by (its own list; shown on the public report).
CATEGORY_LABELS = {"sanwu": "三无户", "youfu": "优抚户", "kunnan_laomo": "困难劳模", "dibao": "低保户",
                   "dibao_bianyuan": "低保边缘户", "temporary": "临时困难"}
