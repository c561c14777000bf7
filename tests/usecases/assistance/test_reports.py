"""The year's report on an in-memory database, checked by hand: only approved (and delivered)
cases of the year count, in the month of approval in Beijing time; a rejected or cancelled case
does not; households helped once each; the median approval time; follow-ups due in the year;
budgets used and remaining; and no person in it."""

from datetime import UTC, date, datetime, timedelta

import pytest

from services.assistance import hardship, relief, reports, stock, support
from services.assistance.domain.relief import ApprovalPolicy
from services.common.clock import Calendar

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
KEY = b"district-key"
IDS = ["11010519491231002X", "110105198503121234"]
POLICY = ApprovalPolicy((200_000,))


@pytest.fixture
def db(memory_store):
    return memory_store("assistance")


def step(db, fn, *args, **kw):
    with db.uow() as uow:
        result = fn(uow, *args, **kw)
        uow.commit()
        return getattr(result, "id", result)


def test_a_year_by_hand(db):
    a = step(db, hardship.register_household, NOW, IDS[0], "李四", "dibao", "district_officer:u1", KEY)
    b = step(db, hardship.register_household, NOW, IDS[1], "王五", "sanwu", "district_officer:u1", KEY)
    step(db, relief.set_budget, 2026, "cash", 1_000_000)
    step(db, relief.set_budget, 2026, "in_kind", 50_000)
    step(db, stock.receive, NOW, "bedding", 5, "捐赠", "district_officer:u1")
    on = date(2026, 3, 1)
    # a: cash 1,000 yuan approved after 1 hour; a 2nd-quarter cash of 3,000 yuan in two levels after 3 hours
    c1 = step(db, relief.request_relief, NOW, on, a, "cash", "病", 100_000, "district_officer:u1", POLICY)
    step(db, relief.approve, NOW + timedelta(hours=1), c1, "district_officer:u2")
    c2 = step(db, relief.request_relief, NOW, date(2026, 4, 1), a, "cash", "病", 300_000, "district_officer:u1",
              POLICY)
    step(db, relief.approve, NOW + timedelta(hours=2), c2, "district_officer:u2")
    # approved at 2026-03-31 16:30 UTC = 2026-04-01 00:30 in Beijing: counts in April
    step(db, relief.approve, datetime(2026, 3, 31, 16, 30, tzinfo=UTC), c2, "district_officer:u3")
    # b: goods worth 200 yuan approved after 5 hours and delivered; a rejected cash case; a cancelled one
    g = step(db, relief.request_relief, NOW, on, b, "in_kind", "回迁", 20_000, "district_officer:u1", POLICY,
             items=[{"item": "bedding", "quantity": 1}])
    step(db, relief.approve, NOW + timedelta(hours=5), g, "district_officer:u2")
    step(db, relief.deliver, NOW + timedelta(days=1), g, "district_officer:u2", True)
    r = step(db, relief.request_relief, NOW, on, b, "cash", "病", 50_000, "district_officer:u1", POLICY)
    step(db, relief.reject, NOW, r, "district_officer:u2", "不符合")
    x = step(db, relief.request_relief, NOW, on, a, "in_kind", "x", 10_000, "district_officer:u1", POLICY,
             items=[{"item": "bedding", "quantity": 1}])
    step(db, relief.approve, NOW, x, "district_officer:u2")  # approved...
    step(db, relief.cancel, NOW, x, "district_officer:u2", "重复")  # ...and cancelled: not counted
    # follow-ups due in 2026: one done on time, one done late, one open; one due in 2027
    plan = step(db, support.open_plan, NOW, a, "training", "", "district_officer:u1")
    visits = [step(db, support.schedule, NOW, on, plan, due, "district_officer:u1", "")
              for due in (date(2026, 3, 10), date(2026, 3, 20), date(2026, 4, 1), date(2027, 1, 5))]
    step(db, support.record_outcome, datetime(2026, 3, 10, 15, 0, tzinfo=UTC), visits[0], "achieved", "",
         "district_officer:u1", False)  # 23:00 in Beijing on the due day: on time
    step(db, support.record_outcome, datetime(2026, 3, 20, 16, 0, tzinfo=UTC), visits[1], "achieved", "",
         "district_officer:u1", False)  # 00:00 the next day in Beijing: late

    with db.uow() as uow:
        report = reports.year_report(uow.session, 2026, Calendar())
    assert report["relief"] == [
        {"category": "dibao", "kind": "cash", "month": "2026-03", "cases": 1, "amount_fen": 100_000},
        {"category": "dibao", "kind": "cash", "month": "2026-04", "cases": 1, "amount_fen": 300_000},
        {"category": "sanwu", "kind": "in_kind", "month": "2026-03", "cases": 1, "amount_fen": 20_000}]
    assert (report["cases_approved"], report["amount_fen"], report["households_helped"]) == (3, 420_000, 2)
    # durations: 1 h, 5 h, and c2 from 08:00 1 March to 16:30 31 March = 30 d 8.5 h → median 5 h
    assert report["median_approval_seconds"] == 5 * 3600
    assert report["follow_ups"] == {"due": 3, "done": 2, "done_on_time": 1, "completion_permille": 666}
    assert report["budgets"] == [
        {"kind": "cash", "total_fen": 1_000_000, "used_fen": 400_000, "remaining_fen": 600_000},
        {"kind": "in_kind", "total_fen": 50_000, "used_fen": 20_000, "remaining_fen": 30_000}]
    text = repr(report)
    assert not any(s in text for s in (a, b, "李", "王", IDS[0], IDS[1]))


def test_an_empty_year(db):
    with db.uow() as uow:
        report = reports.year_report(uow.session, 2030, Calendar())
    assert report == {"year": 2030, "relief": [], "cases_approved": 0, "amount_fen": 0, "households_helped": 0,
                      "median_approval_seconds": None, "budgets": [],
                      "follow_ups": {"due": 0, "done": 0, "done_on_time": 0, "completion_permille": None}}
