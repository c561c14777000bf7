"""The hardship registry on both databases and the real broker: one active household per
person (a second registration, also a racing one, is a 409 naming the first), lists that find
every household again, and the migration that settles duplicates registered before the rule."""

import eventlet
import requests
from sqlalchemy import create_engine, text

from services.assistance.service import AssistanceService
from services.common.migrations import downgrade, upgrade

ID = "11010519491231002X"
BODY = {"id_number": ID, "name": "李四", "category": "dibao"}


def test_a_person_is_registered_once_and_found_again(database, service_config, running_service, dev_token,
                                                     event_tap):
    tap = event_tap("assistance", "hardship.registered")
    base = running_service(AssistanceService, service_config("assistance", database("assistance"))).base
    officer = dev_token("district_officer")
    first = requests.post(f"{base}/hardship-households", json=BODY, headers=officer)
    again = requests.post(f"{base}/hardship-households", json={**BODY, "id_number": ID.lower(), "name": "李 四"},
                          headers=officer)
    assert first.status_code == 201 and again.status_code == 409
    household_id = first.json()["household_id"]
    assert household_id in again.json()["detail"] and list(again.json()["errors"]) == ["id_number"]
    assert tap.get()["data"]["household_id"] == household_id
    assert tap.drain(settle=0.3) == []  # one event, for the one household

    listed = requests.get(f"{base}/hardship-households?category=dibao", headers=dev_token("auditor")).json()
    assert listed["total"] == 1 and listed["items"][0]["name"] == "李*" and listed["items"][0]["masked"]
    one = requests.get(f"{base}/hardship-households/{household_id}", headers=officer).json()
    assert (one["name"], one["id_number"], one["registered_at"][-1]) == ("李四", ID, "Z")
    assert requests.get(f"{base}/hardship-households?page_size=100000", headers=officer).status_code == 400


def test_two_racing_registrations_of_one_person_give_one_household(database, service_config, running_service,
                                                                   dev_token):
    base = running_service(AssistanceService, service_config("assistance", database("assistance"))).base
    officer = dev_token("district_officer")
    pool = eventlet.GreenPool()
    statuses = sorted(pool.imap(lambda _: requests.post(f"{base}/hardship-households", json=BODY,
                                                        headers=officer).status_code, range(6)))
    assert statuses == [201, 409, 409, 409, 409, 409]
    assert requests.get(f"{base}/hardship-households", headers=officer).json()["total"] == 1


def test_the_migration_keeps_the_earliest_of_existing_duplicates_active(database):
    url = database("assistance")
    downgrade("assistance", url, "0001")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))
    try:
        with engine.begin() as conn:
            for hid, at in (("h2", "2026-02-01"), ("h1", "2026-01-01"), ("h3", "2026-03-01")):
                conn.execute(text("INSERT INTO hardship_households (id, person_ref, name, id_number, name_masked, "
                                  "category, status, registered_by, registered_at) VALUES (:id, 'p_same', '李四', "
                                  f"'{ID}', '李*', 'dibao', 'active', 'x', :at)"),
                             {"id": hid, "at": at + " 00:00:00+00"})
        upgrade("assistance", url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, status, active_person_ref FROM hardship_households ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [("h1", "active", "p_same"), ("h2", "merged", None), ("h3", "merged", None)]
    finally:
        engine.dispose()
