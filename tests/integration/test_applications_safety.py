"""applications refuses bad input and forbidden transitions with a 4xx naming the problem and
no change in the database; dedup names the existing application; two reviewers racing on
the same application: exactly one wins (optimistic locking), on SQLite and PostgreSQL."""

import json

import eventlet
import pytest
from applications_helpers import draft_body, resident_id, snapshot, start

from services.common.identity import check_digit

BAD_CHECKSUM = resident_id()[:-1] + ("0" if resident_id()[-1] != "0" else "1")
IMPOSSIBLE_BIRTH = "11010519850230123" + check_digit("11010519850230123")  # 30 February


@pytest.fixture
def setup(database, service_config, running_service, dev_token):
    url = database("applications")
    api = start(running_service, service_config, dev_token, url, NOTICE_DAYS=1)
    draft_id = api.create(draft_body(id_number=resident_id(seq="101"))).json()["application_id"]
    submitted_id = api.create(draft_body(id_number=resident_id(seq="102"))).json()["application_id"]
    assert api.submit(submitted_id).status_code == 200
    notice_id = api.to_notice(draft_body(id_number=resident_id(seq="103"), programme="public_rental"))
    api.clock().advance(days=1, seconds=1)  # notice_id's period is over (the timer is not due for 60 s)
    return api, url, {"draft": draft_id, "submitted": submitted_id, "notice": notice_id}


def _create(over):
    return lambda api, ids: api.create(draft_body(id_number=resident_id(seq="199"), **over))


def _applicant(**over):
    body = draft_body(id_number=resident_id(seq="199"))
    body["applicant"].update(over)
    return lambda api, ids: api.create(body)


CASES = {
    "bad ID checksum": (_applicant(id_number=BAD_CHECKSUM), 400, "checksum"),
    "impossible birth date": (_applicant(id_number=IMPOSSIBLE_BIRTH), 400, "not a real date"),
    "negative income": (_create({"monthly_household_income_fen": -1}), 400, "monthly_household_income_fen"),
    "unknown programme": (_create({"programme": "castle"}), 400, "programme"),
    "six preferences": (_create({"preferences": ["P1", "P2", "P3", "P4", "P5", "P6"]}), 400, "preferences"),
    "hire before birth": (_applicant(hire_date="1980-01-01"), 422, "applicant.hire_date"),
    "wrong level": (lambda api, ids: api.review(ids["submitted"], "district"), 409,
                    "waits for the enterprise union's review"),
    "wrong role for level": (lambda api, ids: api.review(ids["submitted"], "city", headers=api.do), 403,
                             "the city's review is done by a city officer"),
    "wrong district": (lambda api, ids: api.review(ids["submitted"], "enterprise", headers=api.dev_token(
        "enterprise_officer", district="other", enterprise="E-steel")), 403, "district other"),
    "wrong enterprise": (lambda api, ids: api.review(ids["submitted"], "enterprise", headers=api.dev_token(
        "enterprise_officer", enterprise="E-textile")), 403, "not yours"),
    "stale version": (lambda api, ids: api.review(ids["submitted"], "enterprise", version=99), 409, "version"),
    "review a draft": (lambda api, ids: api.review(ids["draft"], "enterprise"), 409,
                       "the application is a draft, so it cannot be reviewed"),
    "submit an incomplete draft": (lambda api, ids: api.call(
        "PUT", f"/applications/{ids['draft']}", api.eo, json=draft_body(id_number=resident_id(seq="101"),
                                                                         housing=None, version=99)), 409, "version"),
    "return without reason": (lambda api, ids: api.review(ids["submitted"], "enterprise", decision="return"),
                              422, "reasons"),
    "object after the period": (lambda api, ids: api.call(
        "POST", f"/applications/{ids['notice']}/objections", json={"reason": "有异议，请核查"}), 409,
        "notice period ended"),
    "reason with a phone number": (lambda api, ids: api.review(ids["submitted"], "enterprise", decision="reject",
                                                               reasons=["联系 13900001111"]), 400, "reasons"),
    "edit a submitted application": (lambda api, ids: api.call(
        "PUT", f"/applications/{ids['submitted']}", api.eo, json=draft_body(id_number=resident_id(seq="102"))),
        409, "so it cannot be edited"),
    "not eligible": (lambda api, ids: api.call(
        "PUT", f"/applications/{ids['draft']}", api.eo,
        json=draft_body(id_number=resident_id(seq="101"), monthly_household_income_fen=9_000_000)), 200, None),
}


def test_bad_input_is_refused_and_changes_nothing(setup):
    api, url, ids = setup
    for name, (call, status, needle) in CASES.items():
        if status == 200:
            continue
        before = snapshot(url)
        resp = call(api, ids)
        assert resp.status_code == status, (name, resp.status_code, resp.text)
        problem = resp.json()
        assert resp.headers["Content-Type"].startswith("application/problem+json"), name
        assert needle in json.dumps(problem, ensure_ascii=False), (name, problem)
        assert snapshot(url) == before, f"{name}: the database changed"


