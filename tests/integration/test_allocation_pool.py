"""The pool kept current by applications' events (real broker, SQLite and PostgreSQL):
points changes, withdrawal (a live offer lapses and the unit moves up the waitlist),
revocation (the tenancy ends after the notice period), and the decline suspension."""

from datetime import date, timedelta

import requests
from allocation_helpers import Events, approved, eventually, publish, today

from services.allocation.service import AllocationService
from services.common.clock import Clock


def test_pool_lifecycle(database, service_config, running_service, dev_token, event_tap, rabbit):
    events = Events(event_tap("allocation"))
    config = service_config("allocation", database("allocation"),
                            POLICY={"DECLINES": {"max_declines": 1, "suspension_days": 30},
                                    "REVOCATION_NOTICE_DAYS": 60})
    alloc = running_service(AllocationService, config)
    base, officer, amqp = alloc.base, dev_token("district_officer"), rabbit["AMQP_URI"]
    requests.post(f"{base}/projects", headers=officer, json={
        "id": "Q1", "name": "人才公寓", "programme": "talent_apartment", "supply_mode": "new_build",
        "address": "x"})
    unit = {"building": "B", "floor": 2, "rooms": 1, "area_tenths": 450, "rent_fen": 80000,
            "category": "talent_apartment"}
    requests.post(f"{base}/projects/Q1/units", headers=officer,
                  json={"units": [{**unit, "number": "201"}, {**unit, "number": "202"}]})
    for app_id, pts in (("B1", 800), ("B2", 700), ("B3", 600)):
        publish(amqp, "applications", "application.approved",
                approved(app_id, points_tenths=pts, size=2, prefs=["Q1"], programme="talent_apartment"))

    def pool():
        return {e["application_id"]: e for e in requests.get(
            f"{base}/pool?programme=talent_apartment", headers=officer).json()["entries"]}

    assert eventually(lambda: len(pool()) == 3)
    publish(amqp, "applications", "application.points_changed", {
        "policy_version": 2, "reason": "hardship_registered", "changes": [
            {"application_id": "B3", "person_ref": "pref-B3", "points": "65.5", "points_tenths": 655,
             "priority_groups": ["hardship"]},
            {"application_id": "ZZ", "person_ref": "pref-ZZ", "points": "1.0", "points_tenths": 10,
             "priority_groups": []}]})
    assert eventually(lambda: pool()["B3"]["points_tenths"] == 655)
    assert pool()["B3"]["priority_groups"] == ["hardship"]

    rid = requests.post(f"{base}/rounds", headers=officer, json={
        "programme": "talent_apartment", "unit_ids": ["Q1-B-201", "Q1-B-202"],
        "public_value_source": "体彩排列3 of today", "draw_date": today().isoformat()}).json()["round_id"]
    assert requests.post(f"{base}/rounds/{rid}/draw", headers=officer,
                         json={"public_values": ["4 4 9"]}).status_code == 200
    offered = {o["application_id"]: o for o in events.wait("allocation.offered", 2)}
    assert set(offered) == {"B1", "B2"}

    # B2 withdraws: the offer lapses and the unit goes to B3 (waitlist)
    publish(amqp, "applications", "application.withdrawn",
            {"application_id": "B2", "person_ref": "pref-B2", "programme": "talent_apartment",
             "withdrawn_at": "2026-11-24T02:00:00Z"})
    promoted = events.wait("allocation.offered", 3)[2]
    assert promoted["application_id"] == "B3" and promoted["unit_id"] == offered["B2"]["unit_id"]
    assert requests.get(f"{base}/offers/{offered['B2']['offer_id']}", headers=officer).json()["status"] == "withdrawn"
    assert pool()["B2"]["status"] == "withdrawn"

    # B3 declines: with max_declines 1 that suspends them for 30 days
    on = today()
    declined = requests.post(f"{base}/offers/{promoted['offer_id']}/decline", headers=officer,
                             json={"on": on.isoformat()}).json()
    assert declined["suspended_until"] == (on + timedelta(days=30)).isoformat()
    assert pool()["B3"]["suspended_until"] == declined["suspended_until"] and pool()["B3"]["declines"] == 0

    # B1 moves in, then loses eligibility: the tenancy ends after the 60-day notice
    b1 = offered["B1"]["offer_id"]
    requests.post(f"{base}/offers/{b1}/accept", headers=officer, json={})
    tid = requests.post(f"{base}/offers/{b1}/move-in", headers=officer,
                        json={"start": today().isoformat(),
                              "end": (today() + timedelta(days=729)).isoformat()}).json()["tenancy_id"]
    assert pool()["B1"]["status"] == "housed"
    publish(amqp, "applications", "eligibility.revoked",
            {"application_id": "B1", "person_ref": "pref-B1", "programme": "talent_apartment",
             "reasons": ["income_over_limit"], "revoked_at": "2027-03-01T01:00:00Z"})
    notice_end = date(2027, 3, 1) + timedelta(days=60)
    assert eventually(lambda: requests.get(f"{base}/tenancies/{tid}", headers=officer)
                      .json()["notice_end_on"] == notice_end.isoformat())
    # a run is for today or a past day (issue 11 item 8's rule, applied to notices): move the
    # service's clock to the notice's last day
    ahead = requests.post(f"{base}/admin/tenancies/process-notices", headers=officer,
                          json={"on": notice_end.isoformat()})
    assert ahead.status_code == 422 and list(ahead.json()["errors"]) == ["on"]
    next(d for d in alloc.dependencies if isinstance(d, Clock)).advance(days=max(0, (notice_end - today()).days))
    early = requests.post(f"{base}/admin/tenancies/process-notices", headers=officer,
                          json={"on": (notice_end - timedelta(days=1)).isoformat()}).json()
    assert early["ended"] == {"revocation": 0, "contract_end": 0}
    done = requests.post(f"{base}/admin/tenancies/process-notices", headers=officer,
                         json={"on": notice_end.isoformat()}).json()
    assert done["ended"] == {"revocation": 1, "contract_end": 0}
    ended = events.wait("tenancy.ended")[0]
    assert ended == {"tenancy_id": tid, "application_id": "B1", "person_ref": "pref-B1",
                     "unit_id": offered["B1"]["unit_id"], "ended_on": notice_end.isoformat(),
                     "reason": "revocation"}
    assert pool()["B1"]["status"] == "revoked"


