"""申请 lifecycle: the rules `make mutate` showed no test stated (issue 20).

Each refusal's exact words (an applicant or officer reads them; the codes stay on the
exception), the time shown in UTC with 'Z', the notice's boundary instants (an objection at
the end is refused, closing at the end is allowed), a dismissal with objections still open
keeping the application objected, and the bounds of a merge. Also: what every review, return,
reject and dismissal leaves in `reviews` and `history` (reviewer, time, reasons), the codes on a
time or count refusal, a zone without an offset counting as naive, and no objection left open
after a withdrawal or at the start of a notice.
"""
import time
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal

import pytest

from services.applications.domain.lifecycle import (
    Action,
    Application,
    Decision,
    ReviewLevel,
    ReviewRecord,
    State,
    TooManyObjections,
    Transition,
    TransitionError,
    WrongReviewLevel,
)
from services.applications.domain.policy import EligibilityPolicy, Programme

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
POLICY = EligibilityPolicy(
    version=2, income_per_capita_ceiling_fen=300_000, housing_area_per_capita_ceiling_m2=Decimal(15),
    min_years_of_service=1, membership_required=True, min_age=18, max_age=60,
    city_review_programmes=frozenset({Programme.TALENT_APARTMENT}), notice_period_days=7)
E, Dt, C = ReviewLevel.ENTERPRISE, ReviewLevel.DISTRICT, ReviewLevel.CITY


def h(n):
    return T0 + timedelta(hours=n)


def in_notice():
    a = Application.new(Programme.PUBLIC_RENTAL).submit(h(0), POLICY)
    return a.review(E, Decision.PASS, "王", h(1)).review(Dt, Decision.PASS, "李", h(2))  # ends h(2) + 7 days


END = h(2) + timedelta(days=7)


def test_transition_error_default_words_and_codes():
    e = TransitionError(State.APPROVED, Action.SUBMIT)
    assert str(e) == e.message == "the application is approved, so it cannot be submitted"
    assert (e.current_state, e.action, e.detail, e.field) == (State.APPROVED, Action.SUBMIT, "", "state")
    e = TransitionError(State.DRAFT, Action.RESOLVE_OBJECTION, "because")
    assert str(e) == "because" and e.detail == "because"
    assert str(TransitionError(State.OBJECTED, Action.REVOKE)) == (
        "the application is on public notice with an objection open, so it cannot be revoked")


def test_too_many_objections_and_wrong_level_words():
    e = TooManyObjections(5)
    assert e.open_objections == 5 and e.field == "application_id"
    assert str(e) == e.message == ("this application already has 5 open objections waiting for the district office; "
                                   "a further objection can be filed once one of them is dealt with")
    w = WrongReviewLevel(Dt, C)
    assert (w.expected, w.got, w.field) == (Dt, C, "level")
    assert str(w) == w.message == "the application waits for the district's review, not the city's"


def test_objection_at_the_end_of_the_notice_refused_with_the_time_in_utc():
    a = in_notice()
    a.file_objection(END - timedelta(microseconds=1))
    with pytest.raises(TransitionError) as e:
        a.file_objection(END)
    assert str(e.value) == ("the notice period ended at 2026-03-09T03:00:00Z; objections can no longer be filed")
    # the time is shown in UTC whatever zone the clock gave
    beijing = timezone(timedelta(hours=8))
    with pytest.raises(TransitionError) as e:
        a.file_objection(END.astimezone(beijing))
    assert "2026-03-09T03:00:00Z" in str(e.value)


def test_close_at_the_end_of_the_notice_not_before():
    a = in_notice()
    with pytest.raises(TransitionError) as e:
        a.close_notice(END - timedelta(microseconds=1))
    assert str(e.value) == "the notice period runs until 2026-03-09T03:00:00Z"
    assert a.close_notice(END).state is State.APPROVED
    assert Action.CLOSE_NOTICE in a.allowed_actions(END)
    assert Action.CLOSE_NOTICE not in a.allowed_actions(END - timedelta(microseconds=1))


