"""The programme's business date is the district's calendar date (Asia/Shanghai), not the UTC
date (issue 11 item 4): between 00:00 and 08:00 Beijing time the two differ by a day, and
ages, the eligibility check's date, the points' as-of date and the months waiting all follow
the Beijing date."""

from datetime import UTC, datetime

from app_usecase_helpers import DO, EO, KEY, NOTICE_DAYS, pass_reviews, resident_id, row, run
from nameko.testing.services import worker_factory

from services.applications import intake, models, points, schemas
from services.applications.service import ApplicationsService
from services.common.clock import Calendar, FixedClock
from services.common.http import ApiRequest

# 01:00 in Beijing on 2 March 2026 is still 1 March in UTC.
EARLY = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
SHANGHAI = Calendar("Asia/Shanghai")


def eighteen_today(**over) -> dict:
    """An applicant who turns 18 on 2 March 2026 (the default policy's minimum age)."""
    raw = {"applicant": {"name": "陈小明", "id_number": resident_id("20080302", "555"), "phone": "13900001111",
                         "enterprise": "E-steel", "hire_date": "2025-01-01", "union_member": True},
           "programme": "public_rental", "monthly_household_income_fen": 200000,
           "housing": {"kind": "rented", "area_m2": "10.00"}, "submit": True}
    raw.update(over)
    return schemas.ApplicationIn().load(raw)


def test_an_applicant_born_on_todays_beijing_date_is_of_age_at_1am_beijing(store):
    service = worker_factory(ApplicationsService, db=store.worker_db(), clock=FixedClock(EARLY),
                             config={"PERSON_REF_KEY": KEY.decode(), "NOTICE_DAYS": NOTICE_DAYS})
    view = service.create_application(ApiRequest(body=eighteen_today(), query={}, path={}, principal=EO,
                                                 request_id="t"))
    assert view["state"] == "submitted"
    assert view["eligibility"]["checked_on"] == "2026-03-02"
    age = next(r for r in view["eligibility"]["rules"] if r["rule"] == "age")
    assert age["passed"] is True and age["actual"] == 18


def test_the_check_date_is_the_date_passed_in(store):
    new = intake.new_application(eighteen_today(), EO, KEY)
    view, _ = run(store, intake.create_application, EARLY, SHANGHAI.date_of(EARLY), new, EO, NOTICE_DAYS)
    assert view["eligibility"]["checked_on"] == "2026-03-02"


def test_points_count_waiting_months_and_as_of_in_beijing_dates(store):
    new = intake.new_application(eighteen_today(), EO, KEY)
    view, _ = run(store, intake.create_application, EARLY, SHANGHAI.date_of(EARLY), new, EO, NOTICE_DAYS)
    app_id = view["application_id"]
    # 23:00 in Beijing on 1 April: not yet a month since 2 March (Beijing), though it is one
    # since 1 March (UTC).
    late = datetime(2026, 4, 1, 15, 0, tzinfo=UTC)
    with store.worker_db().read() as session:
        preview = points.read_points(session, late, SHANGHAI, app_id, DO)
    assert preview["as_of"] == "2026-04-01" and preview["preview"] is True
    waiting = next(line for line in preview["breakdown"]["lines"] if line["rule"] == "waiting")
    assert waiting["input"] == 0

    # Entering the notice at 01:00 Beijing stores the points as of that Beijing date.
    at = datetime(2026, 4, 1, 17, 0, tzinfo=UTC)
    pass_reviews(store, app_id, at, levels=("enterprise", "district"))
    assert row(store, app_id).state == "in_notice"
    with store.worker_db().read() as session:
        stored = session.get(models.ApplicationPoints, app_id)
    assert stored.as_of.isoformat() == "2026-04-02" and stored.months_waiting == 1
