"""The yearly re-verification queue and the not-moved-in report on an in-memory database:
households due by a day, per officer, the longest due first; allocation's events move a
household on (offered → accepted → moved in), never back, redelivered or late; staff's reason
for a household not moved in; both kept in the audit trail."""

from datetime import UTC, date, datetime, timedelta

import pytest

from services.assistance import audit, hardship, moving_in
from services.assistance.domain.hardship import RegistryRuleError

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
ON = date(2026, 11, 30)
KEY = b"district-key"
IDS = ["11010519491231002X", "110105198503121234", "110105198001010016"]


@pytest.fixture
def db(memory_store):
    return memory_store("assistance")


def register(db, id_number, officer="district_officer:u1", on=ON):
    with db.uow() as uow:
        h = hardship.register_household(uow, NOW, id_number, "李四", "dibao", officer, KEY, on=on)
        uow.commit()
        return h.id, h.person_ref


def queue(db, due_by, officer=None):
    with db.uow() as uow:
        return [(h.id, h.next_review_on) for h in hardship.review_queue(uow.session, due_by, officer, 100)]


def test_households_are_due_a_year_after_registration_in_their_officers_queue(db):
    a, _ = register(db, IDS[0], on=date(2024, 2, 29))
    b, _ = register(db, IDS[1], officer="district_officer:u2", on=date(2025, 12, 1))
    c, _ = register(db, IDS[2], on=date(2026, 1, 1))
    assert queue(db, date(2025, 2, 27)) == []
    assert queue(db, date(2025, 2, 28)) == [(a, date(2025, 2, 28))]
    assert queue(db, date(2027, 1, 1)) == [(a, date(2025, 2, 28)), (b, date(2026, 12, 1)), (c, date(2027, 1, 1))]
    assert queue(db, date(2027, 1, 1), "district_officer:u2") == [(b, date(2026, 12, 1))]
    with db.uow() as uow:  # u2 verifies a: a year from today, in u2's queue
        h = hardship.verify(uow, NOW, ON, a, "district_officer:u2", ["低保证", "收入证明"])
        uow.commit()
        assert (h.next_review_on, h.review_officer, h.evidence) == (date(2027, 11, 30), "district_officer:u2",
                                                                     ["低保证", "收入证明"])
    assert queue(db, date(2027, 11, 30), "district_officer:u2") == [(b, date(2026, 12, 1)), (a, date(2027, 11, 30))]
    with db.uow() as uow:
        hardship.close_household(uow, NOW, c, "recovered", "", "district_officer:u1")
        uow.commit()
    assert queue(db, date(2027, 1, 1), "district_officer:u1") == []  # closed: no longer due


@pytest.mark.parametrize("day", [ON, ON - timedelta(days=1), date(2028, 12, 1)])
def test_the_next_review_is_after_today_and_within_two_years(db, day):
    hid, _ = register(db, IDS[0])
    with db.uow() as uow, pytest.raises(RegistryRuleError) as e:
        hardship.verify(uow, NOW, ON, hid, "district_officer:u1", ["户口簿"], day)
    assert e.value.field == "next_review_on"


def test_a_closed_household_is_not_verified(db):
    hid, _ = register(db, IDS[0])
    with db.uow() as uow:
        hardship.close_household(uow, NOW, hid, "recovered", "", "district_officer:u1")
        uow.commit()
    with db.uow() as uow, pytest.raises(RegistryRuleError, match="is closed") as e:
        hardship.verify(uow, NOW, ON, hid, "district_officer:u1", ["户口簿"])
    assert e.value.field == "household_id"


def event(db, ref, stage, unit="U1", at=NOW):
    with db.uow() as uow:
        moved = moving_in.on_housing_event(uow, at, ref, stage, unit, f"allocation.{stage}")
        uow.commit()
        return moved is not None


def report(db):
    with db.uow() as uow:
        total, rows = moving_in.not_moved_in(uow.session, 1, 50)
        return total, [(h.id, h.housing_stage, h.housing_unit_id, h.not_moved_in_reason) for h in rows]


def test_offered_or_allocated_but_not_moved_in_with_the_reason_staff_recorded(db):
    a, ref_a = register(db, IDS[0])
    b, ref_b = register(db, IDS[1])
    assert not event(db, "p_not_in_registry", "offered")
    assert event(db, ref_a, "offered", "U1")
    assert event(db, ref_b, "offered", "U7", NOW + timedelta(hours=1))
    assert event(db, ref_a, "accepted", "U1")
    assert not event(db, ref_a, "offered", "U1")  # late: never back
    assert report(db) == (2, [(a, "accepted", "U1", None), (b, "offered", "U7", None)])
    with db.uow() as uow:
        moving_in.record_reason(uow, NOW, a, "装修未完成，等待实物救助的家具", "district_officer:u1")
        uow.commit()
    assert report(db)[1][0] == (a, "accepted", "U1", "装修未完成，等待实物救助的家具")
    assert event(db, ref_a, "moved_in", "U1")
    assert not event(db, ref_a, "accepted", "U1")  # redelivered after moving in: nothing
    assert report(db) == (1, [(b, "offered", "U7", None)])
    with db.uow() as uow, pytest.raises(RegistryRuleError, match="no unit offered or allocated"):
        moving_in.record_reason(uow, NOW, a, "x", "district_officer:u1")
    with db.uow() as uow:
        actions = [(e.action, e.actor) for e in audit.history(uow.session, entity_id=a)[1]]
    assert actions == [("registered", "district_officer:u1"), ("housing_offered", "system:allocation.offered"),
                       ("housing_accepted", "system:allocation.accepted"),
                       ("not_moved_in_reason", "district_officer:u1"),
                       ("housing_moved_in", "system:allocation.moved_in")]
