"""Lists and search for staff (issue 11, daily work): applications by state, review level waiting,
programme, enterprise, submitted date (the district's dates), masked name or person_ref, in the
one paging shape {total, page, page_size, items}, with counts per state; an enterprise officer
sees only their own enterprise's."""

from datetime import UTC, date, datetime

import pytest
from app_usecase_helpers import CALENDAR, DO, EO, KEY, NOTICE_DAYS, T0, body, create, pass_reviews, run, submitted

from services.applications import intake, schemas
from services.applications import search as listing
from services.applications.domain.lifecycle import State
from services.common.auth import Principal
from services.common.errors import Forbidden

TEXTILE = Principal("eo9", "enterprise_officer", "demo", "E-textile")
AUDITOR = Principal("au1", "auditor", "city")


def search(store, principal=DO, **query):
    q = schemas.ApplicationListQuery().load({k: str(v) for k, v in query.items()})
    with store.worker_db().read() as session:
        return listing.list_applications(session, CALENDAR, principal, q)


def counts(store, principal=DO, **query):
    q = schemas.ApplicationCountQuery().load({k: str(v) for k, v in query.items()})
    with store.worker_db().read() as session:
        return listing.count_applications(session, CALENDAR, principal, q)


@pytest.fixture
def district(store):
    """Six applications: a draft, three submitted (one a Beijing-early-morning 2 March), one at
    the district level, one of E-textile's."""
    ids = {"draft": create(store, seq="201")["application_id"],
           "steel 1": submitted(store, seq="202"),
           "steel 2": submitted(store, seq="203", programme="public_rental"),
           # 2 March 01:00 in Beijing, still 1 March in UTC
           "early": submitted(store, at=datetime(2026, 3, 1, 17, 0, tzinfo=UTC), seq="204"),
           "at district": submitted(store, seq="205")}
    pass_reviews(store, ids["at district"], T0, levels=("enterprise",))
    raw = body(seq="206", applicant={"name": "王五", "id_number": body(seq="206")["applicant"]["id_number"],
                                     "enterprise": "E-textile", "hire_date": "2012-03-01", "union_member": True,
                                     "phone": "13900001111"}, submit=True)
    ids["textile"] = run(store, intake.create_application, T0, CALENDAR.date_of(T0),
                         intake.new_application(raw, TEXTILE, KEY), TEXTILE, NOTICE_DAYS)[0]["application_id"]
    return ids


def _ids(reply):
    return [i["application_id"] for i in reply["items"]]


def test_one_paging_shape_newest_first(store, district):
    reply = search(store, page_size=4)
    assert set(reply) == {"total", "page", "page_size", "items"}
    assert (reply["total"], reply["page"], reply["page_size"], len(reply["items"])) == (6, 1, 4, 4)
    rest = search(store, page_size=4, page=2)
    assert len(rest["items"]) == 2 and not set(_ids(reply)) & set(_ids(rest))
    assert search(store, page=9)["items"] == [] and search(store, page=9)["total"] == 6
    item = reply["items"][0]
    assert set(item) == {"application_id", "version", "state", "programme", "enterprise", "name_masked", "person_ref",
                         "household_size", "points", "first_submitted_at", "updated_at", "created_at"}
    assert "张小三" not in str(reply) and "王五" not in str(reply)  # names masked for every reader


def test_filters(store, district):
    assert set(_ids(search(store, state="submitted"))) == {district[k] for k in ("steel 1", "steel 2", "early",
                                                                                 "textile")}
    assert _ids(search(store, level="district")) == [district["at district"]]
    assert _ids(search(store, programme="public_rental")) == [district["steel 2"]]
    assert _ids(search(store, enterprise="E-textile")) == [district["textile"]]
    assert _ids(search(store, name_masked="王*")) == [district["textile"]]
    ref = search(store, state="draft")["items"][0]["person_ref"]
    assert _ids(search(store, person_ref=ref)) == [district["draft"]]
    # submitted dates are the district's calendar dates
    assert _ids(search(store, submitted_from=date(2026, 3, 2), submitted_to=date(2026, 3, 2), level="enterprise",
                       programme="shared_ownership", enterprise="E-steel")) != []
    early = search(store, submitted_to=date(2026, 3, 2), submitted_from=date(2026, 3, 2))
    assert district["early"] in _ids(early) and district["draft"] not in _ids(early)
    assert search(store, submitted_to=date(2026, 3, 1))["total"] == 0


def test_an_enterprise_officer_sees_only_their_enterprise(store, district):
    assert search(store, EO)["total"] == 5 and district["textile"] not in _ids(search(store, EO))
    assert _ids(search(store, TEXTILE)) == [district["textile"]]
    with pytest.raises(Forbidden):
        search(store, TEXTILE, enterprise="E-steel")
    assert search(store, AUDITOR)["total"] == 6


def test_counts_per_state(store, district):
    reply = counts(store)
    assert reply["total"] == 6 and set(reply["by_state"]) == {s.value for s in State}
    assert (reply["by_state"]["draft"], reply["by_state"]["submitted"], reply["by_state"]["district_review"],
            reply["by_state"]["approved"]) == (1, 4, 1, 0)
    assert counts(store, TEXTILE)["by_state"]["submitted"] == 1
    assert counts(store, programme="public_rental")["total"] == 1


def test_bounds_of_the_list_query():
    for bad in ({"page": "0"}, {"page_size": "201"}, {"state": "lost"}, {"submitted_from": "1900-01-01"},
                {"name_masked": "x" * 41}, {"person_ref": "p" * 41}):
        assert schemas.ApplicationListQuery().validate(bad), bad
    assert schemas.ApplicationListQuery().load({}) == {"page": 1, "page_size": 20, "state": None, "level": None,
                                                      "programme": None, "enterprise": None, "submitted_from": None,
                                                      "submitted_to": None, "name_masked": None, "person_ref": None}


def test_the_public_board_pages_in_the_same_shape(store):
    from services.applications import notice

    app_id = submitted(store, seq="301", programme="public_rental")
    pass_reviews(store, app_id, T0, levels=("enterprise", "district"))
    with store.worker_db().read() as session:
        board = notice.public_notices(session, 1, 20)
    assert {"total", "page", "page_size", "items"} <= set(board) and board["total"] == 1
    assert board["items"][0]["application_id"] == app_id
    assert board["notices"] == board["items"]  # the old name, kept for the board's existing readers
