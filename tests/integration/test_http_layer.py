"""The HTTP admin layer on a real service: problem+json, auth, idempotency, platform endpoints."""

import json

import eventlet
import pytest
import requests
from sqlalchemy import func, select

from services.assistance.models import HardshipHousehold
from services.assistance.service import AssistanceService
from services.common.db import Store
from services.common.tables import platform_tables

VALID_ID = "11010519491231002X"
BODY = {"id_number": VALID_ID, "name": "李四", "category": "sanwu"}


@pytest.fixture
def assistance(database, service_config, running_service):
    url = database("assistance")
    container = running_service(AssistanceService, service_config("assistance", url))
    container.db_url = url
    return container


def _count(url, table):
    from services.assistance.models import metadata

    store = Store(url, metadata)
    try:
        with store.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(table)).scalar_one()
    finally:
        store.dispose()


def _households(url):
    return _count(url, HardshipHousehold.__table__)


def _outbox(url):
    from services.assistance.models import metadata

    return _count(url, platform_tables(metadata).outbox)


def test_validation_error_is_400_naming_the_field_and_changes_nothing(assistance, dev_token):
    bad = dict(BODY, id_number="110105194912310021")  # wrong check digit
    resp = requests.post(f"{assistance.base}/hardship-households", json=bad,
                         headers=dev_token("district_officer"))
    assert resp.status_code == 400
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    problem = resp.json()
    assert "id_number" in problem["errors"] and "checksum" in problem["errors"]["id_number"][0]
    assert problem["status"] == 400 and "id_number" in problem["detail"]
    assert _households(assistance.db_url) == 0 and _outbox(assistance.db_url) == 0


@pytest.mark.parametrize("payload, field", [
    ({**BODY, "category": "rich"}, "category"),
    ({k: v for k, v in BODY.items() if k != "name"}, "name"),
    ({**BODY, "id_number": "11010519491331002X"}, "id_number"),  # month 13
])
def test_each_bad_field_is_named(assistance, dev_token, payload, field):
    resp = requests.post(f"{assistance.base}/hardship-households", json=payload,
                         headers=dev_token("district_officer"))
    assert resp.status_code == 400 and list(resp.json()["errors"]) == [field]


def test_malformed_json_is_400_not_500(assistance, dev_token):
    resp = requests.post(f"{assistance.base}/hardship-households", data=b"{not json",
                         headers={**dev_token("district_officer"), "Content-Type": "application/json"})
    assert resp.status_code == 400 and resp.json()["errors"] == {"body": ["invalid JSON"]}


def test_auth_failures(assistance, dev_token):
    url = f"{assistance.base}/hardship-households"
    assert requests.post(url, json=BODY).status_code == 401
    assert requests.post(url, json=BODY, headers={"Authorization": "Bearer x.y.z"}).status_code == 401
    assert requests.post(url, json=BODY, headers=dev_token("enterprise_officer", enterprise="E1")).status_code == 403
    no_enterprise = requests.post(url, json=BODY, headers=dev_token("enterprise_officer"))
    assert no_enterprise.status_code == 401 and "--enterprise" in no_enterprise.json()["detail"]
    other = requests.post(url, json=BODY, headers=dev_token("district_officer", district="gulou"))
    assert other.status_code == 403 and "gulou" in other.json()["detail"]
    assert requests.post(url, json=BODY, headers=dev_token("auditor")).status_code == 403
    city = requests.post(url, json=BODY, headers=dev_token("city_officer", district="city"))
    assert city.status_code == 403  # day-to-day operations belong to the district (common/roles.py)
    assert requests.post(url, json=BODY, headers=dev_token("district_officer")).status_code == 201
    assert _households(assistance.db_url) == 1


def test_idempotency_key_replays_refuses_and_collapses_concurrent_duplicates(assistance, dev_token):
    url = f"{assistance.base}/hardship-households"
    headers = {**dev_token("district_officer"), "Idempotency-Key": "k-1"}
    first = requests.post(url, json=BODY, headers=headers)
    again = requests.post(url, json=BODY, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    other_body = requests.post(url, json=dict(BODY, category="dibao"), headers=headers)
    assert other_body.status_code == 422
    assert _households(assistance.db_url) == 1

    pool = eventlet.GreenPool()
    concurrent = {**dev_token("district_officer"), "Idempotency-Key": "k-2"}
    other_person = dict(BODY, id_number="110105198503121234")  # one household per person: another person
    statuses = list(pool.imap(lambda _: requests.post(url, json=other_person, headers=concurrent).status_code,
                              range(8)))
    assert statuses.count(201) >= 1 and set(statuses) <= {201, 409}
    assert _households(assistance.db_url) == 2


def test_platform_endpoints(assistance):
    assert requests.get(f"{assistance.base}/health").json()["status"] == "ok"
    ready = requests.get(f"{assistance.base}/ready")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "broker": "ok"}
    metrics = requests.get(f"{assistance.base}/metrics").text
    assert 'anju_entrypoint_calls_total{district="demo",entrypoint="ready",kind="http"' in metrics
    spec = requests.get(f"{assistance.base}/openapi.json").json()
    post = spec["paths"]["/hardship-households"]["post"]
    assert post["security"] == [{"bearer": []}] and "400" in post["responses"]
    assert spec["components"]["schemas"]["HardshipHouseholdIn"]["required"] == ["category", "id_number", "name"]


