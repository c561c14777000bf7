"""Relief cases (救助) in plain Python: how many approvals an amount needs, who may approve,
which period a relief counts against (no duplicate relief by household, kind and period) and
whether a budget still holds an amount.

The approval chain is by amount (``thresholds_fen``, ascending): a case needs one approval, plus
one for every threshold its total exceeds; every approver is a different district officer, and
never the officer who requested the case. City officers write nothing in a district's
operations (services/common/roles.py), so the higher levels are further, different district
officers rather than a city sign-off.
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
    REQUESTED = "requested"
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

    def approvals_needed(self, total_fen: int) -> int:
        return 1 + sum(1 for t in self.thresholds_fen if total_fen > t)


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
