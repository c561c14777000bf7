"""The list, the counts and bounded queries over HTTP (both databases): every created
application can be found again without having kept its id."""

from applications_helpers import draft_body, resident_id, start


def test_find_applications_again_and_count_them(database, service_config, running_service, dev_token):
    api = start(running_service, service_config, dev_token, database("applications"))
    made = [api.create(draft_body(id_number=resident_id(seq=f"8{i}1"))).json()["application_id"] for i in range(3)]
    assert api.submit(made[0]).status_code == 200
    listed = api.call("GET", "/applications?page_size=2", api.do)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert (body["total"], body["page"], body["page_size"], len(body["items"])) == (3, 1, 2, 2)
    assert [i["application_id"] for i in body["items"]] == made[:0:-1]  # newest first
    submitted = api.call("GET", "/applications?state=submitted", dev_token("auditor")).json()
    assert [i["application_id"] for i in submitted["items"]] == [made[0]] and "张小三" not in str(submitted)
    counts = api.call("GET", "/application-counts", api.eo).json()
    assert counts["total"] == 3 and counts["by_state"]["draft"] == 2 and counts["by_state"]["submitted"] == 1
    other = api.call("GET", "/applications?enterprise=E-steel", dev_token("enterprise_officer", enterprise="E-x"))
    assert other.status_code == 403
    for bad in ("page=99999999999999999999", "page=0", "page_size=1000", "submitted_from=1900-01-01",
                "state=lost"):
        resp = api.call("GET", f"/applications?{bad}", api.do)
        assert resp.status_code == 400 and resp.headers["Content-Type"].startswith("application/problem+json"), bad
    assert api.call("GET", "/review-queue?level=enterprise&page=99999999999999999999", api.do).status_code == 400
    assert api.call("GET", "/public/notices?page=-1").status_code == 400


def test_a_household_written_in_one_statement_keeps_every_character(database, service_config, running_service,
                                                                     dev_token):
    # On PostgreSQL the members, preferences and household claims go as bound arrays in one
    # statement: quotes, commas and braces in names and choices come back as they were sent.
    api = start(running_service, service_config, dev_token, database("applications"))
    body = draft_body(id_number=resident_id(seq="871"), preferences=["P{1}", 'P"2', "a,b"])
    body["members"][0]["name"] = "O'Neil, \"{张}\""
    created = api.create(body)
    assert created.status_code == 201, created.text
    view = api.get(created.json()["application_id"])
    assert view["members"][0]["name"] == "O'Neil, \"{张}\"" and view["preferences"] == ["P{1}", 'P"2', "a,b"]
    assert [m["relation"] for m in view["members"]] == ["spouse", "child"]
