"""Objections under abuse (issue 12 item 12): anonymous objections are limited per client (429
with Retry-After) and per application (at most 5 open at once: 429 saying why), and staff merge
duplicates into one objection that then decides for them all. The reason is seen only by those
who see the application's personal data."""

from applications_helpers import draft_body, events_until, resident_id, start


def object_to(api, app_id, address, reason="申请人已有住房，请核实"):
    return api.call("POST", f"/applications/{app_id}/objections", {"X-Forwarded-For": address},
                    json={"reason": reason})


def test_objection_limits_and_merging_duplicates(database, service_config, running_service, dev_token, event_tap):
    tap = event_tap("applications")
    api = start(running_service, service_config, dev_token, database("applications"), NOTICE_DAYS=1,
                TRUST_FORWARDED_FOR=True)
    app_id = api.to_notice(draft_body(id_number=resident_id(seq="701"), programme="public_rental"))
    other = api.to_notice(draft_body(id_number=resident_id(seq="702"), programme="public_rental"))

    # per application: five open at once from five addresses; the sixth waits
    filed = [object_to(api, app_id, f"10.0.0.{i}") for i in range(5)]
    assert [r.status_code for r in filed] == [201] * 5, [r.text for r in filed]
    sixth = object_to(api, app_id, "10.0.0.99")
    assert sixth.status_code == 429 and sixth.headers["Content-Type"].startswith("application/problem+json")
    assert "5 open objections" in sixth.json()["detail"], sixth.text
    assert api.get(app_id)["open_objections"] == 5
    assert "file_objection" not in api.get(app_id)["allowed_actions"]

    # per client: five an hour from one address, then 429 with Retry-After
    for _ in range(5):
        assert object_to(api, other, "10.0.1.1").status_code == 201
    limited = object_to(api, other, "10.0.1.1")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0, limited.text
    assert api.get(other)["open_objections"] == 5

    # staff see the objections and merge four duplicates into the first
    listed = api.call("GET", f"/applications/{app_id}/objections", api.do).json()
    ids = [o["objection_id"] for o in listed["items"]]
    assert len(ids) == 5 and all(o["status"] == "open" and o["reason"] for o in listed["items"])
    auditor = api.call("GET", f"/applications/{app_id}/objections", dev_token("auditor")).json()
    assert all(o["reason"] is None for o in auditor["items"])  # the auditor does not see who said what
    assert "merge_objections" in api.get(app_id)["allowed_actions"]
    merge = f"/applications/{app_id}/objections/merge"
    assert api.call("POST", merge, api.eo, json={"into": ids[0], "duplicates": ids[1:]}).status_code == 403
    assert api.call("POST", merge, api.do, json={"into": ids[0], "duplicates": [ids[0]]}).status_code == 422
    merged = api.call("POST", merge, api.do, json={"into": ids[0], "duplicates": ids[1:]})
    assert merged.status_code == 200, merged.text
    assert merged.json() == {"objection_id": ids[0], "application_id": app_id, "state": "objected",
                             "open_objections": 1}
    statuses = [o["status"] for o in api.call("GET", f"/applications/{app_id}/objections", api.do).json()["items"]]
    assert statuses == ["open", "merged", "merged", "merged", "merged"]
    again = api.call("POST", merge, api.do, json={"into": ids[0], "duplicates": [ids[1]]})
    assert again.status_code == 409, again.text  # a merged duplicate is no longer open

    # a merged duplicate cannot be resolved on its own; the kept one decides
    assert api.call("POST", f"/objections/{ids[1]}/resolve", api.do, json={"upheld": False}).status_code == 409
    resolved = api.call("POST", f"/objections/{ids[0]}/resolve", api.do, json={"upheld": False, "note": "经核实无房"})
    assert resolved.status_code == 200 and resolved.json()["state"] == "in_notice", resolved.text
    assert object_to(api, app_id, "10.0.0.99").status_code == 201  # room again

    events = events_until(tap, "application.objections_merged")
    merged_event = events[-1]["data"]
    assert merged_event["objection_id"] == ids[0] and merged_event["duplicates"] == ids[1:]
