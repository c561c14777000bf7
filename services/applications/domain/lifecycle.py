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
* At most MAX_OPEN_OBJECTIONS objections may be open at once: a further one waits until the
  district office has dealt with one (TooManyObjections, not a state conflict). Staff may
  merge duplicates into one, which then decides for them all.
* What may be done next (`allowed_actions(at)`) and whether an action is refused come from one
  place, `refusal(action, at)`: the state, and the time or count conditions some actions have.
* Times must be timezone-aware and never go backwards along one application's history.
* Messages speak of the application as people do (its state in words, the action in words);
  the codes stay on the exception (`current_state`, `action`) for machines.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
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
    EDIT = "edit"  # change a draft's (or a returned application's) facts
    REVIEW = "review"
    FILE_OBJECTION = "file_objection"
    RESOLVE_OBJECTION = "resolve_objection"
    MERGE_OBJECTIONS = "merge_objections"  # close duplicates of an open objection into it
    CLOSE_NOTICE = "close_notice"
    WITHDRAW = "withdraw"
    REVOKE = "revoke"


MAX_OPEN_OBJECTIONS = 5

#: An application's state as people say it ("the application is …").
STATE_WORDS = {
    State.DRAFT: "a draft",
    State.SUBMITTED: "waiting for the enterprise union's review",
    State.DISTRICT_REVIEW: "waiting for the district's review",
    State.CITY_REVIEW: "waiting for the city's review",
    State.RETURNED: "returned for correction",
    State.REJECTED: "rejected",
    State.IN_NOTICE: "on public notice",
    State.OBJECTED: "on public notice with an objection open",
    State.APPROVED: "approved",
    State.WITHDRAWN: "withdrawn",
    State.REVOKED: "revoked",
}
#: What cannot happen, in words ("… so it …").
_CANNOT = {
    Action.SUBMIT: "cannot be submitted",
    Action.EDIT: "cannot be edited",
    Action.REVIEW: "cannot be reviewed",
    Action.FILE_OBJECTION: "cannot take an objection",
    Action.RESOLVE_OBJECTION: "has no objection to resolve",
    Action.MERGE_OBJECTIONS: "has no objections to merge",
    Action.CLOSE_NOTICE: "has no notice to close",
    Action.WITHDRAW: "cannot be withdrawn",
    Action.REVOKE: "cannot be revoked",
}
#: The review levels in words.
LEVEL_WORDS = {"enterprise": "the enterprise union's", "district": "the district's", "city": "the city's"}


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
    Action.EDIT: frozenset({State.DRAFT, State.RETURNED}),
    Action.REVIEW: frozenset(AWAITING_LEVEL),
    Action.FILE_OBJECTION: frozenset({State.IN_NOTICE, State.OBJECTED}),
    Action.RESOLVE_OBJECTION: frozenset({State.OBJECTED}),
    Action.MERGE_OBJECTIONS: frozenset({State.OBJECTED}),
    Action.CLOSE_NOTICE: frozenset({State.IN_NOTICE}),
    Action.WITHDRAW: frozenset(set(State) - TERMINAL_STATES),
    Action.REVOKE: frozenset({State.APPROVED}),
}


class LifecycleError(Exception):
    """Base of lifecycle refusals; the service maps these to 409 Conflict. ``field`` names the
    input a refusal is about ("state": the application's state does not allow it)."""

    field = "state"


class TransitionError(LifecycleError):
    """``action`` is not allowed in ``current_state`` (now, or at the given time); ``detail``
    says why when it is not the state itself."""

    def __init__(self, current_state: State, action: Action, detail: str = ""):
        self.current_state = current_state
        self.action = action
        self.detail = detail
        self.message = detail or f"the application is {STATE_WORDS[current_state]}, so it {_CANNOT[action]}"
        super().__init__(self.message)


class TooManyObjections(LifecycleError):
    """MAX_OPEN_OBJECTIONS objections are open already (the service answers 429)."""

    field = "application_id"

    def __init__(self, open_objections: int):
        self.open_objections = open_objections
        self.message = (f"this application already has {open_objections} open objections waiting for the "
                        "district office; a further objection can be filed once one of them is dealt with")
        super().__init__(self.message)