def test_dismissing_one_of_two_open_objections_keeps_it_objected_even_after_the_end():
    a = in_notice().file_objection(h(3)).file_objection(h(4))
    after = a.resolve_objection(False, END + timedelta(days=1))
    assert after.state is State.OBJECTED and after.open_objections == 1
    last = after.resolve_objection(False, END + timedelta(days=1))
    assert last.state is State.APPROVED and last.open_objections == 0


def test_merge_bounds_and_words():
    one = in_notice().file_objection(h(3))
    with pytest.raises(TransitionError) as e:
        one.merge_objections(1, h(4))
    assert str(e.value) == "only one objection is open; there is nothing to merge it with"
    three = one.file_objection(h(4)).file_objection(h(5))
    assert three.merge_objections(2, h(6)).open_objections == 1
    with pytest.raises(TransitionError) as e:
        three.merge_objections(3, h(6))
    assert str(e.value) == "3 duplicates and the one they merge into are more than the 3 open objections"
    for bad in (0, True, 1.0):
        with pytest.raises(ValueError) as e:
            three.merge_objections(bad, h(6))
        assert str(e.value) == "merge at least one duplicate"


def test_refusals_of_bad_input_in_words():
    with pytest.raises(ValueError) as e:
        Application.new("public_rental")
    assert str(e.value) == "unknown programme 'public_rental'"
    draft = Application.new(Programme.PUBLIC_RENTAL)
    with pytest.raises(ValueError) as e:
        draft.submit(datetime(2026, 3, 2), POLICY)
    assert str(e.value) == "time must be a timezone-aware datetime, got datetime.datetime(2026, 3, 2, 0, 0)"
    sub = draft.submit(h(5), POLICY)
    with pytest.raises(ValueError) as e:
        sub.review(E, Decision.PASS, "王", h(4))
    assert str(e.value) == ("time 2026-03-02T05:00:00+00:00 is before the last recorded transition at "
                            "2026-03-02T06:00:00+00:00")
    assert sub.review(E, Decision.PASS, "王", h(5)).state is State.DISTRICT_REVIEW  # the same instant is fine
    for reviewer in ("", "  ", None):
        with pytest.raises(ValueError) as e:
            sub.review(E, Decision.PASS, reviewer, h(6))
        assert str(e.value) == "reviewer must be named"
    for reasons in ((), ("",), (" ",), (None,)):
        with pytest.raises(ValueError) as e:
            sub.review(E, Decision.RETURN, "王", h(6), reasons)
        assert str(e.value) == "decision return needs at least one non-empty reason"
    objected = in_notice().file_objection(h(3))
    with pytest.raises(ValueError) as e:
        objected.resolve_objection(1, h(4), ["x"])
    assert str(e.value) == "upheld must be a bool"
    with pytest.raises(ValueError) as e:
        objected.resolve_objection(True, h(4))
    assert str(e.value) == "objection resolution needs at least one non-empty reason"
    approved = in_notice().close_notice(END)
    with pytest.raises(ValueError) as e:
        approved.revoke(END, [])
    assert str(e.value) == "revocation needs at least one non-empty reason"


def test_a_pass_keeps_its_optional_reasons_and_history_records_them():
    sub = Application.new(Programme.PUBLIC_RENTAL).submit(h(0), POLICY)
    a = sub.review(E, Decision.PASS, "王", h(1), ["材料齐全"])
    assert a.reviews[-1].reasons == ("材料齐全",) and a.history[-1].reasons == ("材料齐全",)
    assert a.history[-1].from_state is State.SUBMITTED and a.history[-1].to_state is State.DISTRICT_REVIEW
    w = a.withdraw(h(2), ["不再需要"])
    assert w.history[-1].reasons == ("不再需要",) and w.open_objections == 0


