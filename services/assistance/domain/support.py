"""Long-term support plans (长期帮扶) in plain Python: the goals a plan may have, and when a
follow-up visit is overdue."""

from __future__ import annotations

from datetime import date

GOALS = ("job_placement", "training", "micro_loan", "public_welfare_post")  # 就业, 培训, 小额贷款, 公益岗位
OUTCOMES = ("achieved", "in_progress", "not_reached", "no_contact")


class SupportRuleError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidFollowUp(SupportRuleError):
    """A follow-up that cannot be scheduled or recorded as asked."""


def check_due(due_on: date, today: date) -> None:
    if due_on < today:
        raise InvalidFollowUp(f"a follow-up cannot be due in the past ({due_on} is before {today})", "due_on")


def is_overdue(due_on: date, today: date, done: bool) -> bool:
    return not done and due_on < today
