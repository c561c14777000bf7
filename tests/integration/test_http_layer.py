"""The HTTP admin layer on a real service: problem+json, auth, idempotency, platform endpoints."""

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
    assert requests.post(url, json=BODY, headers=dev_token("enterprise_officer")).status_code == 403
    other = requests.post(url, json=BODY, headers=dev_token("district_officer", district="gulou"))
    assert other.status_code == 403 and "gulou" in other.json()["detail"]
    assert requests.post(url, json=BODY, headers=dev_token("auditor")).status_code == 403
    assert requests.post(url, json=BODY, headers=dev_token("city_officer", district="city")).status_code == 201
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
    statuses = list(pool.imap(lambda _: requests.post(url, json=BODY, headers=concurrent).status_code,
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