def test_dismissing_the_last_objection_exactly_at_the_end_approves():
    a = in_notice().file_objection(h(3))
    assert a.resolve_objection(False, END - timedelta(microseconds=1)).state is State.IN_NOTICE
    assert a.resolve_objection(False, END).state is State.APPROVED


def test_history_records_action_and_time_of_an_edit_and_an_upheld_objection():
    draft = Application.new(Programme.PUBLIC_RENTAL)
    edited = draft.edit(h(1))
    assert edited.history == (Transition(Action.EDIT, State.DRAFT, State.DRAFT, h(1)),)
    upheld = in_notice().file_objection(h(3)).resolve_objection(True, h(4), ["申请人已有住房"])
    assert upheld.history[-1] == Transition(Action.RESOLVE_OBJECTION, State.OBJECTED, State.REJECTED, h(4),
                                            ("申请人已有住房",))
    assert upheld.open_objections == 0


def test_a_refused_merge_carries_state_and_action_codes():
    three = in_notice().file_objection(h(3)).file_objection(h(4)).file_objection(h(5))
    with pytest.raises(TransitionError) as e:
        three.merge_objections(3, h(6))
    assert e.value.current_state is State.OBJECTED and e.value.action is Action.MERGE_OBJECTIONS


def test_times_in_words_are_utc_on_a_machine_in_another_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        with pytest.raises(TransitionError) as e:
            in_notice().close_notice(END - timedelta(hours=1))
        assert str(e.value) == "the notice period runs until 2026-03-09T03:00:00Z"
    finally:
        monkeypatch.undo()
        time.tzset()


class _NoOffset(tzinfo):
    """A zone that does not know its offset: a datetime in it is naive all the same."""

    def utcoffset(self, dt):
        return None


def test_a_time_in_a_zone_without_an_offset_or_not_a_datetime_is_refused():
    draft = Application.new(Programme.PUBLIC_RENTAL)
    unknown = datetime(2026, 3, 2, 1, 0, tzinfo=_NoOffset())
    with pytest.raises(ValueError) as e:
        draft.submit(unknown, POLICY)
    assert str(e.value) == f"time must be a timezone-aware datetime, got {unknown!r}"
    for not_a_time in ("2026-03-02T01:00:00Z", date(2026, 3, 2), 1772413200):
        with pytest.raises(ValueError) as e:
            draft.submit(not_a_time, POLICY)
        assert str(e.value) == f"time must be a timezone-aware datetime, got {not_a_time!r}"


def test_time_and_count_refusals_carry_the_state_and_action_codes():
    a = in_notice()
    with pytest.raises(TransitionError) as e:
        a.close_notice(END - timedelta(microseconds=1))
    assert (e.value.current_state, e.value.action) == (State.IN_NOTICE, Action.CLOSE_NOTICE)
    with pytest.raises(TransitionError) as e:
        a.file_objection(END)
    assert (e.value.current_state, e.value.action) == (State.IN_NOTICE, Action.FILE_OBJECTION)
    objected = a.file_objection(h(3))
    with pytest.raises(TransitionError) as e:
        objected.file_objection(END)
    assert (e.value.current_state, e.value.action) == (State.OBJECTED, Action.FILE_OBJECTION)
    with pytest.raises(TransitionError) as e:
        objected.merge_objections(1, h(4))
    assert (e.value.current_state, e.value.action) == (State.OBJECTED, Action.MERGE_OBJECTIONS)


def test_two_open_objections_can_be_merged_into_one():
    two = in_notice().file_objection(h(3)).file_objection(h(4))
    assert Action.MERGE_OBJECTIONS in two.allowed_actions(h(5))
    merged = two.merge_objections(1, h(5))
    assert merged.state is State.OBJECTED and merged.open_objections == 1
    assert Action.MERGE_OBJECTIONS not in merged.allowed_actions(h(6))


