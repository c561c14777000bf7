"""The allocation flow on the real broker, SQLite and PostgreSQL: approved applications flow
in from `applications.events`; a round opens (commitment), draws (reveal, offers), an
acceptance leads to `tenancy.started`, a decline promotes the waitlist, `rent.overdue` from
finance leads to a violation; the export verifies with `anju verify-round`."""

import hashlib
import json
from datetime import timedelta

import pytest
import requests
from allocation_helpers import Events, approved, eventually, publish, today

from services.allocation.domain.lottery import final_seed
from services.allocation.service import AllocationService
from services.cli import main as anju
from services.common.clock import Clock

PUBLIC = ["福彩3D 2026-12-01: 3 8 1", "witness 王*: 7741"]


def _stock(base, officer):
    project = {"id": "P1", "name": "鼓楼公租房", "programme": "public_rental",
               "supply_mode": "government_enterprise", "address": "鼓楼区某路2号"}
    assert requests.post(f"{base}/projects", json=project, headers=officer).status_code == 201
    unit = {"building": "A", "floor": 3, "beds": 0, "rent_fen": 120000, "category": "public_rental"}
    units = [{**unit, "number": "301", "rooms": 2, "area_tenths": 700},   # capacity 4
             {**unit, "number": "302", "rooms": 1, "area_tenths": 400},   # capacity 2
             {**unit, "number": "303", "rooms": 1, "area_tenths": 420}]   # capacity 2
    assert requests.post(f"{base}/projects/P1/units", json={"units": units}, headers=officer).status_code == 201


def _pool(rabbit, base, officer):
    # A5 (5 persons) fits no unit; A3 is a frontline worker (1 quota seat of 3 at 34 %).
    for app_id, pts, size, groups in [("A1", 900, 3, ()), ("A2", 800, 2, ()), ("A3", 700, 2, ("frontline",)),
                                      ("A4", 600, 2, ()), ("A5", 950, 5, ())]:
        publish(rabbit["AMQP_URI"], "applications", "application.approved",
                approved(app_id, points_tenths=pts, size=size, prefs=["P1"], groups=groups))
    publish(rabbit["AMQP_URI"], "applications", "application.approved",
            approved("S1", points_tenths=990, size=1, prefs=["staff_apartment"], programme="staff_apartment"))

    def pooled():
        body = requests.get(f"{base}/pool?programme=public_rental", headers=officer).json()
        return body if body["total"] == 5 else None

    return eventually(pooled)


@pytest.fixture
def drawn(database, service_config, running_service, dev_token, event_tap, rabbit):
    events = Events(event_tap("allocation"))
    alloc = running_service(AllocationService, service_config("allocation", database("allocation")))
    officer = dev_token("district_officer")
    _stock(alloc.base, officer)
    pool = _pool(rabbit, alloc.base, officer)
    assert pool, "approved applications did not reach the pool"
    assert [e["application_id"] for e in pool["entries"]] == ["A5", "A1", "A2", "A3", "A4"]
    assert pool["entries"][0]["breakdown"]["policy_version"] == 1 and "name" not in pool["entries"][0]

    body = {"programme": "public_rental", "project_ids": ["P1"], "quotas": {"frontline": 34},
            "public_value_source": "福彩3D draw of 2026-12-01, plus witnesses at the meeting",
            "draw_date": today().isoformat(), "respond_days": 7}
    resp = requests.post(f"{alloc.base}/rounds", json=body, headers=officer)
    assert resp.status_code == 201, resp.text
    round_ = resp.json()
    opened = events.wait("round.opened")[0]
    assert opened["commitment"] == round_["commitment"] and opened["pool_size"] == 5
    assert opened["unit_count"] == 3 and opened["quota_seats"] == {"frontline": 1}
    assert "secret_hex" not in round_ and "secret" not in json.dumps(opened)
    got = requests.get(f"{alloc.base}/rounds/{round_['round_id']}", headers=officer).json()
    assert "secret_hex" not in got and got["status"] == "opened"
    early = requests.get(f"{alloc.base}/rounds/{round_['round_id']}/export", headers=officer)
    assert early.status_code == 409 and "secret" not in early.text.replace("reveals the secret", "")
    overlap = requests.post(f"{alloc.base}/rounds", json=body, headers=officer)
    assert overlap.status_code == 409 and "another open round" in overlap.json()["detail"]
    return alloc, officer, events, round_, rabbit


