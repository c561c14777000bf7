"""Relief cases (救助) in plain Python: how many approvals an amount needs, who may approve,
which period a relief counts against (no duplicate relief by household, kind and period) and
whether a budget still holds an amount.

The approval chain is by amount, from a versioned policy (``ApprovalPolicy``: its ``version``
is kept on every case, so a case is always judged by the policy it was assessed under): a case
needs one level, plus one for every threshold (``thresholds_fen``, ascending) its total exceeds.
At each level one reviewer decides — **pass** (the next level, or approved at the last),
**return for correction** (退回补正: back to the requester with a reason; once corrected the
chain starts again at level 1, reassessed under the policy then in force) or **reject** with a
reason. Every reviewer of a case is a different district officer, and never its requester (nor
the officer who corrected a case the system opened).

Why the levels are district officers and not "enterprise union up to X, district up to Y, city
above" (the issue's example, after OpenG2P's staged approvals):

- **No city level.** The city level (市级统筹) sets policy, does the city-level review of
  applications and reads everything; it does not run a district's day-to-day operations, relief
  cases among them (DESIGN.md §4, services/common/roles.py, tests/unit/test_city_rule.py). A
  city sign-off on a district's relief would be exactly that. The city's part is the policy:
  the thresholds and how many district levels large amounts need.
- **No enterprise level.** An enterprise officer (基层) acts only for their own enterprise's
  workers, but the hardship registry is the district's (real-name, verified by district
  officers) and records no employer: many of its households — 三无户, 低保户, the unemployed —
  have none, so "their own enterprise's workers" cannot be decided for a relief case. The
  enterprise union's part is at intake (applications scopes enterprise officers there).
  Adding the level needs the registry to record a verified employer first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ReliefKind(StrEnum):
    CASH = "cash"                       # 现金救助
    IN_KIND = "in_kind"                 # 实物救助: furniture, bedding, cookware, appliances
    RENT_REDUCTION = "rent_reduction"   # 租金减免


class CaseStatus(StrEnum):
    REQUESTED = "requested"   # under review, at level len(approvers) + 1
    RETURNED = "returned"     # 退回补正: back with the requester for correction
    APPROVED = "approved"
    REJECTED = "rejected"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"   # an approved in-kind case not delivered: its goods and budget released


ITEMS = ("furniture", "bedding", "cookware", "appliances")


class ReliefRuleError(Exception):
    """A relief rule refused the request; ``field`` names the input it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidRelief(ReliefRuleError):
    """The case itself is not valid (an amount of zero, a rent reduction without months...)."""


class ApprovalRefused(ReliefRuleError):
    """This officer may not approve this case now (their own request, a second approval...)."""


class BudgetExceeded(ReliefRuleError):
    """The approval would take the district's yearly budget for the kind beyond its total."""


@dataclass(frozen=True)
class ApprovalPolicy:
    thresholds_fen: tuple[int, ...] = (200_000, 1_000_000)  # 2,000 and 10,000 yuan
    version: str = "1"

    def approvals_needed(self, total_fen: int) -> int:
        """Levels a total needs: 1, plus 1 per threshold it exceeds (equal to a threshold: not)."""
        return 1 + sum(1 for t in self.thresholds_fen if total_fen > t)


class Decision(StrEnum):
    PASS = "pass"        # 通过
    RETURN = "return"    # 退回补正
    REJECT = "reject"    # 不予救助


def check_reviewable(status: str, relief_id: str) -> None:
    """Only a case under review (requested) takes a decision."""
    if status != CaseStatus.REQUESTED:
        raise ApprovalRefused(f"relief case {relief_id} is {status}; only a requested case is reviewed", "relief_id")


def check_corrector(status: str, requested_by: str, officer: str, system_prefix: str = "system:") -> None:
    """A returned case is corrected by its requester (any district officer when the system
    opened it: that officer then answers for it as its requester)."""
    if status != CaseStatus.RETURNED:
        raise ApprovalRefused(f"the case is {status}; only a returned case is corrected", "relief_id")
    if officer != requested_by and not requested_by.startswith(system_prefix):
        raise ApprovalRefused("only the officer who requested the case corrects it", "officer")


def total_fen(kind: str, amount_fen: int, months: int | None) -> int:
    """What a case costs its budget: a rent reduction is per month, times its months."""
    return amount_fen * (months or 1) if kind == ReliefKind.RENT_REDUCTION else amount_fen


def check_case(kind: str, amount_fen: int, months: int | None, from_month: str | None, items: list) -> None:
    if kind == ReliefKind.IN_KIND:
        if not items:
            raise InvalidRelief("in-kind relief needs at least one item", "items")
        if amount_fen < 0:
            raise InvalidRelief("the goods' value cannot be negative", "amount_fen")
    elif amount_fen < 1:
        raise InvalidRelief("the amount must be at least 1 fen", "amount_fen")
    if kind == ReliefKind.RENT_REDUCTION and (not months or not from_month):
        raise InvalidRelief("a rent reduction needs from_month and months", "months" if from_month else "from_month")
    if kind != ReliefKind.RENT_REDUCTION and (months or from_month):
        raise InvalidRelief("only a rent reduction has from_month and months", "months" if months else "from_month")


def period_of(kind: str, on: date, from_month: str | None = None) -> str:
    """The period a relief counts against: cash once a quarter, goods once a year, a rent
    reduction once per starting year."""
    if kind == ReliefKind.CASH:
        return f"{on.year}-Q{(on.month - 1) // 3 + 1}"
    if kind == ReliefKind.RENT_REDUCTION and from_month:
        return from_month[:4]
    return str(on.year)


def check_approver(requested_by: str, approvers: list[str], officer: str) -> None:
    """The reviewer of a level is neither the requester nor a reviewer who passed an earlier
    level (a reject or a return by anyone but the requester is allowed: it stops the chain)."""
    if officer == requested_by:
        raise ApprovalRefused("an officer cannot approve a case they requested", "officer")
    if officer in approvers:
        raise ApprovalRefused("this officer has already approved this case; another officer must", "officer")


def check_budget(total: int, used: int, amount: int, year: int, kind: str) -> None:
    remaining = total - used
    if amount > remaining:
        raise BudgetExceeded(f"the {year} {kind} budget has {remaining} fen left; this case needs {amount} fen",
                             "amount_fen")


class OutOfStock(ReliefRuleError):
    """The goods a case needs are not in stock (on hand less reserved)."""


def check_stock(item: str, available: int, wanted: int) -> None:
    if wanted > available:
        raise OutOfStock(f"{item}: {available} available, this case needs {wanted}", "items")


def items_needed(items: list[dict]) -> dict[str, int]:
    """An item list as quantities by item (an item listed twice counts twice)."""
    needed: dict[str, int] = {}
    for line in items:
        needed[line["item"]] = needed.get(line["item"], 0) + int(line["quantity"])
    return dict(sorted(needed.items()))
