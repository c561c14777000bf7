"""Tenancy (租赁) use cases: move-out frees the unit; violations count toward termination;
finance's rent.overdue past the threshold records one arrears violation per period; a revoked
eligibility schedules the tenancy's end."""

from datetime import UTC, date, datetime, timedelta

import pytest
from allocation_usecase_helpers import CALENDAR, NOW, ON, row
from sqlalchemy import select

from services.allocation import errors, models, offers, pool, tenancies
from services.allocation.domain.tenancies import TenancyDateError
from services.allocation.domain.violations import ViolationPolicy
from services.common.errors import Conflict, NotFound, field_errors, status_for

VIOLATIONS = ViolationPolicy()  # termination at 12.0 points; arrears after 90 days overdue


@pytest.fixture
def tenancy(stocked, drawn):
    """A1 accepted P1-A-301 and moved in on 15 December."""
    with stocked.uow() as uow:
        offers.accept_offer(uow, ON, drawn[0]["A1"].id)
        t = offers.move_in(uow, NOW, ON, drawn[0]["A1"].id, date(2026, 12, 15), date(2029, 12, 14))
        uow.commit()
    return t.id


def test_a_unit_freed_by_a_move_out_is_offered_to_the_next_on_the_waitlist_once(stocked, tenancy, outbox):
    """轮候递补: A5 (5 people) fits no unit; A4 (2 people, waitlist 2) fits P1-A-301."""
    drawn_offers = len(outbox("allocation.offered"))
    today = date(2027, 3, 1)
    with stocked.uow() as uow:
        tenancies.move_out(uow, NOW, today, today, tenancy, "voluntary", CALENDAR)
        uow.commit()
    assert row(stocked, models.Unit, "P1-A-301").status == "offered"
    with stocked.worker_db().read() as s:
        offer = s.scalars(select(models.Offer).where(models.Offer.unit_id == "P1-A-301",
                                                     models.Offer.status == "open")).one()
    assert (offer.application_id, offer.source, offer.offered_on) == ("A4", "waitlist", today)
    published = outbox("allocation.offered")
    assert len(published) == drawn_offers + 1
    assert (published[-1]["application_id"], published[-1]["unit_id"]) == ("A4", "P1-A-301")
    with stocked.uow() as uow, pytest.raises(Conflict, match="already ended"):  # a second end offers nothing
        tenancies.move_out(uow, NOW, today, today, tenancy, "voluntary", CALENDAR)
    assert len(outbox("allocation.offered")) == drawn_offers + 1


def test_move_out_frees_the_unit_from_local_midnight(stocked, tenancy, outbox):
    with stocked.uow() as uow:  # nobody on the waitlist fits: the unit stays vacant
        pool.withdraw(uow, NOW, ON, "A4")
        uow.commit()
    with stocked.uow() as uow:
        replied = tenancies.move_out(uow, NOW, date(2027, 3, 1), date(2027, 3, 1), tenancy, "voluntary", CALENDAR)
        uow.commit()
    assert (replied.status, replied.ended_on) == ("ended", date(2027, 3, 1))  # the reply is what was stored
    t = row(stocked, models.Tenancy, tenancy)
    assert (t.status, t.end_reason, t.ended_on) == ("ended", "voluntary", date(2027, 3, 1))
    unit = row(stocked, models.Unit, "P1-A-301")
    assert (unit.status, unit.vacant_since) == ("vacant", datetime(2027, 2, 28, 16, 0, tzinfo=UTC))
    assert outbox("tenancy.ended") == [{"tenancy_id": tenancy, "application_id": "A1", "person_ref": "pref-A1",
                                        "unit_id": "P1-A-301", "ended_on": "2027-03-01", "reason": "voluntary"}]
    with stocked.uow() as uow, pytest.raises(Conflict, match="already ended"):
        tenancies.move_out(uow, NOW, date(2027, 3, 2), date(2027, 3, 2), tenancy, "voluntary", CALENDAR)


def test_violations_count_toward_termination(stocked, tenancy, outbox):
    later = NOW + timedelta(days=70)
    with stocked.uow() as uow:
        damage, _ = tenancies.add_violation(uow, NOW, date(2027, 1, 10), tenancy, "damage", "门窗", date(2027, 1, 10),
                                            VIOLATIONS)
        sublet, t = tenancies.add_violation(uow, later, date(2027, 2, 9), tenancy, "subletting", "转租",
                                            date(2027, 2, 1), VIOLATIONS)
        uow.commit()
    assert (damage.points_tenths, damage.total_after_tenths, damage.created_at) == (30, 30, NOW)
    assert (sublet.points_tenths, sublet.total_after_tenths, sublet.occurred_on) == (120, 150, date(2027, 2, 1))
    assert (t.violation_points_tenths, t.termination_open) == (150, True)
    assert [(e["kind"], e["points"], e["total_points"], e["threshold_crossed"], e["termination_open"])
            for e in outbox("violation.recorded")] == [("damage", "3.0", "3.0", False, False),
                                                        ("subletting", "12.0", "15.0", True, True)]