def test_round_draw_offers_accept_move_in_violation(drawn, tmp_path, capsys):
    alloc, officer, events, round_, rabbit = drawn
    rid, base = round_["round_id"], alloc.base

    wrong = requests.post(f"{base}/rounds/{rid}/draw", headers=officer,
                          json={"public_values": PUBLIC, "secret_hex": "00" * 32})
    assert wrong.status_code == 422 and "commitment" in wrong.json()["detail"]
    assert requests.get(f"{base}/rounds/{rid}", headers=officer).json()["status"] == "opened"
    assert requests.post(f"{base}/rounds/{rid}/draw", headers=officer,
                         json={"public_values": []}).status_code == 400

    resp = requests.post(f"{base}/rounds/{rid}/draw", headers=officer, json={"public_values": PUBLIC})
    assert resp.status_code == 200, resp.text
    again = requests.post(f"{base}/rounds/{rid}/draw", headers=officer, json={"public_values": PUBLIC})
    assert again.status_code == 409
    reopen = requests.post(f"{base}/rounds/{rid}/draw", headers=officer, json={"public_values": ["other"]})
    assert reopen.status_code == 409

    drawn_ev = events.wait("round.drawn")[0]
    secret = bytes.fromhex(drawn_ev["secret_hex"])
    assert hashlib.sha256(secret).hexdigest() == round_["commitment"]
    assert drawn_ev["seed_hex"] == final_seed(secret, PUBLIC).hex()
    assert drawn_ev["public_values"] == PUBLIC and "SHA-256" in drawn_ev["combination_rule"]
    assert (drawn_ev["matched"], drawn_ev["waitlisted"]) == (3, 2)

    offered = {o["application_id"]: o for o in events.wait("allocation.offered", 3)}
    assert set(offered) == {"A1", "A2", "A3"}
    assert offered["A1"]["unit_id"] == "P1-A-301"           # the only unit for 3 persons
    assert offered["A3"]["seat"] == "frontline" and offered["A3"]["unit_id"] == "P1-A-302"
    assert offered["A2"]["unit_id"] == "P1-A-303" and offered["A2"]["person_ref"] == "pref-A2"
    units = requests.get(f"{base}/projects/P1/units?status=offered", headers=officer).json()["units"]
    assert len(units) == 3

    export = requests.get(f"{base}/rounds/{rid}/export", headers=officer).json()
    assert export["results_digest"] == drawn_ev["results_digest"]
    assert export["snapshot_digest"] == events.wait("round.opened")[0]["snapshot_digest"]
    assert export["seed"]["final_seed_hex"] == drawn_ev["seed_hex"]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as ok:
        anju(["verify-round", str(path)])
    assert ok.value.code == 0 and capsys.readouterr().out.startswith("MATCH")
    export["results"]["matches"][0][1], export["results"]["matches"][1][1] = (
        export["results"]["matches"][1][1], export["results"]["matches"][0][1])
    export["results_digest"] = hashlib.sha256(json.dumps(
        export["results"], sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as bad:
        anju(["verify-round", str(path)])
    out = capsys.readouterr().out
    assert bad.value.code == 1 and out.startswith("MISMATCH: rank ") and "recomputed" in out
    export["pool"][-1]["household_size"] = 1  # a pool changed after the round opened
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as changed:
        anju(["verify-round", str(path)])
    assert changed.value.code == 1 and "snapshot committed when the round opened" in capsys.readouterr().out

    # accept → reserved → move-in → tenancy.started
    a1 = offered["A1"]["offer_id"]
    assert requests.post(f"{base}/offers/{a1}/accept", headers=officer, json={}).status_code == 200
    assert requests.post(f"{base}/offers/{a1}/accept", headers=officer, json={}).status_code == 409
    assert events.wait("allocation.accepted")[0]["unit_id"] == "P1-A-301"
    bad_dates = requests.post(f"{base}/offers/{a1}/move-in", headers=officer,
                              json={"start": "2026-12-01", "end": "2026-11-01"})
    assert bad_dates.status_code == 400 and "end" in bad_dates.json()["errors"]
    start, end = today(), today() + timedelta(days=3 * 365)
    moved = requests.post(f"{base}/offers/{a1}/move-in", headers=officer,
                          json={"start": start.isoformat(), "end": end.isoformat()})
    assert moved.status_code == 201, moved.text
    started = events.wait("tenancy.started")[0]
    assert started == {"tenancy_id": moved.json()["tenancy_id"], "application_id": "A1",
                       "person_ref": "pref-A1", "unit_id": "P1-A-301", "project_id": "P1",
                       "start": start.isoformat(), "end": end.isoformat(), "rent_fen": 120000}
    tid = started["tenancy_id"]

    # rent.overdue from finance: below the threshold nothing, past it one violation per period
    for days in (30, 95, 120):
        publish(rabbit["AMQP_URI"], "finance", "rent.overdue",
                {"tenancy_id": tid, "person_ref": "pref-A1", "period": "2027-01", "amount_fen": 120000,
                 "days_overdue": days})
    violation = events.wait("violation.recorded")[0]
    assert violation["kind"] == "rent_arrears" and violation["points"] == "4.0"
    assert violation["tenancy_id"] == tid and not violation["threshold_crossed"]
    # dated after today or before the tenancy: refused naming on (issue 11 item 1 changed this
    # test's date from 2027-02-01, a future day, to today)
    for on in ((today() + timedelta(days=1)).isoformat(), "2020-01-01"):
        refused = requests.post(f"{base}/tenancies/{tid}/violations", headers=officer,
                                json={"kind": "subletting", "note": "转租", "on": on})
        assert refused.status_code == 422 and list(refused.json()["errors"]) == ["on"], refused.text
    staff = requests.post(f"{base}/tenancies/{tid}/violations", headers=officer,
                          json={"kind": "subletting", "note": "转租", "on": today().isoformat()})
    assert staff.status_code == 201 and staff.json()["termination_open"] is True
    crossed = events.wait("violation.recorded", 2)[1]
    assert crossed["threshold_crossed"] and crossed["total_points"] == "16.0"
    assert len(events.seen["violation.recorded"]) == 2  # the 120-day reminder did not double it
    assert requests.get(f"{base}/tenancies/{tid}", headers=officer).json()["termination_open"] is True
    # a move-out in the future is refused (issue 11 item 2 changed this test's date from
    # 2027-03-01 to today); the reply is the state stored
    ahead = requests.post(f"{base}/tenancies/{tid}/move-out", headers=officer,
                          json={"reason": "violations", "on": (today() + timedelta(days=1)).isoformat()})
    assert ahead.status_code == 422 and list(ahead.json()["errors"]) == ["on"]
    assert requests.get(f"{base}/tenancies/{tid}", headers=officer).json()["status"] == "active"
    out = requests.post(f"{base}/tenancies/{tid}/move-out", headers=officer,
                        json={"reason": "violations", "on": today().isoformat()})
    assert out.status_code == 200
    assert out.json() == requests.get(f"{base}/tenancies/{tid}", headers=officer).json()
    assert (out.json()["status"], out.json()["ended_on"]) == ("ended", today().isoformat())
    assert events.wait("tenancy.ended")[0]["reason"] == "violations"
    occ = requests.get(f"{base}/occupancy?by=project", headers=officer).json()["groups"][0]
    # the freed unit went to the waitlist (轮候递补): A5's 5 persons do not fit it, A4 gets it, once
    promoted = events.wait("allocation.offered", 4)[3]
    assert (promoted["application_id"], promoted["unit_id"], promoted["source"]) == (
        "A4", out.json()["unit_id"], "waitlist")
    assert occ["project"] == "P1" and occ["vacant"] == 0 and occ["offered"] == 3
    with pytest.raises(AssertionError):  # and no second offer of it
        events.wait("allocation.offered", 5, timeout=1.0)


def test_decline_promotes_waitlist_and_expiry(drawn):
    alloc, officer, events, round_, _ = drawn
    rid, base = round_["round_id"], alloc.base
    assert requests.post(f"{base}/rounds/{rid}/draw", headers=officer,
                         json={"public_values": PUBLIC}).status_code == 200
    offered = {o["application_id"]: o for o in events.wait("allocation.offered", 3)}
    resp = requests.post(f"{base}/offers/{offered['A2']['offer_id']}/decline", headers=officer, json={})
    assert resp.status_code == 200 and resp.json()["declines"] == 1
    declined = events.wait("allocation.declined")[0]
    assert declined["application_id"] == "A2" and declined["suspended_until"] is None
    # A5 is first on the waitlist but 5 persons do not fit a 1-room unit: A4 gets it.
    promoted = events.wait("allocation.offered", 4)[3]
    assert promoted["application_id"] == "A4" and promoted["unit_id"] == offered["A2"]["unit_id"]
    assert promoted["source"] == "waitlist" and resp.json()["next_offer_id"] == promoted["offer_id"]

    # expiry is never run for a future day (issue 11 item 8: this test expired with
    # {"on": "2099-01-01"}); eight days later the offers have lapsed
    ahead = requests.post(f"{base}/admin/offers/expire", headers=officer, json={"on": "2099-01-01"})
    assert ahead.status_code == 422 and list(ahead.json()["errors"]) == ["on"]
    next(d for d in alloc.dependencies if isinstance(d, Clock)).advance(days=8)
    # nobody left who fits: an expiry frees the unit and it stays vacant
    expire = requests.post(f"{base}/admin/offers/expire", headers=officer, json={})
    assert expire.status_code == 200 and expire.json()["expired"] == 3
    expired = events.wait("allocation.expired", 3)
    assert {e["application_id"] for e in expired} == {"A1", "A3", "A4"}
    assert all(e["declines"] == 1 for e in expired if e["application_id"] != "A4")
    vacant = requests.get(f"{base}/projects/P1/units?status=vacant", headers=officer).json()["units"]
    assert len(vacant) == 3
    pool = {e["application_id"]: e for e in
            requests.get(f"{base}/pool?programme=public_rental", headers=officer).json()["entries"]}
    assert pool["A4"]["declines"] == 1 and pool["A4"]["suspended_until"] is None