def test_unknown_paths_and_wrong_methods_are_problem_json(assistance):
    missing = requests.get(f"{assistance.base}/no-such-thing")
    assert missing.status_code == 404 and missing.headers["Content-Type"].startswith("application/problem+json")
    assert "/openapi.json" in missing.json()["detail"]
    wrong = requests.delete(f"{assistance.base}/hardship-households")
    assert wrong.status_code == 405 and wrong.headers["Content-Type"].startswith("application/problem+json")
    assert "POST" in wrong.headers["Allow"] and "POST" in wrong.json()["detail"]


@pytest.mark.parametrize("data, content_type, status, field", [
    (b"[" * 1000 + b"]" * 1000, "application/json", 400, "body"),
    (b'{"id_number": "x", "name": "\\ud800", "category": "sanwu"}', "application/json", 400, "body"),
    (b"\xff\xfe{}", "application/json", 400, "body"),
    (b'{"id_number": "11010519491231002X", "name": "a", "category": "sanwu"}', "text/plain", 415, "Content-Type"),
    (b'{"a": "' + b"x" * (2**20) + b'"}', "application/json", 413, "body"),
])
def test_hostile_bodies_are_refused_with_a_4xx_and_change_nothing(assistance, dev_token, data, content_type,
                                                                   status, field):
    resp = requests.post(f"{assistance.base}/hardship-households", data=data,
                         headers={**dev_token("district_officer"), "Content-Type": content_type})
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    assert list(resp.json()["errors"]) == [field]
    assert _households(assistance.db_url) == 0


def test_a_request_id_is_echoed_only_in_a_safe_form(assistance):
    url = f"{assistance.base}/health"
    assert requests.get(url, headers={"X-Request-Id": "abc-123.x:y"}).headers["X-Request-Id"] == "abc-123.x:y"
    for hostile in ("a" * 65, "<script>", "ok\tno"):
        echoed = requests.get(url, headers={"X-Request-Id": hostile}).headers["X-Request-Id"]
        assert echoed != hostile and len(echoed) == 32


def test_an_idempotent_replay_of_an_error_is_problem_json_too(database, service_config, running_service,
                                                              dev_token):
    from services.finance.service import FinanceService

    finance = running_service(FinanceService, service_config("finance", database("finance")))
    url = f"{finance.base}/fund-receipts"
    body = {"source": "donation", "amount_fen": 100, "reference": "V-1", "received_on": "2026-11-30"}
    officer = dev_token("finance_officer")
    assert requests.post(url, json=body, headers={**officer, "Idempotency-Key": "k-1"}).status_code == 201
    first = requests.post(url, json=body, headers={**officer, "Idempotency-Key": "k-2"})  # reference taken
    replay = requests.post(url, json=body, headers={**officer, "Idempotency-Key": "k-2"})
    assert first.status_code == replay.status_code == 409
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.headers["Content-Type"].startswith("application/problem+json")
    assert replay.json() == first.json()


def test_a_service_refuses_to_start_on_a_port_that_is_taken(assistance, service_config, database):
    from nameko.containers import ServiceContainer

    from services.assistance.service import AssistanceService
    from services.common.web import PortInUse

    config = service_config("assistance", assistance.db_url,
                            WEB_SERVER_ADDRESS=assistance.base.removeprefix("http://"))
    second = ServiceContainer(AssistanceService, config)
    with pytest.raises(PortInUse, match="already in use"):
        second.start()
    second.kill()
    assert requests.get(f"{assistance.base}/health").status_code == 200  # the first one still serves


def test_a_4xx_is_logged_in_one_line_without_a_traceback(database, service_config, running_service, dev_token,
                                                        caplog):
    import logging

    from services.common.logs import JsonFormatter
    from services.finance.service import FinanceService

    finance = running_service(FinanceService, service_config("finance", database("finance")))
    caplog.set_level(logging.WARNING, logger="nameko.containers")
    body = {"source": "donation", "amount_fen": 100, "reference": "V-9", "received_on": "2026-11-30"}
    officer = dev_token("finance_officer")
    assert requests.post(f"{finance.base}/fund-receipts", json=body, headers=officer).status_code == 201
    assert requests.post(f"{finance.base}/fund-receipts", json=body, headers=officer).status_code == 409
    expected = [r for r in caplog.records if str(r.msg).startswith("(expected) error")]
    assert len(expected) == 1, [r.msg for r in caplog.records]  # the 409, raised inside the worker
    line = json.loads(JsonFormatter().format(expected[0]))
    assert "exc" not in line and line["level"] == "WARNING" and "V-9" in line["msg"]
    assert line["ts"].endswith("Z") and "T" in line["ts"]
