"""Long-term support plans on an in-memory database: a plan per goal for an active household,
follow-ups that cannot be due in the past, overdue ones listed per officer, an outcome recorded
once, statistics as aggregates."""

from datetime import UTC, date, datetime, timedelta

import pytest

from services.assistance import hardship, support
from services.assistance.domain.support import InvalidFollowUp
from services.common.errors import Conflict

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)


@pytest.fixture
def db(memory_store):
    return memory_store("assistance")


def household(db):
    with db.uow() as uow:
        h = hardship.register_household(uow, NOW, "11010519491231002X", "李四", "sanwu", "district_officer:u1",
                                        b"k")
        uow.commit()
        return h.id


def test_plans_follow_ups_and_the_overdue_list(db):
    hid = household(db)
    with db.uow() as uow:
        plan = support.open_plan(uow, NOW, hid, "job_placement", "社区公益岗", "district_officer:u1")
        uow.commit()
    with db.uow() as uow, pytest.raises(Conflict, match=plan.id):
        support.open_plan(uow, NOW, hid, "job_placement", "", "district_officer:u1")
    with db.uow() as uow, pytest.raises(InvalidFollowUp) as refused:
        support.open_plan(uow, NOW, "nope", "training", "", "district_officer:u1")
    assert refused.value.field == "household_id"
    with db.uow() as uow, pytest.raises(InvalidFollowUp) as past:
        support.schedule(uow, NOW, TODAY, plan.id, TODAY - timedelta(days=1), "district_officer:u1", "")
    assert past.value.field == "due_on"
    with db.uow() as uow:
        a = support.schedule(uow, NOW, TODAY, plan.id, TODAY + timedelta(days=7), "district_officer:u1", "")
        b = support.schedule(uow, NOW, TODAY, plan.id, TODAY + timedelta(days=30), "district_officer:u2", "")
        uow.commit()
    later = TODAY + timedelta(days=40)
    with db.worker_db().read() as s:
        assert [f.id for f in support.overdue(s, later, None, 10)] == [a.id, b.id]
        assert [f.id for f in support.overdue(s, later, "district_officer:u2", 10)] == [b.id]
        assert support.overdue(s, TODAY, None, 10) == []
    with db.uow() as uow:
        support.record_outcome(uow, NOW, a.id, "achieved", "已上岗", "district_officer:u1", True)
        uow.commit()
    with db.uow() as uow, pytest.raises(Conflict, match="already recorded"):
        support.record_outcome(uow, NOW, a.id, "achieved", "", "district_officer:u1", False)
    with db.uow() as uow, pytest.raises(Conflict, match="closed"):
        support.schedule(uow, NOW, TODAY, plan.id, TODAY, "district_officer:u1", "")
    with db.worker_db().read() as s:
        assert [f.id for f in support.overdue(s, later, None, 10)] == [b.id]
        assert support.statistics(s) == {"plans": [{"goal": "job_placement", "status": "closed", "count": 1}],
                                         "follow_ups_done": 1, "follow_ups_pending": 1}
