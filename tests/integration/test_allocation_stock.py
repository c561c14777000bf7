"""Housing stock over HTTP (SQLite and PostgreSQL, real broker): CSV import with per-row
errors and all-or-nothing on a malformed file, unit status for maintenance, occupancy, and
complaints / satisfaction in the staff report."""

import pytest
import requests
from allocation_helpers import Events

from services.allocation.service import AllocationService

HEADER = "project_id,building,number,floor,rooms,area_m2,beds,rent_fen,category,accessible\n"


@pytest.fixture
def alloc(database, service_config, running_service, dev_token, event_tap):
    events = Events(event_tap("allocation", "stock.#"))
    container = running_service(AllocationService, service_config("allocation", database("allocation")))
    officer = dev_token("district_officer")
    project = {"id": "P7", "name": "闲置厂房改造公寓", "programme": "staff_apartment",
               "supply_mode": "stock_conversion", "address": "台江区某路7号"}
    assert requests.post(f"{container.base}/projects", json=project, headers=officer).status_code == 201
    return container.base, officer, events


def test_csv_import_reports_bad_rows_and_imports_good_ones(alloc):
    base, officer, events = alloc
    csv_text = (HEADER
                + "P7,A,101,1,1,18.5,1,60000,staff_apartment,否\n"
                + "P7,A,102,1,1,abc,1,60000,staff_apartment,0\n"        # bad number
                + "P9,A,103,1,1,18.0,1,60000,staff_apartment,0\n"       # unknown project
                + "P7,A,104,2,1,18.0,1,-5,staff_apartment,1\n"          # negative rent
                + "P7,A,105,2,1,20.0,1,65000,staff_apartment,是\n")
    resp = requests.post(f"{base}/projects/P7/units.csv", data=csv_text.encode(), headers={
        **officer, "Content-Type": "text/csv"})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["added"] == 2 and body["rejected_rows"] == 3
    assert [(e["line"], e["column"]) for e in body["errors"]] == [(3, "area_m2"), (4, "project_id"),
                                                                  (5, "rent_fen")]
    added = events.wait("stock.units_added")[0]
    # issue 11 item 3: the id form of JSON units; 'one unit for areas': m² with two decimals
    assert added["unit_ids"] == ["P7-A-101", "P7-A-105"] and added["count"] == 2
    assert body["unit_ids"] == added["unit_ids"]
    units = requests.get(f"{base}/projects/P7/units", headers=officer).json()["units"]
    assert [(u["unit_id"], u["area_m2"], u["accessible"]) for u in units] == [
        ("P7-A-101", "18.50", False), ("P7-A-105", "20.00", True)]

    # the same rows again: duplicates reported by line, nothing added; multipart works too
    again = requests.post(f"{base}/projects/P7/units.csv", headers=officer,
                          files={"file": ("units.csv", csv_text.encode(), "text/csv")})
    assert again.status_code == 201 and again.json()["added"] == 0
    assert (2, "number") in [(e["line"], e["column"]) for e in again.json()["errors"]]

    # maintenance and back; an occupied-only transition is refused
    path = f"{base}/units/P7-A-101/status"
    assert requests.put(path, json={"status": "maintenance"}, headers=officer).json()["status"] == "maintenance"
    assert requests.put(path, json={"status": "maintenance"}, headers=officer).status_code == 409
    assert requests.put(path, json={"status": "occupied"}, headers=officer).status_code == 400
    assert len(requests.get(f"{base}/projects/P7/units?status=maintenance", headers=officer).json()["units"]) == 1
    occ = requests.get(f"{base}/occupancy?by=building", headers=officer).json()
    assert occ["groups"] == [{"building": "P7/A", "units": 2, "occupied": 0, "vacant": 1, "offered": 0,
                              "reserved": 0, "maintenance": 1, "occupancy_rate": 0.0,
                              "mean_vacancy_days": 0.0, "max_vacancy_days": 0.0}]
    assert requests.get(f"{base}/occupancy?by=floor", headers=officer).status_code == 400


@pytest.mark.parametrize("payload, problem", [
    (b"\xff\xfe\x00bad bytes", "UTF-8"),
    (b"project,building\nP7,A\n", "wrong header"),
    (b"", "required"),
])
def test_malformed_csv_imports_nothing(alloc, payload, problem):
    base, officer, events = alloc
    resp = requests.post(f"{base}/projects/P7/units.csv", data=payload, headers={**officer, "Content-Type": "text/csv"})
    assert resp.status_code == 400 and problem in resp.json()["detail"], resp.text
    assert requests.get(f"{base}/projects/P7/units", headers=officer).json()["units"] == []
    assert requests.post(f"{base}/projects/NOPE/units.csv", data=HEADER.encode(),
                         headers={**officer, "Content-Type": "text/csv"}).status_code == 404


