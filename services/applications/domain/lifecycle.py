"""Application lifecycle: three-level review (三级审核), public notice (公示) with objections
(异议), approval, withdrawal and revocation after the annual re-check (年审).

An :class:`Application` is immutable; each action returns a new one with the transition
appended to ``history``, so the service can persist the new state and emit its event
from the same value, and a refused action leaves nothing half-changed.

Choices where the business rules leave room:

* **Resubmission after 退回补正 goes back to the enterprise union**, whichever level
  returned it: corrected materials change facts (income, household, employment) that the
  enterprise union is the one to verify, and higher levels must not sign off on material
  the lower levels never saw.
* Each submission snapshots the policy in force (version, whether the programme needs
  city review, notice period). A resubmission is judged under the policy in force then,
  like the eligibility check the service runs at that moment.
* The notice starts when the last required level passes the application. The period is
  ``[start, start + notice_period_days)`` in calendar days; an objection at or after the
  end is refused, and the notice can be closed at or after the end.
* An open objection pauses closing, not the clock: if the period ran out while objections
  were open, dismissing the last one approves at once.
* An upheld objection rejects the application; other objections then open are moot.
* Withdrawal (撤回) is possible at any non-terminal point, including after approval
  (giving up a place in the allocation pool). Revocation (退出) applies only to approved
  applications.
* Times must be timezone-aware and never go backwards along one application's history.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from .policy import EligibilityPolicy, Programme


class State(StrEnum):
    DRAFT = "draft"  # 草稿
    SUBMITTED = "submitted"  # 已提交，待企业工会审核
    DISTRICT_REVIEW = "district_review"  # 待区级审核
    CITY_REVIEW = "city_review"  # 待市级审核
    RETURNED = "returned"  # 退回补正
    REJECTED = "rejected"  # 不予通过
    IN_NOTICE = "in_notice"  # 公示中
    OBJECTED = "objected"  # 公示中，有未处理异议
    APPROVED = "approved"  # 审核通过（入轮候库）
    WITHDRAWN = "withdrawn"  # 已撤回
    REVOKED = "revoked"  # 已退出（年审不合格）


class ReviewLevel(StrEnum):
    ENTERPRISE = "enterprise"  # 企业（基层）工会
    DISTRICT = "district"  # 区级
    CITY = "city"  # 市级


class Decision(StrEnum):
    PASS = "pass"  # 通过
    RETURN = "return"  # 退回补正
    REJECT = "reject"  # 不予通过


class Action(StrEnum):
    SUBMIT = "submit"
    REVIEW = "review"
    FILE_OBJECTION = "file_objection"
    RESOLVE_OBJECTION = "resolve_objection"
    CLOSE_NOTICE = "close_notice"
    WITHDRAW = "withdraw"
    REVOKE = "revoke"


TERMINAL_STATES = frozenset({State.REJECTED, State.WITHDRAWN, State.REVOKED})

#: Which level must act on an application waiting in each review state.
AWAITING_LEVEL = {
    State.SUBMITTED: ReviewLevel.ENTERPRISE,
    State.DISTRICT_REVIEW: ReviewLevel.DISTRICT,
    State.CITY_REVIEW: ReviewLevel.CITY,
}

#: States from which each action may be attempted. Some actions also depend on time
#: (objection before notice end, closing after it) and are checked when applied.
ALLOWED_FROM: dict[Action, frozenset[State]] = {
    Action.SUBMIT: frozenset({State.DRAFT, State.RETURNED}),
    Action.REVIEW: frozenset(AWAITING_LEVEL),
    Action.FILE_OBJECTION: frozenset({State.IN_NOTICE, State.OBJECTED}),
    Action.RESOLVE_OBJECTION: frozenset({State.OBJECTED}),
    Action.CLOSE_NOTICE: frozenset({State.IN_NOTICE}),
    Action.WITHDRAW: frozenset(set(State) - TERMINAL_STATES),
    Action.REVOKE: frozenset({State.APPROVED}),
}


class LifecycleError(Exception):
    """Base of lifecycle refusals; the service maps these to 409 Conflict."""


class TransitionError(LifecycleError):
    """``action`` is not allowed in ``current_state`` (now, or at the given time)."""

    def __init__(self, current_state: State, action: Action, detail: str = ""):
        self.current_state = current_state
        self.action = action
        self.detail = detail
        msg = f"cannot {action.value} an application that is {current_state.value}"
        super().__init__(f"{msg}: {detail}" if detail else msg)


class WrongReviewLevel(LifecycleError):
    """A review was attempted by a level other than the one the application waits for."""

    def __init__(self, expected: ReviewLevel, got: ReviewLevel):
        self.expected = expected
        self.got = got
        super().__init__(f"application awaits {expected.value} review, not {got.value}")


@dataclass(frozen=True)
class ReviewRecord:
    """审核记录."""

    level: ReviewLevel
    decision: Decision
    reviewer: str
    at: datetime
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Transition:
    """One entry of the audit trail."""

    action: Action
    from_state: State
    to_state: State
    at: datetime
    reasons: tuple[str, ...] = ()


def _check_time(at: datetime) -> None:
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"time must be a timezone-aware datetime, got {at!r}")


def _check_reasons(reasons: tuple[str, ...] | list[str], what: str) -> tuple[str, ...]:
    out = tuple(reasons)
    if not out or not all(isinstance(r, str) and r.strip() for r in out):
        raise ValueError(f"{what} needs at least one non-empty reason")
    return out


@dataclass(frozen=True)
class Application:
    """申请. Build with :meth:`new`; change only through the action methods."""

    programme: Programme
    state: State = State.DRAFT
    policy_version: int | None = None
    needs_city_review: bool = False
    notice_period_days: int = 0
    first_submitted_at: datetime | None = None  # start of 轮候 for waiting-time points
    notice_started_at: datetime | None = None
    notice_ends_at: datetime | None = None
    open_objections: int = 0
    objections_filed: int = 0
    reviews: tuple[ReviewRecord, ...] = ()
    history: tuple[Transition, ...] = ()

    @classmethod
    def new(cls, programme: Programme) -> Application:
        if not isinstance(programme, Programme):
            raise ValueError(f"unknown programme {programme!r}")
        return cls(programme=programme)

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES

    def allowed_actions(self) -> frozenset[Action]:
        """Actions the state allows (time conditions not considered) — for UIs."""
        return frozenset(a for a, states in ALLOWED_FROM.items() if self.state in states)

    # -- helpers ---------------------------------------------------------------------------

    def _guard(self, action: Action, at: datetime) -> None:
        if self.state not in ALLOWED_FROM[action]:
            raise TransitionError(self.state, action)
        _check_time(at)
        if self.history and at < self.history[-1].at:
            raise ValueError(f"time {at.isoformat()} is before the last recorded "
                             f"transition at {self.history[-1].at.isoformat()}")

    def _to(self, action: Action, state: State, at: datetime,
            reasons: tuple[str, ...] = (), **changes) -> Application:
        step = Transition(action, self.state, state, at, reasons)
        return replace(self, state=state, history=self.history + (step,), **changes)

    def _enter_notice(self, action: Action, at: datetime, reasons=(), **changes) -> Application:
        return self._to(action, State.IN_NOTICE, at, reasons,
                        notice_started_at=at,
                        notice_ends_at=at + timedelta(days=self.notice_period_days),
                        open_objections=0, **changes)

    # -- actions ---------------------------------------------------------------------------

    def submit(self, at: datetime, policy: EligibilityPolicy) -> Application:
        """提交 (or resubmit after 退回补正): goes to the enterprise union."""
        self._guard(Action.SUBMIT, at)
        return self._to(Action.SUBMIT, State.SUBMITTED, at,
                        policy_version=policy.version,
                        needs_city_review=self.programme in policy.city_review_programmes,
                        notice_period_days=policy.notice_period_days,
                        first_submitted_at=self.first_submitted_at or at)

    def review(self, level: ReviewLevel, decision: Decision, reviewer: str, at: datetime,
               reasons: tuple[str, ...] | list[str] = ()) -> Application:
        """审核 by ``level``. Return and reject must say why; a pass may."""
        self._guard(Action.REVIEW, at)
        expected = AWAITING_LEVEL[self.state]
        level, decision = ReviewLevel(level), Decision(decision)
        if level is not expected:
            raise WrongReviewLevel(expected, level)
        if not isinstance(reviewer, str) or not reviewer.strip():
            raise ValueError("reviewer must be named")
        reasons = (_check_reasons(reasons, f"decision {decision.value}")
                   if decision is not Decision.PASS else tuple(reasons))
        record = ReviewRecord(level, decision, reviewer, at, reasons)
        reviews = self.reviews + (record,)
        if decision is Decision.RETURN:
            return self._to(Action.REVIEW, State.RETURNED, at, reasons, reviews=reviews)
        if decision is Decision.REJECT:
            return self._to(Action.REVIEW, State.REJECTED, at, reasons, reviews=reviews)
        if level is ReviewLevel.ENTERPRISE:
            return self._to(Action.REVIEW, State.DISTRICT_REVIEW, at, reasons, reviews=reviews)
        if level is ReviewLevel.DISTRICT and self.needs_city_review:
            return self._to(Action.REVIEW, State.CITY_REVIEW, at, reasons, reviews=reviews)
        return self._enter_notice(Action.REVIEW, at, reasons, reviews=reviews)

    def file_objection(self, at: datetime) -> Application:
        """异议: only inside the notice period; each one must be resolved."""
        self._guard(Action.FILE_OBJECTION, at)
        if at >= self.notice_ends_at:
            raise TransitionError(self.state, Action.FILE_OBJECTION,
                                  f"notice period ended at {self.notice_ends_at.isoformat()}")
        return self._to(Action.FILE_OBJECTION, State.OBJECTED, at,
                        open_objections=self.open_objections + 1,
                        objections_filed=self.objections_filed + 1)

    def resolve_objection(self, upheld: bool, at: datetime,
                          reasons: tuple[str, ...] | list[str] = ()) -> Application:
        """异议处理: upheld → rejected; dismissed → back to notice, or approved if the
        period is over and this was the last open objection."""
        self._guard(Action.RESOLVE_OBJECTION, at)
        if not isinstance(upheld, bool):
            raise ValueError("upheld must be a bool")
        reasons = _check_reasons(reasons, "objection resolution") if upheld else tuple(reasons)
        if upheld:
            return self._to(Action.RESOLVE_OBJECTION, State.REJECTED, at, reasons,
                            open_objections=0)
        remaining = self.open_objections - 1
        if remaining > 0:
            nxt = State.OBJECTED
        elif at >= self.notice_ends_at:
            nxt = State.APPROVED
        else:
            nxt = State.IN_NOTICE
        return self._to(Action.RESOLVE_OBJECTION, nxt, at, reasons, open_objections=remaining)

    def close_notice(self, now: datetime) -> Application:
        """公示期满无异议 → approved."""
        self._guard(Action.CLOSE_NOTICE, now)
        if now < self.notice_ends_at:
            raise TransitionError(self.state, Action.CLOSE_NOTICE,
                                  f"notice period runs until {self.notice_ends_at.isoformat()}")
        return self._to(Action.CLOSE_NOTICE, State.APPROVED, now)

    def withdraw(self, at: datetime, reasons: tuple[str, ...] | list[str] = ()) -> Application:
        """撤回 by the applicant; pending objections become moot."""
        self._guard(Action.WITHDRAW, at)
        return self._to(Action.WITHDRAW, State.WITHDRAWN, at, tuple(reasons), open_objections=0)

    def revoke(self, at: datetime, reasons: tuple[str, ...] | list[str]) -> Application:
        """退出 after a confirmed 年审 failure; ``reasons`` e.g. the failing rules' texts."""
        self._guard(Action.REVOKE, at)
        return self._to(Action.REVOKE, State.REVOKED, at, _check_reasons(reasons, "revocation"))
