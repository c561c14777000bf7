"""Allocation over HTTP as staff and the public use it (real broker, SQLite and PostgreSQL),
every reply checked against the committed OpenAPI document: a let unit stays let whatever the
status endpoint is asked (issue 12 item 1), old unit ids keep working (issue 11 item 3), the
public export of a drawn round needs no token and verifies (issue 12 item 3), and what was
created is found again through the lists (issue 11)."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from allocation_helpers import Documented, Events, today

from services.allocation import models
from services.allocation.service import AllocationService
from services.cli import main as anju

NOW = datetime.now(UTC)
PROJECT = {"id": "H1", "name": "台江公租房", "programme": "public_rental", "supply_mode": "new_build",
           "address": "台江区某路9号"}
UNIT = {"building": "A", "floor": 2, "rooms": 1, "area_m2": "40.50", "rent_fen": 90000, "category": "public_rental"}


def pool_entry(app_id: str, points: int) -> models.PoolEntry:
    return models.PoolEntry(application_id=app_id, person_ref="pref-" + app_id, programme="public_rental",
                            district="demo", points_tenths=points, points_policy_version=1, breakdown="{}",
                            household_size=2, preferences='["H1"]', priority_groups="[]", needs_accessible=False,
                            status="active", declines=0, approved_at=NOW, updated_at=NOW)


@pytest.fixture
def alloc(store_for, service_config, running_service, dev_token, event_tap):
    store = store_for("allocation")
    events = Events(event_tap("allocation", "round.#"))
    container = running_service(AllocationService, service_config("allocation", store.url))
    api = Documented(container.base, dev_token("district_officer"))
    assert api("POST", "/projects", json=PROJECT).status_code == 201
    added = api("POST", "/projects/{project_id}/units", path={"project_id": "H1"},
                json={"units": [{**UNIT, "number": "101"}, {**UNIT, "number": "102"}]})
    assert added.json()["unit_ids"] == ["H1-A-101", "H1-A-102"]
    with store.uow() as u:
        u.session.add_all([pool_entry("K1", 900), pool_entry("K2", 800), pool_entry("K3", 700)])
        u.commit()
    return api, store, events


def draw(api, unit_ids) -> dict:
    opened = api("POST", "/rounds", json={"programme": "public_rental", "unit_ids": unit_ids,
                                          "public_value_source": "福彩3D of today", "draw_date": today().isoformat(),
                                          "respond_days": 7})
    assert opened.status_code == 201, opened.text
    drawn = api("POST", "/rounds/{round_id}/draw", path={"round_id": opened.json()["round_id"]},
                json={"public_values": ["3 8 1"]})
    assert drawn.status_code == 200, drawn.text
    return drawn.json()


def test_a_let_unit_is_never_offered_again(alloc):
    """Issue 12 item 1, the attack as reported: maintenance and back on a let unit, then a new
    round. Both status changes are refused now, and the next round does not take the unit."""
    api, _, _ = alloc
    draw(api, ["H1-A-101"])
    [offer] = api("GET", "/offers", params={"status": "open"}).json()["items"]
    assert api("POST", "/offers/{offer_id}/accept", path={"offer_id": offer["offer_id"]}, json={}).status_code == 200
    moved = api("POST", "/offers/{offer_id}/move-in", path={"offer_id": offer["offer_id"]},
                json={"start": today().isoformat(), "end": (today() + timedelta(days=365)).isoformat()})
    assert moved.status_code == 201, moved.text
    for wanted in ("maintenance", "vacant"):
        refused = api("PUT", "/units/{unit_id}/status", path={"unit_id": "H1-A-101"}, json={"status": wanted})
        assert refused.status_code == 409 and "tenancy" in refused.json()["detail"], refused.text
    unit = api("GET", "/units/{unit_id}", path={"unit_id": "H1-A-101"}).json()
    assert (unit["status"], unit["area_m2"]) == ("occupied", "40.50")
    again = api("POST", "/rounds", json={"programme": "public_rental", "unit_ids": ["H1-A-101"],
                                         "public_value_source": "福彩3D of today", "draw_date": today().isoformat()})
    assert again.status_code == 409 and "not vacant: H1-A-101" in again.json()["detail"]
    [occupancy] = api("GET", "/occupancy").json()["groups"]
    assert (occupancy["occupied"], occupancy["vacant"]) == (1, 1)


def test_an_old_unit_id_keeps_working(alloc):
    """Issue 11 item 3: a unit imported by CSV before the one id form keeps its P1/A/9 id where
    something refers to it; the status endpoint takes it as is and percent-encoded."""
    api, store, _ = alloc
    with store.uow() as u:
        u.session.add(models.Unit(id="H1/B/9", project_id="H1", building="B", number="9", floor=1, rooms=1,
                                  area_tenths=400, beds=0, rent_fen=1, category="public_rental", accessible=False,
                                  status="vacant", vacant_since=NOW))
        u.commit()
    raw = api.http.put(f"{api.base}/units/H1/B/9/status", headers=api.headers, json={"status": "maintenance"},
                       timeout=10)
    assert (raw.status_code, raw.json()) == (200, {"unit_id": "H1/B/9", "status": "maintenance"})
    encoded = api("PUT", "/units/{unit_id}/status", path={"unit_id": "H1/B/9"}, json={"status": "vacant"})
    assert (encoded.status_code, encoded.json()) == (200, {"unit_id": "H1/B/9", "status": "vacant"})
    [found] = api("GET", "/units", params={"unit_id": "H1/B/9"}).json()["items"]
    assert found["unit_id"] == "H1/B/9"
    unsafe = api("POST", "/projects/{project_id}/units", path={"project_id": "H1"},
                 json={"units": [{**UNIT, "building": "B/1", "number": "1"}]})
    assert unsafe.status_code == 400 and "units" in unsafe.json()["errors"]


def test_the_public_export_needs_no_token_and_verifies(alloc, tmp_path, capsys):
    """Issue 12 item 3: anyone fetches a drawn round's export from the path round.drawn gives,
    and `anju verify-round` says MATCH; before the draw there is none."""
    api, _, events = alloc
    opened = api("POST", "/rounds", json={"programme": "public_rental", "project_ids": ["H1"],
                                          "public_value_source": "福彩3D of today", "draw_date": today().isoformat()})
    round_id = opened.json()["round_id"]
    assert opened.json()["inputs_digest"] == events.wait("round.opened")[0]["inputs_digest"]
    early = api("GET", "/public/rounds/{round_id}/export", path={"round_id": round_id}, headers={})
    assert early.status_code == 404 and "secret" not in early.text
    drawn = api("POST", "/rounds/{round_id}/draw", path={"round_id": round_id}, json={"public_values": ["3 8 1"]})
    published = events.wait("round.drawn")[0]
    assert published["public_export_path"] == drawn.json()["public_export_path"] == \
        f"/public/rounds/{round_id}/export"
    public = api("GET", "/public/rounds/{round_id}/export", path={"round_id": round_id}, headers={})
    assert public.status_code == 200
    export = public.json()
    assert export == api("GET", "/rounds/{round_id}/export", path={"round_id": round_id}).json()
    assert export["results_digest"] == published["results_digest"]
    path = tmp_path / "round.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as verdict:
        anju(["verify-round", str(path)])
    out = capsys.readouterr().out
    assert verdict.value.code == 0 and out.splitlines()[0] == "MATCH" and out.count("MATCH") == 1
    assert published["results_digest"] in out and published["seed_hex"] in out


def test_what_was_created_is_found_again(alloc):
    api, _, _ = alloc
    draw(api, ["H1-A-101", "H1-A-102"])
    assert api("GET", "/projects", params={"programme": "public_rental"}).json()["items"][0]["units"] == 2
    assert api("GET", "/projects/{project_id}", path={"project_id": "H1"}).json()["name"] == "台江公租房"
    units = api("GET", "/units", params={"project_id": "H1", "status": "offered", "page_size": 1}).json()
    assert (units["total"], units["page_size"], len(units["items"])) == (2, 1, 1), units
    [round_] = api("GET", "/rounds", params={"status": "drawn"}).json()["items"]
    offers = api("GET", "/offers", params={"round_id": round_["round_id"],
                                           "respond_by_to": (today() + timedelta(days=7)).isoformat()}).json()
    assert sorted(o["application_id"] for o in offers["items"]) == ["K1", "K2"]
    assert api("GET", "/rounds/{round_id}/offers", path={"round_id": round_["round_id"]}).status_code == 200
    k1 = next(o for o in offers["items"] if o["application_id"] == "K1")
    assert api("GET", "/offers/{offer_id}", path={"offer_id": k1["offer_id"]}).json() == k1
    declined = api("POST", "/offers/{offer_id}/decline", path={"offer_id": k1["offer_id"]}, json={})
    assert declined.json()["next_offer_id"] is not None  # K3 from the waitlist
    api("POST", "/offers/{offer_id}/accept", path={"offer_id": declined.json()["next_offer_id"]}, json={})
    tenancy = api("POST", "/offers/{offer_id}/move-in", path={"offer_id": declined.json()["next_offer_id"]},
                  json={"start": today().isoformat(), "end": (today() + timedelta(days=365)).isoformat()}).json()
    [t] = api("GET", "/tenancies", params={"project_id": "H1", "status": "active"}).json()["items"]
    assert t["tenancy_id"] == tenancy["tenancy_id"]
    api("POST", "/tenancies/{tenancy_id}/violations", path={"tenancy_id": t["tenancy_id"]},
        json={"kind": "idle", "on": today().isoformat()})
    [v] = api("GET", "/violations", params={"tenancy_id": t["tenancy_id"]}).json()["items"]
    assert v["kind"] == "idle"
    complaint = api("POST", "/complaints", json={"project_id": "H1", "category": "repairs", "description": "灯"})
    assert api("GET", "/complaints", params={"status": "open"}).json()["items"][0]["complaint_id"] == \
        complaint.json()["complaint_id"]
    api("POST", "/complaints/{complaint_id}/resolve", path={"complaint_id": complaint.json()["complaint_id"]},
        json={"resolution": "已修"})
    assert api("GET", "/complaints/{complaint_id}", path={"complaint_id": complaint.json()["complaint_id"]}
               ).json()["status"] == "resolved"
    assert api("GET", "/pool", params={"status": "housed"}).json()["total"] == 1
    api("GET", "/tenancies/{tenancy_id}", path={"tenancy_id": t["tenancy_id"]})
    api("GET", "/reports/service")
    api("GET", "/occupancy", params={"by": "category"})