def test_rent_overdue_past_the_threshold_records_one_arrears_violation_per_period(stocked, tenancy, outbox):
    recorded = []
    for period, days in (("2027-01", 30), ("2027-01", 95), ("2027-01", 120), ("2027-02", 90)):
        with stocked.uow() as uow:
            recorded.append(tenancies.record_arrears(uow, NOW, date(2027, 3, 5), tenancy, period, days, VIOLATIONS))
            uow.commit()
    assert [v and (v.kind, v.period, v.note, v.points_tenths) for v in recorded] == [
        None, ("rent_arrears", "2027-01", "rent 2027-01 overdue 95 days", 40), None,
        ("rent_arrears", "2027-02", "rent 2027-02 overdue 90 days", 40)]
    assert row(stocked, models.Tenancy, tenancy).violation_points_tenths == 80
    assert [e["total_points"] for e in outbox("violation.recorded")] == ["4.0", "8.0"]
    with stocked.uow() as uow, pytest.raises(NotFound, match="unknown tenancy"):
        tenancies.record_arrears(uow, NOW, ON, "no-such-tenancy", "2027-01", 95, VIOLATIONS)


def test_revoked_eligibility_schedules_the_tenancy_end(stocked, tenancy):
    with stocked.uow() as uow:
        pool.revoke(uow, NOW, date(2027, 3, 1), "A1", 60)
        uow.commit()
    assert row(stocked, models.PoolEntry, "A1").status == "revoked"
    assert row(stocked, models.Tenancy, tenancy).notice_end_on == date(2027, 4, 30)
    with stocked.uow() as uow:  # a later revocation with a longer notice keeps the earlier end
        pool.revoke(uow, NOW, date(2027, 3, 10), "A1", 90)
        uow.commit()
    assert row(stocked, models.Tenancy, tenancy).notice_end_on == date(2027, 4, 30)
    with stocked.worker_db().read() as s:
        assert tenancies.due_to_end(s, date(2027, 4, 29)) == []
        assert tenancies.due_to_end(s, date(2027, 4, 30)) == [(tenancy, "revocation", date(2027, 4, 30))]


def test_a_contract_past_its_end_is_due_the_day_after(stocked, tenancy):
    with stocked.worker_db().read() as s:
        assert tenancies.due_to_end(s, date(2029, 12, 14)) == []
        assert tenancies.due_to_end(s, date(2029, 12, 15)) == [(tenancy, "contract_end", date(2029, 12, 14))]


def test_occupancy_counts_units_by_status_and_vacancy_days(stocked, tenancy):
    with stocked.uow() as uow:  # nobody on the waitlist fits: the unit stays vacant
        pool.withdraw(uow, NOW, ON, "A4")
        uow.commit()
    with stocked.uow() as uow:
        tenancies.end_tenancy(uow, NOW, date(2027, 3, 1), date(2027, 3, 1), tenancy, "voluntary", CALENDAR)
        uow.commit()
    with stocked.worker_db().read() as s:
        [p1] = tenancies.occupancy(s, datetime(2027, 3, 11, 16, 0, tzinfo=UTC), date(2027, 3, 12), "project")
    assert p1 == {"project": "P1", "units": 3, "occupied": 0, "vacant": 1, "offered": 2, "reserved": 0,
                  "maintenance": 0, "occupancy_rate": 0.0, "mean_vacancy_days": 11.0, "max_vacancy_days": 11.0}


def test_a_violation_dated_before_the_tenancy_or_after_today_is_refused_naming_on(stocked, tenancy):
    """Issue 11 item 1: {"on": "2020-01-01"} was accepted (201) and counted toward termination."""
    today = date(2027, 1, 10)
    for on, message in ((date(2020, 1, 1), "the tenancy started on 2026-12-15: a violation on 2020-01-01 was "
                                           "not during it"),
                        (date(2027, 1, 11), "a violation is recorded once it has happened: 2027-01-11 is after "
                                            "today (2027-01-10)")):
        with stocked.uow() as uow, pytest.raises(TenancyDateError) as refused:
            tenancies.add_violation(uow, NOW, today, tenancy, "damage", "", on, VIOLATIONS)
        assert status_for(refused.value, errors.STATUS) == 422
        assert field_errors(refused.value) == {"on": [message]}
    with stocked.uow() as uow:  # its first day and today are fine
        tenancies.add_violation(uow, NOW, today, tenancy, "damage", "", date(2026, 12, 15), VIOLATIONS)
        tenancies.add_violation(uow, NOW, today, tenancy, "idle", "", today, VIOLATIONS)
        uow.commit()
    assert row(stocked, models.Tenancy, tenancy).violation_points_tenths == 90