def test_failing_eligibility_precheck_is_422_with_every_rule_and_no_state_change(setup):
    api, url, ids = setup
    call, _, _ = CASES["not eligible"]
    assert call(api, ids).status_code == 200  # a draft may hold anything
    before = snapshot(url)
    resp = api.submit(ids["draft"])
    assert resp.status_code == 422, resp.text
    rules = resp.json()["errors"]["eligibility"]["rules"]
    assert len(rules) == 5 and [r["rule"] for r in rules if not r["passed"]] == ["income_per_capita"]
    assert "超过" in rules[0]["reasons"]["zh"] and "exceeds" in rules[0]["reasons"]["en"]
    assert snapshot(url) == before and api.get(ids["draft"])["state"] == "draft"
    incomplete = api.call("PUT", f"/applications/{ids['draft']}", api.eo,
                          json=draft_body(id_number=resident_id(seq="101"), housing=None))
    assert incomplete.status_code == 200
    missing = api.submit(ids["draft"])
    assert missing.status_code == 422 and "housing" in missing.json()["errors"]


def test_one_active_application_per_person_and_programme(database, service_config, running_service, dev_token):
    url = database("applications")
    api = start(running_service, service_config, dev_token, url)
    first = api.create().json()["application_id"]
    before = snapshot(url)
    again = api.create()
    assert again.status_code == 409 and first in again.json()["detail"], again.text
    assert again.json()["errors"] == {"application_id": [first]}
    assert snapshot(url) == before
    assert api.create(draft_body(programme="public_rental")).status_code == 201  # another programme is fine
    # Two creates racing for the same person and programme: the database lets one win.
    body = draft_body(id_number=resident_id(seq="555"))
    results = [eventlet.spawn(api.create, body) for _ in range(2)]
    statuses = sorted(r.wait().status_code for r in results)
    assert statuses == [201, 409], statuses
    # Withdrawn: the person may apply again.
    assert api.call("POST", f"/applications/{first}/withdraw", api.eo, json={}).json()["state"] == "withdrawn"
    assert api.create().status_code == 201


def test_two_reviewers_at_once_exactly_one_wins(database, service_config, running_service, dev_token):
    url = database("applications")
    api = start(running_service, service_config, dev_token, url)
    for seq in ("301", "302", "303", "304", "305"):
        app_id = api.create(draft_body(id_number=resident_id(seq=seq))).json()["application_id"]
        assert api.submit(app_id).status_code == 200
        version = api.get(app_id)["version"]
        racers = [eventlet.spawn(api.review, app_id, "enterprise", decision, version, None,
                                 () if decision == "pass" else ["材料不全"])
                  for decision in ("pass", "return")]
        responses = [r.wait() for r in racers]
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 409], [r.text for r in responses]
        loser = next(r for r in responses if r.status_code == 409)
        assert "version" in loser.text
        view = api.get(app_id)
        assert len(view["reviews"]) == 1 and view["version"] == version + 1
        winner = next(r for r in responses if r.status_code == 200).json()
        assert view["state"] == winner["state"]


def test_two_households_sharing_a_person_racing_one_wins(database, service_config, running_service, dev_token):
    # issue 11 item 5: 张小三 lists 李四 as his spouse while 李四 lists him as hers, at the same
    # moment: the household claims' key lets exactly one through, on both databases.
    url = database("applications")
    api = start(running_service, service_config, dev_token, url)
    for n in range(3):
        his, hers = resident_id(seq=f"6{n}1"), resident_id("19870101", f"6{n}2")
        him = draft_body(id_number=his, members=[{"relation": "spouse", "name": "李四", "id_number": hers}])
        her = draft_body(id_number=hers, members=[{"relation": "spouse", "name": "张小三", "id_number": his}])
        her["applicant"]["name"] = "李四"
        racers = [eventlet.spawn(api.create, b) for b in (him, her)]
        responses = [r.wait() for r in racers]
        assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
        loser = next(r for r in responses if r.status_code == 409)
        winner = next(r for r in responses if r.status_code == 201).json()["application_id"]
        assert loser.headers["Content-Type"].startswith("application/problem+json")
        assert loser.json()["errors"].get("application_id") in ([winner], None), loser.text


def test_another_enterprise_cannot_overwrite_an_applicant(database, service_config, running_service, dev_token):
    # issue 12 item 5, on both databases: drafting in another programme with E-steel's
    # applicant's ID number neither changes the person nor files anything.
    url = database("applications")
    api = start(running_service, service_config, dev_token, url)
    first = api.create()
    assert first.status_code == 201, first.text
    before = snapshot(url)
    textile = dev_token("enterprise_officer", enterprise="E-textile")
    forged = draft_body(programme="public_rental")
    forged["applicant"].update(name="王冒名", phone="13900009999", enterprise="E-textile")
    refused = api.create(forged, headers=textile)
    assert refused.status_code == 403 and "district office" in refused.json()["detail"], refused.text
    assert snapshot(url) == before
    view = api.get(first.json()["application_id"])
    assert view["applicant"]["name"] == "张小三" and view["applicant"]["phone"] == "13812341234"
    # the district office may correct the person (and file in another programme)
    fixed = draft_body(programme="public_rental")
    fixed["applicant"]["phone"] = "13700007777"
    assert api.create(fixed, headers=api.do).status_code == 201
    assert api.get(first.json()["application_id"])["applicant"]["phone"] == "13700007777"
