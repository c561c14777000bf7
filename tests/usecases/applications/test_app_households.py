"""One active application per household and programme (issue 11 item 5): every person of a
household — the applicant and each member — may be in at most one active application of a
programme. A spouse listed in one application cannot file her own listing the first
applicant; the 409 names the other application; withdrawal or removal frees the person."""

from datetime import timedelta

import pytest
from app_usecase_helpers import CALENDAR, DO, EO, KEY, NOTICE_DAYS, T0, body, count, create, resident_id, row, run

from services.applications import intake, models
from services.common.errors import Conflict

APPLICANT = resident_id()  # 张小三, who lists 李四 (spouse) and 张小小 (child)
SPOUSE = resident_id("19870101", "224")
CHILD = resident_id("20150601", "331")


def spouse_applies(**over) -> dict:
    """李四's own application, listing 张小三 as her spouse."""
    raw = dict(applicant={"name": "李四", "id_number": SPOUSE, "phone": "13900002222", "enterprise": "E-steel",
                          "hire_date": "2010-01-01", "union_member": True},
               members=[{"relation": "spouse", "name": "张小三", "id_number": APPLICANT, "monthly_income_fen": 300000}])
    raw.update(over)
    return body(**raw)


def attempt(store, raw: dict, at=T0):
    return run(store, intake.create_application, at, CALENDAR.date_of(at), intake.new_application(raw, EO, KEY), EO,
               NOTICE_DAYS)


def test_a_spouse_cannot_file_her_own_application_listing_the_first_applicant(store):
    first = create(store)["application_id"]
    before = {m: count(store, m) for m in (models.Applicant, models.Application, models.HouseholdMember)}
    with pytest.raises(Conflict) as refused:
        attempt(store, spouse_applies(submit=True))
    assert refused.value.errors["application_id"] == [first]
    assert first in refused.value.detail and "household" in refused.value.detail
    assert {m: count(store, m) for m in before} == before  # nothing written, not even the applicant


@pytest.mark.parametrize("who", ["the spouse alone", "a third person listing the child"])
def test_a_person_in_one_household_cannot_be_in_another(store, who):
    first = create(store)["application_id"]
    if who == "the spouse alone":
        raw = spouse_applies(members=[])
    else:
        raw = body(applicant={"name": "王五", "id_number": resident_id(seq="901"), "enterprise": "E-steel"},
                   members=[{"relation": "child", "name": "张小小", "id_number": CHILD}])
    with pytest.raises(Conflict) as refused:
        attempt(store, raw)
    assert refused.value.errors["application_id"] == [first]
    assert "_" not in refused.value.detail.replace(first, "")  # the detail speaks words, not codes


def test_another_programme_and_an_ended_application_free_the_household(store):
    first = create(store)["application_id"]
    assert attempt(store, spouse_applies(programme="public_rental"))[0]["state"] == "draft"
    run(store, intake.withdraw_application, T0 + timedelta(hours=1), first, None, [], EO)
    view, _ = attempt(store, spouse_applies(), at=T0 + timedelta(hours=2))
    assert view["state"] == "draft" and view["household_size"] == 2


def test_an_edit_cannot_add_a_person_held_elsewhere_and_frees_whom_it_removes(store):
    first = create(store)["application_id"]
    other = attempt(store, body(applicant={"name": "王五", "id_number": resident_id(seq="901"),
                                           "enterprise": "E-steel"}, members=[]))[0]["application_id"]
    at = T0 + timedelta(hours=1)
    takes_the_child = body(applicant={"name": "王五", "id_number": resident_id(seq="901"), "enterprise": "E-steel"},
                           members=[{"relation": "child", "name": "张小小", "id_number": CHILD}], version=1)
    with pytest.raises(Conflict) as refused:
        run(store, intake.edit_application, at, other, takes_the_child, EO, KEY)
    assert refused.value.errors["application_id"] == [first]
    assert row(store, other).version == 1 and row(store, other).household_size == 1

    # the first application lets the child go; the other may then list them
    run(store, intake.edit_application, at, first, body(members=[], version=1), DO, KEY)
    run(store, intake.edit_application, at, other, takes_the_child, EO, KEY)
    assert row(store, other).household_size == 2