def test_each_review_records_its_reviewer_and_time_and_history_its_reasons():
    sub = Application.new(Programme.TALENT_APARTMENT).submit(h(0), POLICY)
    # enterprise → district → city → notice, each pass with a reason of its own
    d = sub.review(E, Decision.PASS, "王", h(1), ["材料齐全"])
    c = d.review(Dt, Decision.PASS, "李", h(2), ["收入核实"])
    n = c.review(C, Decision.PASS, "赵", h(3), ["同意公示"])
    assert n.reviews == (ReviewRecord(E, Decision.PASS, "王", h(1), ("材料齐全",)),
                         ReviewRecord(Dt, Decision.PASS, "李", h(2), ("收入核实",)),
                         ReviewRecord(C, Decision.PASS, "赵", h(3), ("同意公示",)))
    assert n.history[1:] == (
        Transition(Action.REVIEW, State.SUBMITTED, State.DISTRICT_REVIEW, h(1), ("材料齐全",)),
        Transition(Action.REVIEW, State.DISTRICT_REVIEW, State.CITY_REVIEW, h(2), ("收入核实",)),
        Transition(Action.REVIEW, State.CITY_REVIEW, State.IN_NOTICE, h(3), ("同意公示",)))
    assert n.state is State.IN_NOTICE and n.notice_started_at == h(3)


def test_a_return_and_a_reject_record_the_review_and_their_reasons():
    sub = Application.new(Programme.PUBLIC_RENTAL).submit(h(0), POLICY)
    returned = sub.review(E, Decision.RETURN, "王", h(1), ["缺收入证明"])
    assert returned.reviews == (ReviewRecord(E, Decision.RETURN, "王", h(1), ("缺收入证明",)),)
    assert returned.history[-1] == Transition(Action.REVIEW, State.SUBMITTED, State.RETURNED, h(1), ("缺收入证明",))
    district = sub.review(E, Decision.PASS, "王", h(1))
    rejected = district.review(Dt, Decision.REJECT, "李", h(2), ["非本企业职工"])
    assert rejected.reviews == (ReviewRecord(E, Decision.PASS, "王", h(1), ()),
                                ReviewRecord(Dt, Decision.REJECT, "李", h(2), ("非本企业职工",)))
    assert rejected.history[-1] == Transition(Action.REVIEW, State.DISTRICT_REVIEW, State.REJECTED, h(2),
                                              ("非本企业职工",))


def test_a_dismissal_keeps_its_reasons_in_the_history():
    a = in_notice().file_objection(h(3)).file_objection(h(4))
    still = a.resolve_objection(False, h(5), ["与前一异议重复"])
    assert still.history[-1] == Transition(Action.RESOLVE_OBJECTION, State.OBJECTED, State.OBJECTED, h(5),
                                           ("与前一异议重复",))
    back = still.resolve_objection(False, h(6), ["查无实据"])
    assert back.history[-1] == Transition(Action.RESOLVE_OBJECTION, State.OBJECTED, State.IN_NOTICE, h(6),
                                          ("查无实据",))


def test_withdrawing_with_objections_open_leaves_none_open():
    a = in_notice().file_objection(h(3)).file_objection(h(4))
    w = a.withdraw(h(5))
    assert w.state is State.WITHDRAWN and w.open_objections == 0 and w.objections_filed == 2


def test_the_notice_starts_with_no_objection_open_whatever_count_was_stored():
    # the repository rebuilds an application from its row with the constructor; a stale count
    # there must not make the new notice look objected
    stored = Application(programme=Programme.PUBLIC_RENTAL, state=State.DISTRICT_REVIEW, policy_version=2,
                         notice_period_days=7, first_submitted_at=h(0), open_objections=2)
    n = stored.review(Dt, Decision.PASS, "李", h(2))
    assert n.state is State.IN_NOTICE and n.open_objections == 0
    assert (n.notice_started_at, n.notice_ends_at) == (h(2), END)
