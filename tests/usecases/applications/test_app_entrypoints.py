"""applications' entrypoints through nameko's worker_factory, on the in-memory database with a
FixedClock: each one parses, reads the clock, calls its use case and replies, so what they
return and publish follows from the request and the clock alone. Domain refusals come out
raised, to be rendered by the HTTP layer from errors.STATUS."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from app_usecase_helpers import CO, DO, EO, KEY, NOTICE_DAYS, T0, body, outbox, pass_reviews, row, submitted
from nameko.testing.services import worker_factory

from services.applications import errors
from services.applications.domain.lifecycle import LifecycleError
from services.applications.domain.policy import PolicyError
from services.applications.service import ApplicationsService
from services.common.auth import Principal
from services.common.clock import FixedClock
from services.common.errors import Conflict, field_errors, status_for
from services.common.http import ApiRequest

CONFIG = {"PERSON_REF_KEY": KEY.decode(), "NOTICE_DAYS": NOTICE_DAYS}


@pytest.fixture
def clock():
    return FixedClock(T0)


@pytest.fixture
def service(store, clock):
    return worker_factory(ApplicationsService, db=store.worker_db(), clock=clock, config=CONFIG)


def request(principal=EO, body=None, query=None, **path) -> ApiRequest:
    return ApiRequest(body=body, query=query or {}, path=path, principal=principal, request_id="test")


def test_create_submit_and_withdraw_read_only_the_clock(service, store, clock):
    draft = service.create_application(request(body=body()))
    assert draft["state"] == "draft" and draft["masked"] is False
    assert row(store, draft["application_id"]).created_at == T0

    clock.advance(hours=2)
    submitted_view = service.submit_application(request(body={"version": 1, "reasons": []},
                                                        application_id=draft["application_id"]))
    assert submitted_view["state"] == "submitted" and submitted_view["version"] == 2
    assert row(store, draft["application_id"]).first_submitted_at == T0 + timedelta(hours=2)

    clock.advance(days=1)
    reply = service.withdraw_application(request(body={"version": None, "reasons": ["不再需要"]},
                                                 application_id=draft["application_id"]))
    assert reply == {"application_id": draft["application_id"], "state": "withdrawn", "version": 3}
    assert row(store, draft["application_id"]).updated_at == T0 + timedelta(days=1, hours=2)
    assert outbox(store) == ["application.submitted", "application.withdrawn"]


def test_the_reply_to_an_edit_is_the_stored_application(service, store):
    app_id = service.create_application(request(body=body()))["application_id"]
    edited = service.edit_application(request(body=body(monthly_household_income_fen=420000, version=1),
                                              application_id=app_id))
    assert edited["version"] == 2 and edited["monthly_household_income_fen"] == 420000
    assert edited == service.read_application(request(principal=DO, application_id=app_id))


def test_a_stale_version_is_a_conflict_naming_the_application(service):
    app_id = service.create_application(request(body=body()))["application_id"]
    with pytest.raises(Conflict) as stale:
        service.submit_application(request(body={"version": 4, "reasons": []}, application_id=app_id))
    assert status_for(stale.value, errors.STATUS) == 409 and stale.value.errors == {"version": ["current is 1"]}


def test_personal_data_is_masked_for_another_enterprise(service):
    app_id = service.create_application(request(body=body()))["application_id"]
    other = Principal("eo9", "enterprise_officer", "demo", "E-textile")
    view = service.read_application(request(principal=other, application_id=app_id))
    assert view["masked"] is True and view["applicant"]["name"] == "张*三" and view["applicant"]["email"] is None
    assert service.read_application(request(principal=EO, application_id=app_id))["masked"] is False


def test_closing_notices_now_closes_what_is_due_by_the_clock(service, store, clock):
    app_id = submitted(store, programme="public_rental")
    pass_reviews(store, app_id, T0, levels=("enterprise", "district"))
    assert service.close_notices_now(request(principal=DO)) == {"closed": [], "count": 0, "remaining": 0}
    clock.advance(days=NOTICE_DAYS)
    assert service.close_notices_now(request(principal=DO)) == {"closed": [app_id], "count": 1, "remaining": 0}
    assert row(store, app_id).approved_at == T0 + timedelta(days=NOTICE_DAYS)


def test_domain_refusals_are_raised_with_their_registered_status(service, store):
    document = service.read_policy(request(principal=CO, kind="points"))["document"]
    with pytest.raises(PolicyError) as bad_policy:
        service.set_policy(request(principal=CO, body=dict(document, frontline_tenths=-5), kind="points"))
    assert status_for(bad_policy.value, errors.STATUS) == 422
    assert field_errors(bad_policy.value) == {"frontline_tenths": [bad_policy.value.message]}
    assert str(bad_policy.value).startswith("frontline_tenths: ")

    app_id = service.create_application(request(body=body()))["application_id"]
    with pytest.raises(LifecycleError) as not_submitted:
        service.review_application(request(principal=EO, body={"level": "enterprise", "decision": "pass",
                                                               "version": 1, "reasons": []},
                                           application_id=app_id))
    assert status_for(not_submitted.value, errors.STATUS) == 409


def test_a_hardship_event_recomputes_points_at_the_clocks_time(service, store, clock):
    app_id = submitted(store, programme="public_rental")
    pass_reviews(store, app_id, T0, levels=("enterprise", "district"))
    clock.advance(days=NOTICE_DAYS)
    service.close_notices_now(request(principal=DO))
    event = SimpleNamespace(data={"person_ref": row(store, app_id).person_ref, "category": "dibao",
                                  "household_id": "H7"})
    service.on_hardship_registered(event)
    assert outbox(store)[-1] == "application.points_changed"
    points = service.read_points(request(principal=DO, application_id=app_id))
    assert points["preview"] is False and points["points_tenths"] == 310 + 120  # dibao: 12.0


def test_the_rpc_queries(service):
    app_id = service.create_application(request(body=body()))["application_id"]
    view = service.get_application(app_id)
    assert view["masked"] is True and view["applicant"]["id_number"] != body()["applicant"]["id_number"]
    assert service.get_application("nope") is None
    contact = service.get_contact(view["person_ref"])
    assert contact == {"person_ref": view["person_ref"], "phone": "13812341234", "email": "zxs@example.cn",
                       "name_masked": "张*三"}