def test_a_move_out_in_the_future_is_refused_and_the_reply_is_what_was_stored(stocked, tenancy, outbox):
    """Issue 11 item 2: a future date answered with the old state (active) while the tenancy was
    stored as ended and the unit freed at once. Decision: refuse a future date (422 naming on);
    the move-out is recorded when it has happened."""
    today = date(2027, 3, 1)
    for on, message in ((date(2027, 3, 2), "a move-out is recorded when it has happened: 2027-03-02 is after today "
                                           "(2027-03-01)"),
                        (date(2026, 12, 14), "the tenancy started on 2026-12-15: it cannot end on 2026-12-14")):
        with stocked.uow() as uow, pytest.raises(TenancyDateError) as refused:
            tenancies.move_out(uow, NOW, today, on, tenancy, "voluntary", CALENDAR)
        assert status_for(refused.value, errors.STATUS) == 422 and list(field_errors(refused.value)) == ["on"]
        assert str(refused.value) == message
    assert row(stocked, models.Tenancy, tenancy).status == "active"
    assert row(stocked, models.Unit, "P1-A-301").status == "occupied" and outbox("tenancy.ended") == []
    with stocked.uow() as uow:
        replied = tenancies.move_out(uow, NOW, today, today, tenancy, "voluntary", CALENDAR)
        uow.commit()
    stored = row(stocked, models.Tenancy, tenancy)
    assert (replied.status, replied.end_reason, replied.ended_on) == (stored.status, stored.end_reason,
                                                                      stored.ended_on) == ("ended", "voluntary", today)


def test_a_tenancy_not_begun_yet_may_be_called_off_today(stocked, tenancy):
    with stocked.uow() as uow:  # today is 1 December, the tenancy starts on the 15th
        tenancies.move_out(uow, NOW, ON, ON, tenancy, "voluntary", CALENDAR)
        uow.commit()
    assert row(stocked, models.Tenancy, tenancy).ended_on == ON


def test_an_end_of_notice_run_is_for_today_or_a_past_day():
    tenancies.check_run_date(ON, ON)
    with pytest.raises(TenancyDateError) as ahead:
        tenancies.check_run_date(date(2026, 12, 2), ON)
    assert field_errors(ahead.value) == {"on": ["tenancies are ended for today or a past day, not 2026-12-02 "
                                                "(today is 2026-12-01)"]}


def test_occupancy_does_not_count_a_tenancy_that_starts_later(stocked, tenancy):
    """Issue 11 item 10: the tenancy starts on 15 December; before then its unit is held for the
    tenant (reserved), not occupied."""
    with stocked.worker_db().read() as s:
        [before] = tenancies.occupancy(s, NOW, ON, "project")
        [first_day] = tenancies.occupancy(s, NOW, date(2026, 12, 15), "project")
    assert (before["occupied"], before["reserved"], before["occupancy_rate"]) == (0, 1, 0.0)
    assert (first_day["occupied"], first_day["reserved"], first_day["occupancy_rate"]) == (1, 0, round(1 / 3, 4))


@pytest.mark.parametrize("start, end, field, message", [
    (date(2026, 11, 30), date(2029, 11, 29), "start", "the tenancy cannot start on 2026-11-30, before the offer "
                                                      "was accepted (2026-12-01)"),
    (date(2027, 12, 3), date(2029, 12, 2), "start", "a move-in is agreed at most a year ahead: start by 2027-12-02, "
                                                    "not 2027-12-03"),
    (date(2026, 12, 15), date(2036, 12, 16), "end", "a tenancy runs at most 10 years: end by 2036-12-15, not "
                                                    "2036-12-16"),
    (date(2026, 12, 15), date(2026, 12, 15), "end", "must be after start"),
])
def test_tenancy_dates_are_sane(stocked, drawn, start, end, field, message):
    """Issue 12 item 11: tenancy dates 1900–2300 were accepted. The schema bounds every date
    (Day) and refuses an end not after the start; the use case refuses the rest."""
    a1 = drawn[0]["A1"]
    with stocked.uow() as uow:
        offers.accept_offer(uow, ON, a1.id)
        uow.commit()
    with stocked.uow() as uow, pytest.raises(TenancyDateError) as refused:
        offers.move_in(uow, NOW, ON, a1.id, start, end)
    assert field_errors(refused.value) == {field: [message]}
    assert status_for(refused.value, errors.STATUS) == 422


def test_the_move_in_schema_bounds_the_dates():
    from marshmallow import ValidationError

    from services.allocation.schemas import MoveInIn

    for body, field in (({"start": "1900-01-01", "end": "2027-01-01"}, "start"),
                        ({"start": "2026-12-01", "end": "2300-01-01"}, "end"),
                        ({"start": "2026-12-01", "end": "2026-11-01"}, "end")):
        with pytest.raises(ValidationError) as refused:
            MoveInIn().load(body)
        assert list(refused.value.messages) == [field]
