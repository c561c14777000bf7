"""applications points and after-approval flows on the real broker (SQLite and PostgreSQL):
hardship.registered/closed → points_changed; a points-policy change (versioned, audited) →
points_changed; the annual re-check confirmed → eligibility.revoked; get_contact over RPC;
the needs survey."""

import uuid

from applications_helpers import draft_body, eventually, resident_id, start
from kombu import Connection, Exchange
from nameko.standalone.rpc import ServiceRpcProxy

import services.assistance.schemas  # noqa: F401 - registers assistance's contracts for the test publisher
from services.common.events.contracts import build_envelope, encode


def _approved(api, **over):
    app_id = api.to_notice(draft_body(programme="public_rental", **over))
    assert api.call("POST", "/admin/notices/close", api.do).json()["closed"] == [app_id]
    return app_id


def _publish_assistance(amqp_uri, event_type, data):
    if event_type == "hardship.closed":  # assistance has no contract for it yet: a hand-built envelope
        body = encode({"event_id": str(uuid.uuid4()), "event_type": event_type, "schema_version": 1,
                       "occurred_at": "2026-01-01T00:00:00Z", "district": "demo", "producer": "assistance",
                       "data": data})
    else:
        body = encode(build_envelope(event_type, data, district="demo", producer="assistance"))
    with Connection(amqp_uri) as conn:
        conn.Producer().publish(body, exchange=Exchange("assistance.events", type="topic", durable=True),
                                routing_key=event_type, content_type="application/json", delivery_mode=2)


def test_hardship_registered_and_closed_change_points(database, service_config, running_service, dev_token,
                                                      event_tap, rabbit):
    tap = event_tap("applications", "application.points_changed")
    api = start(running_service, service_config, dev_token, database("applications"), NOTICE_DAYS=0)
    app_id = _approved(api)
    view = api.get(app_id)
    before = int(view["points"].replace(".", ""))
    _publish_assistance(rabbit["AMQP_URI"], "hardship.registered", {
        "household_id": "H1", "person_ref": view["person_ref"], "category": "sanwu", "name_masked": "张*三"})
    event = tap.get(timeout=10)
    assert event["data"]["reason"] == "hardship_registered"
    change = event["data"]["changes"][0]
    assert change["application_id"] == app_id and change["points_tenths"] == before + 200  # sanwu: 20.0
    assert change["priority_groups"] == ["frontline", "model_worker", "hardship"]
    _publish_assistance_closed = {"household_id": "H1", "person_ref": view["person_ref"], "closed_on": "2026-01-01"}
    _publish_assistance(rabbit["AMQP_URI"], "hardship.closed", _publish_assistance_closed)
    closed = tap.get(timeout=10)["data"]
    assert closed["reason"] == "hardship_closed" and closed["changes"][0]["points_tenths"] == before
    assert closed["changes"][0]["priority_groups"] == ["frontline", "model_worker"]
    assert eventually(lambda: api.get(app_id)["points"] == view["points"])


def test_points_policy_change_recomputes_and_is_audited(database, service_config, running_service, dev_token,
                                                        event_tap):
    tap = event_tap("applications", "application.points_changed")
    api = start(running_service, service_config, dev_token, database("applications"), NOTICE_DAYS=0)
    app_id = _approved(api)
    current = api.call("GET", "/policies/points", api.co).json()
    assert current["version"] == 1
    bad = dict(current["document"], frontline_tenths=-5)
    refused = api.call("PUT", "/policies/points", api.co, json=bad)
    assert refused.status_code == 422 and "frontline_tenths" in refused.json()["errors"], refused.text
    assert api.call("PUT", "/policies/points", api.do, json=current["document"]).status_code == 403
    doc = dict(current["document"], frontline_tenths=current["document"]["frontline_tenths"] + 100)
    changed = api.call("PUT", "/policies/points", api.co, json=doc)
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2 and changed.json()["changed"] == 1
    data = tap.get(timeout=10)["data"]
    assert data["reason"] == "policy_change" and data["policy_version"] == 2
    assert [c["application_id"] for c in data["changes"]] == [app_id]
    history = api.call("GET", "/policies/points/history", api.auditor if hasattr(api, "auditor") else api.co).json()
    assert [v["version"] for v in history["versions"]] == [1, 2] and history["versions"][1]["created_by"]
    points = api.call("GET", f"/applications/{app_id}/points", api.do).json()
    assert points["breakdown"]["policy_version"] == 2 and points["points_tenths"] == data["changes"][0]["points_tenths"]