def test_complaints_and_satisfaction_report(alloc):
    base, officer, _ = alloc
    c1 = requests.post(f"{base}/complaints", headers=officer,
                       json={"project_id": "P7", "category": "repairs", "description": "热水器坏了"})
    assert c1.status_code == 201
    requests.post(f"{base}/complaints", headers=officer,
                  json={"project_id": "P7", "category": "repairs", "description": "门锁"})
    assert requests.post(f"{base}/complaints", headers=officer,
                         json={"project_id": "P7", "category": "noise?", "description": "x"}).status_code == 400
    # an unknown project in the body is a 400 naming project_id (issue 12 item 10: it was an
    # undocumented 404)
    nope = requests.post(f"{base}/complaints", headers=officer,
                         json={"project_id": "NOPE", "category": "repairs", "description": "x"})
    assert nope.status_code == 400 and list(nope.json()["errors"]) == ["project_id"]
    cid = c1.json()["complaint_id"]
    assert requests.post(f"{base}/complaints/{cid}/resolve", headers=officer,
                         json={"resolution": "已更换"}).status_code == 200
    assert requests.post(f"{base}/complaints/{cid}/resolve", headers=officer,
                         json={"resolution": "again"}).status_code == 409
    for score in (5, 4):
        assert requests.post(f"{base}/satisfaction", headers=officer,
                             json={"project_id": "P7", "score": score}).status_code == 201
    assert requests.post(f"{base}/satisfaction", headers=officer,
                         json={"project_id": "P7", "score": 6}).status_code == 400
    report = requests.get(f"{base}/reports/service", headers=officer).json()["projects"]
    assert len(report) == 1 and report[0]["complaints"] == {"repairs": {"open": 1, "resolved": 1}}
    assert report[0]["mean_satisfaction"] == 4.5 and report[0]["satisfaction_responses"] == 2
    assert report[0]["mean_resolution_hours"] is not None
    metrics = requests.get(f"{base}/metrics").text
    assert 'anju_allocation_complaints_total{category="repairs",district="demo",event="filed"}' in metrics


def test_numbers_beyond_their_columns_are_refused_by_field_and_by_cell(alloc):
    """Issue 12 item 7: integers beyond a column (rent, floor, area, ?page=) were a 500 on
    PostgreSQL, and one such CSV row aborted the whole file. Now a JSON field is a 400 naming it,
    and a CSV cell is a bad cell (line and column) while the other rows import."""
    base, officer, _ = alloc
    unit = {"building": "A", "number": "1", "floor": 1, "rooms": 1, "area_m2": "20.0", "rent_fen": 1,
            "category": "staff_apartment"}
    for field, value in (("rent_fen", 2**63), ("floor", 10**30), ("rooms", 2**31), ("area_tenths", 2**40)):
        body = {**unit, field: value}
        if field == "area_tenths":
            del body["area_m2"]
        resp = requests.post(f"{base}/projects/P7/units", json={"units": [body]}, headers=officer)
        assert resp.status_code == 400 and list(resp.json()["errors"]["units"]["0"]) == [field], resp.text
    for query in ("page=99999999999999999999", "page_size=100000", "page=0"):
        assert requests.get(f"{base}/units?{query}", headers=officer).status_code == 400
    assert requests.get(f"{base}/pool?page=2&page_size=10", headers=officer).status_code == 200
    csv_text = (HEADER + f"P7,A,201,{10**30},1,18.0,1,60000,staff_apartment,0\n"
                + f"P7,{'楼' * 41},202,1,1,18.0,1,60000,staff_apartment,0\n"
                + f"P7,A,203,1,1,18.0,1,{2**63},staff_apartment,0\n"
                + "P7,A,204,1,1,18.0,1,60000,staff_apartment,0\n")
    resp = requests.post(f"{base}/projects/P7/units.csv", data=csv_text.encode(),
                         headers={**officer, "Content-Type": "text/csv"})
    assert resp.status_code == 201, resp.text
    assert resp.json()["unit_ids"] == ["P7-A-204"]
    assert [(e["line"], e["column"]) for e in resp.json()["errors"]] == [(2, "floor"), (3, "building"),
                                                                        (4, "rent_fen")]


def test_a_project_is_not_named_like_a_category(alloc):
    """A preference names a project or a category; a project called public_rental made the draw
    fail (500) as ambiguous."""
    base, officer, _ = alloc
    resp = requests.post(f"{base}/projects", headers=officer, json={
        "id": "public_rental", "name": "x", "programme": "public_rental", "supply_mode": "new_build", "address": "a"})
    assert resp.status_code == 400 and list(resp.json()["errors"]) == ["id"]