class WrongReviewLevel(LifecycleError):
    """A review was attempted by a level other than the one the application waits for."""

    field = "level"

    def __init__(self, expected: ReviewLevel, got: ReviewLevel):
        self.expected = expected
        self.got = got
        self.message = (f"the application waits for {LEVEL_WORDS[expected.value]} review, "
                        f"not {LEVEL_WORDS[got.value]}")
        super().__init__(self.message)


def _text(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


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

    def refusal(self, action: Action, at: datetime) -> LifecycleError | None:
        """Why ``action`` cannot be taken at ``at`` (None: it can): the state, then the time or
        count condition the action has. The one source of `allowed_actions` and of every
        action's guard, so what is listed as allowed is what is accepted."""
        if self.state not in ALLOWED_FROM[action]:
            return TransitionError(self.state, action)
        if action is Action.FILE_OBJECTION:
            if at >= self.notice_ends_at:
                return TransitionError(self.state, action, f"the notice period ended at {_text(self.notice_ends_at)}; "
                                                           "objections can no longer be filed")
            if self.open_objections >= MAX_OPEN_OBJECTIONS:
                return TooManyObjections(self.open_objections)
        if action is Action.CLOSE_NOTICE and at < self.notice_ends_at:
            return TransitionError(self.state, action, f"the notice period runs until {_text(self.notice_ends_at)}")
        if action is Action.MERGE_OBJECTIONS and self.open_objections < 2:
            return TransitionError(self.state, action, "only one objection is open; there is nothing to merge it with")
        return None

    def allowed_actions(self, at: datetime) -> frozenset[Action]:
        """What may be done with the application at ``at``: each action its state and the
        time allow (the caller's role and scope are for the endpoint to judge)."""
        return frozenset(a for a in Action if self.refusal(a, at) is None)

    # -- helpers ---------------------------------------------------------------------------

    def _guard(self, action: Action, at: datetime) -> None:
        if self.state not in ALLOWED_FROM[action]:
            raise TransitionError(self.state, action)
        _check_time(at)
        if self.history and at < self.history[-1].at:
            raise ValueError(f"time {at.isoformat()} is before the last recorded "
                             f"transition at {self.history[-1].at.isoformat()}")
        refused = self.refusal(action, at)
        if refused is not None:
            raise refused

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

    def edit(self, at: datetime) -> Application:
        """补正: the facts of a draft or of a returned application change; the state does not."""
        self._guard(Action.EDIT, at)
        return self._to(Action.EDIT, self.state, at)

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
        """异议: only inside the notice period, at most MAX_OPEN_OBJECTIONS open; each one must be
        resolved (or merged into another)."""
        self._guard(Action.FILE_OBJECTION, at)
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

    def merge_objections(self, duplicates: int, at: datetime) -> Application:
        """``duplicates`` open objections are closed as duplicates of another open one, which
        stays open and decides for them all."""
        self._guard(Action.MERGE_OBJECTIONS, at)
        if isinstance(duplicates, bool) or not isinstance(duplicates, int) or duplicates < 1:
            raise ValueError("merge at least one duplicate")
        if duplicates >= self.open_objections:
            raise TransitionError(self.state, Action.MERGE_OBJECTIONS,
                                  f"{duplicates} duplicates and the one they merge into are more than the "
                                  f"{self.open_objections} open objections")
        return self._to(Action.MERGE_OBJECTIONS, State.OBJECTED, at,
                        open_objections=self.open_objections - duplicates)

    def close_notice(self, now: datetime) -> Application:
        """公示期满无异议 → approved."""
        self._guard(Action.CLOSE_NOTICE, now)
        return self._to(Action.CLOSE_NOTICE, State.APPROVED, now)

    def withdraw(self, at: datetime, reasons: tuple[str, ...] | list[str] = ()) -> Application:
        """撤回 by the applicant; pending objections become moot."""
        self._guard(Action.WITHDRAW, at)
        return self._to(Action.WITHDRAW, State.WITHDRAWN, at, tuple(reasons), open_objections=0)

    def revoke(self, at: datetime, reasons: tuple[str, ...] | list[str]) -> Application:
        """退出 after a confirmed 年审 failure; ``reasons`` e.g. the failing rules' texts."""
        self._guard(Action.REVOKE, at)
        return self._to(Action.REVOKE, State.REVOKED, at, _check_reasons(reasons, "revocation"))