def test_recheck_confirmed_revokes_eligibility(database, service_config, running_service, dev_token, event_tap):
    tap = event_tap("applications", "eligibility.revoked")
    api = start(running_service, service_config, dev_token, database("applications"), NOTICE_DAYS=0)
    keep = _approved(api, id_number=resident_id(seq="401"))
    fail = _approved(api, id_number=resident_id(seq="402"))
    draft = api.create(draft_body(id_number=resident_id(seq="403"))).json()["application_id"]
    refused = api.call("POST", "/rechecks", api.do, json={"as_of": "2030-01-01", "updates": [
        {"application_id": draft, "monthly_household_income_fen": 1}]})
    assert refused.status_code == 422 and "updates.0.application_id" in refused.json()["errors"]
    run = api.call("POST", "/rechecks", api.do, json={"as_of": "2030-01-01", "updates": [
        {"application_id": keep, "monthly_household_income_fen": 600000},
        {"application_id": fail, "monthly_household_income_fen": 3_000_000}]})
    assert run.status_code == 201, run.text
    recheck = run.json()
    assert {i["application_id"]: i["outcome"] for i in recheck["items"]} == {keep: "keep", fail: "pending"}
    assert api.get(fail)["state"] == "approved"  # nothing happens before a district officer confirms
    path = f"/rechecks/{recheck['recheck_id']}/items"
    assert api.call("POST", f"{path}/{keep}/confirm", api.do).status_code == 409
    confirmed = api.call("POST", f"{path}/{fail}/confirm", api.do)
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "revoked", confirmed.text
    event = tap.get(timeout=10)["data"]
    assert event["application_id"] == fail and event["programme"] == "public_rental"
    assert event["reasons"] and event["reasons"][0].startswith("income_per_capita")
    items = api.call("GET", f"/rechecks/{recheck['recheck_id']}", api.do).json()["items"]
    assert {i["application_id"]: i["outcome"] for i in items} == {keep: "keep", fail: "revoked"}


def test_get_contact_over_rpc_and_survey(database, service_config, running_service, dev_token, rabbit):
    api = start(running_service, service_config, dev_token, database("applications"), NOTICE_DAYS=0)
    app_id = _approved(api)
    ref = api.get(app_id)["person_ref"]
    with ServiceRpcProxy("applications", {"AMQP_URI": rabbit["AMQP_URI"]}, timeout=10) as proxy:
        assert proxy.get_contact(ref) == {"person_ref": ref, "phone": "13812341234", "email": "zxs@example.cn",
                                          "name_masked": "张*三"}
        assert proxy.get_contact("p_unknown") is None
        masked = proxy.get_application(app_id)
    assert masked["state"] == "approved" and masked["applicant"]["name"] == "张*三"
    assert resident_id() not in str(masked) and "13812341234" not in str(masked)
    survey = api.call("GET", "/survey", api.do).json()
    assert survey["total"] == 1 and survey["by_programme"]["public_rental"] == 1
    assert survey["by_household_size"]["3"] == 1 and "张" not in str(survey)
    other_enterprise = api.call("GET", f"/applications/{app_id}", dev_token("enterprise_officer", enterprise="E-x"))
    assert other_enterprise.json()["masked"] is True and other_enterprise.json()["applicant"]["name"] == "张*三"


def test_submit_uses_the_newest_stored_eligibility_policy(database, service_config, running_service, dev_token):
    """A city officer lowers the income ceiling: the next submission (draft + submit, and
    direct) is checked against the stored version 2, and a resubmission after raising it
    again against version 3 (each version's document is read, never an older parse)."""
    api = start(running_service, service_config, dev_token, database("applications"))
    current = api.call("GET", "/policies/eligibility", api.co).json()["document"]
    strict = dict(current, income_per_capita_ceiling_fen=100_000)
    assert api.call("PUT", "/policies/eligibility", api.co, json=strict).status_code == 200
    draft = api.create(draft_body(id_number=resident_id(seq="611"))).json()["application_id"]
    refused = api.submit(draft)
    assert refused.status_code == 422, refused.text
    assert [r["rule"] for r in refused.json()["errors"]["eligibility"]["rules"] if not r["passed"]] == [
        "income_per_capita"]
    direct = api.create(draft_body(id_number=resident_id(seq="612"), submit=True))
    assert direct.status_code == 422, direct.text
    assert api.call("PUT", "/policies/eligibility", api.co, json=current).status_code == 200
    accepted = api.submit(draft)
    assert accepted.status_code == 200, accepted.text
    assert api.get(draft)["state"] == "submitted"
    direct = api.create(draft_body(id_number=resident_id(seq="612"), submit=True))
    assert direct.status_code == 201 and direct.json()["state"] == "submitted", direct.text
