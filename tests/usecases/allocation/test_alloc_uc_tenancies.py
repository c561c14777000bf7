"""Tenancy (租赁) use cases: move-out frees the unit; violations count toward termination;
finance's rent.overdue past the threshold records one arrears violation per period; a revoked
eligibility schedules the tenancy's end."""

from datetime import UTC, date, datetime, timedelta

import pytest
from allocation_usecase_helpers import CALENDAR, NOW, ON, row

from services.allocation import models, offers, pool, tenancies
from services.allocation.domain.violations import ViolationPolicy
from services.common.errors import Conflict, NotFound

VIOLATIONS = ViolationPolicy()  # termination at 12.0 points; arrears after 90 days overdue


@pytest.fixture
def tenancy(stocked, drawn):
    """A1 accepted P1-A-301 and moved in on 15 December."""
    with stocked.uow() as uow:
        offers.accept_offer(uow, ON, drawn[0]["A1"].id)
        t = offers.move_in(uow, NOW, drawn[0]["A1"].id, date(2026, 12, 15), date(2029, 12, 14))
        uow.commit()
    return t.id


def test_move_out_frees_the_unit_from_local_midnight(stocked, tenancy, outbox):
    with stocked.uow() as uow:
        tenancies.end_tenancy(uow, date(2027, 3, 1), tenancy, "voluntary", CALENDAR)
        uow.commit()
    t = row(stocked, models.Tenancy, tenancy)
    assert (t.status, t.end_reason, t.ended_on) == ("ended", "voluntary", date(2027, 3, 1))
    unit = row(stocked, models.Unit, "P1-A-301")
    assert (unit.status, unit.vacant_since) == ("vacant", datetime(2027, 2, 28, 16, 0, tzinfo=UTC))
    assert outbox("tenancy.ended") == [{"tenancy_id": tenancy, "application_id": "A1", "person_ref": "pref-A1",
                                        "unit_id": "P1-A-301", "ended_on": "2027-03-01", "reason": "voluntary"}]
    with stocked.uow() as uow, pytest.raises(Conflict, match="already ended"):
        tenancies.end_tenancy(uow, date(2027, 3, 2), tenancy, "voluntary", CALENDAR)


def test_violations_count_toward_termination(stocked, tenancy, outbox):
    later = NOW + timedelta(days=70)
    with stocked.uow() as uow:
        damage, _ = tenancies.add_violation(uow, NOW, tenancy, "damage", "门窗", date(2027, 1, 10), VIOLATIONS)
        sublet, t = tenancies.add_violation(uow, later, tenancy, "subletting", "转租", date(2027, 2, 1), VIOLATIONS)
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
    with stocked.uow() as uow:
        tenancies.end_tenancy(uow, date(2027, 3, 1), tenancy, "voluntary", CALENDAR)
        uow.commit()
    with stocked.worker_db().read() as s:
        [p1] = tenancies.occupancy(s, datetime(2027, 3, 11, 16, 0, tzinfo=UTC), "project")
    assert p1 == {"project": "P1", "units": 3, "occupied": 0, "vacant": 1, "offered": 2, "reserved": 0,
                  "maintenance": 0, "occupancy_rate": 0.0, "mean_vacancy_days": 11.0, "max_vacancy_days": 11.0}
