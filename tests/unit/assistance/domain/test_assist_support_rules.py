"""When a follow-up may be scheduled and when it is overdue."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.assistance.domain import support as s

TODAY = date(2026, 11, 30)


def test_a_follow_up_cannot_be_due_in_the_past():
    s.check_due(TODAY, TODAY)
    with pytest.raises(s.InvalidFollowUp, match="before") as refused:
        s.check_due(TODAY - timedelta(days=1), TODAY)
    assert refused.value.field == "due_on"


@given(st.dates(), st.dates(), st.booleans())
def test_overdue_only_when_not_done_and_past_due(due, today, done):
    assert s.is_overdue(due, today, done) == (not done and due < today)
    assert not s.is_overdue(today, today, done)