def test_applicant_gone_before_the_draw_frees_their_unit_for_the_waitlist(
        database, service_config, running_service, dev_token, event_tap, rabbit):
    """The frozen snapshot still ranks C1 (so the published computation is reproducible), but
    C1 withdrew after the round opened: their unit goes straight to the next who fits."""
    events = Events(event_tap("allocation"))
    alloc = running_service(AllocationService, service_config("allocation", database("allocation")))
    base, officer, amqp = alloc.base, dev_token("district_officer"), rabbit["AMQP_URI"]
    requests.post(f"{base}/projects", headers=officer, json={
        "id": "W1", "name": "公租房", "programme": "public_rental", "supply_mode": "new_build", "address": "x"})
    requests.post(f"{base}/projects/W1/units", headers=officer, json={"units": [
        {"building": "A", "number": "101", "floor": 1, "rooms": 2, "area_tenths": 600, "rent_fen": 90000,
         "category": "public_rental"}]})
    for app_id, pts in (("C1", 900), ("C2", 500)):
        publish(amqp, "applications", "application.approved",
                approved(app_id, points_tenths=pts, size=2, prefs=["W1"]))
    assert eventually(lambda: requests.get(f"{base}/pool?programme=public_rental",
                                           headers=officer).json()["total"] == 2)
    rid = requests.post(f"{base}/rounds", headers=officer, json={
        "programme": "public_rental", "unit_ids": ["W1-A-101"], "public_value_source": "体彩排列3 of today",
        "draw_date": today().isoformat()}).json()["round_id"]
    publish(amqp, "applications", "application.withdrawn",
            {"application_id": "C1", "person_ref": "pref-C1", "programme": "public_rental",
             "withdrawn_at": "2026-11-24T02:00:00Z"})
    assert eventually(lambda: requests.get(f"{base}/pool?programme=public_rental&status=withdrawn",
                                           headers=officer).json()["total"] == 1)
    drawn = requests.post(f"{base}/rounds/{rid}/draw", headers=officer, json={"public_values": ["1 2 3"]})
    assert drawn.status_code == 200 and drawn.json()["matched"] == 1
    [offer] = events.wait("allocation.offered", 1)
    assert offer["application_id"] == "C2" and offer["unit_id"] == "W1-A-101"
