"""Funds (资金): where money comes from, what it is earmarked for, and the rules of the two-step
disbursement (maker–checker, 审批分离) and of project budgets. Money is always integer fen."""

from __future__ import annotations

import re
from enum import StrEnum

from .money import yuan_text


class FundSource(StrEnum):
    FINANCE_BUREAU = "finance_bureau"    # 财政
    CENTRAL_SUBSIDY = "central_subsidy"  # 中央专项
    UNION_FUNDS = "union_funds"          # 工会经费
    SOCIAL_CAPITAL = "social_capital"    # 社会资本
    DONATION = "donation"                # 社会捐助


SOURCE_LABELS = {
    FundSource.FINANCE_BUREAU: "财政资金",
    FundSource.CENTRAL_SUBSIDY: "中央专项补助",
    FundSource.UNION_FUNDS: "工会经费",
    FundSource.SOCIAL_CAPITAL: "社会资本",
    FundSource.DONATION: "社会捐助",
}

# A fund is a source and an earmark: general (any programme use), a housing project, or relief.
EARMARKS = ("general", "project", "relief")
PROJECT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


class FundsError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class SelfApproval(FundsError):
    """The requester of a disbursement tried to approve or reject it (maker–checker)."""


class AlreadyDecided(FundsError):
    """The request was approved or rejected already."""


class BudgetExceeded(FundsError):
    """A project's budget (or its absence) does not allow the disbursement."""


class EarmarkMismatch(FundsError):
    """Money earmarked for one project requested for another."""


class BudgetTooLow(FundsError):
    """A budget set below what is already committed."""


class DisbursementStatus(StrEnum):
    REQUESTED = "requested"  # the hold is placed
    APPROVED = "approved"    # posted: the money is paid out
    REJECTED = "rejected"    # the hold is released


def subject_of(principal_ref: str) -> str:
    """The person behind a principal ref ("role:subject"): maker–checker compares people, not roles."""
    return principal_ref.split(":", 1)[1] if ":" in principal_ref else principal_ref


def check_decider(requested_by: str, decided_by: str) -> None:
    if subject_of(requested_by) == subject_of(decided_by):
        raise SelfApproval("the requester of a disbursement can never approve or reject it; another finance "
                           "officer must decide (maker–checker)", "decided_by")


def check_pending(status: str) -> None:
    if status != DisbursementStatus.REQUESTED:
        raise AlreadyDecided(f"this request is already {status}", "status")


def use_project(earmark_project_id: str | None, project_id: str | None) -> str:
    """The project a disbursement pays: money earmarked for a project pays that project only."""
    project = project_id or earmark_project_id
    if not project:
        raise EarmarkMismatch("name the project the disbursement pays (project_id)", "project_id")
    if earmark_project_id and project != earmark_project_id:
        raise EarmarkMismatch(f"this money is earmarked for project {earmark_project_id}; it cannot pay "
                              f"project {project}", "project_id")
    return project


def check_budget(project_id: str, budget_fen: int | None, committed_fen: int, amount_fen: int) -> None:
    """A disbursement fits the project's budget: already approved + still held + this ≤ budget."""
    if budget_fen is None:
        raise BudgetExceeded(f"project {project_id} has no budget; set one (PUT /projects/{project_id}/budget) "
                             "before disbursing", "project_id")
    if committed_fen + amount_fen > budget_fen:
        raise BudgetExceeded(f"project {project_id}'s budget {yuan_text(budget_fen)} has "
                             f"{yuan_text(budget_fen - committed_fen)} left; {yuan_text(amount_fen)} requested",
                             "amount_fen")


def check_new_budget(project_id: str, budget_fen: int, committed_fen: int) -> None:
    if budget_fen < committed_fen:
        raise BudgetTooLow(f"project {project_id} already has {yuan_text(committed_fen)} disbursed or held; "
                           "its budget cannot be lower", "amount_fen")
