"""The audit trail on both databases, migrated: auditors read who changed what over HTTP and
cannot write; the database itself refuses UPDATE and DELETE of an entry (the migration's
triggers, not only the models')."""

import pytest
import requests
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from services.assistance.service import AssistanceService

ID = "11010519491231002X"


def test_auditors_read_the_history_and_the_database_keeps_it(database, service_config, running_service,
                                                             dev_token, store_for):
    base = running_service(AssistanceService, service_config("assistance", database("assistance"))).base
    officer, auditor = dev_token("district_officer", subject="u1"), dev_token("auditor")
    h = requests.post(f"{base}/hardship-households", json={"id_number": ID, "name": "李四", "category": "dibao"},
                      headers=officer, timeout=10).json()
    closed = requests.post(f"{base}/hardship-households/{h['household_id']}/closing", json={"reason": "recovered"},
                           headers=officer, timeout=10)
    assert closed.status_code == 200
    page = requests.get(f"{base}/audit-trail?entity=household&entity_id={h['household_id']}", headers=auditor,
                        timeout=10)
    assert page.status_code == 200, page.text
    items = page.json()["items"]
    assert [(i["action"], i["actor"], i["role"]) for i in items] == [
        ("registered", "district_officer:u1", "district_officer"), ("closed", "district_officer:u1",
                                                                    "district_officer")]
    assert items[1]["changes"]["status"] == {"from": "active", "to": "closed"} and items[1]["reason"] == "recovered"
    assert items[0]["at"].endswith("Z") and ID not in page.text and "李四" not in page.text
    # the auditor reads, never writes
    assert requests.post(f"{base}/hardship-households", json={"id_number": ID, "name": "李四", "category": "dibao"},
                         headers=auditor, timeout=10).status_code == 403
    assert requests.get(f"{base}/audit-trail?entity=nonsense", headers=auditor, timeout=10).status_code == 400


@pytest.mark.parametrize("statement", ["UPDATE audit_entries SET reason = 'rewritten'", "DELETE FROM audit_entries"])
def test_the_migrated_database_refuses_to_change_an_entry(store_for, statement):
    store = store_for("assistance")
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_entries (entity, entity_id, action, actor, role, at, changes) "
                          "VALUES ('household', 'h1', 'registered', 'district_officer:u1', 'district_officer', "
                          "'2026-11-30 08:00:00+00:00', '{}')"))
    with pytest.raises(DatabaseError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(statement))
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*), max(reason) FROM audit_entries")).one() == (1, None)


def test_the_years_report_for_auditors_aggregates_only(database, service_config, running_service, dev_token):
    from allocation_helpers import today

    year = today().year
    base = running_service(AssistanceService, service_config("assistance", database("assistance"))).base
    u1, u2 = dev_token("district_officer", subject="u1"), dev_token("district_officer", subject="u2")
    h = requests.post(f"{base}/hardship-households", json={"id_number": ID, "name": "李四", "category": "dibao"},
                      headers=u1, timeout=10).json()
    requests.put(f"{base}/relief-budgets/{year}/cash", json={"total_fen": 500_000}, headers=u1, timeout=10)
    case = requests.post(f"{base}/relief-cases", json={"household_id": h["household_id"], "kind": "cash",
                                                       "reason": "大病", "amount_fen": 120_000},
                         headers=u1, timeout=10).json()
    assert requests.post(f"{base}/relief-cases/{case['relief_id']}/approvals", json={}, headers=u2,
                         timeout=10).json()["status"] == "approved"
    r = requests.get(f"{base}/reports/relief/{year}", headers=dev_token("auditor"), timeout=10)
    assert r.status_code == 200, r.text
    report = r.json()
    assert [(x["category"], x["kind"], x["cases"], x["amount_fen"]) for x in report["relief"]] == [
        ("dibao", "cash", 1, 120_000)]
    assert report["households_helped"] == 1 and 0 <= report["median_approval_seconds"] < 60
    assert report["budgets"] == [{"kind": "cash", "total_fen": 500_000, "used_fen": 120_000,
                                  "remaining_fen": 380_000}]
    assert h["household_id"] not in r.text and h["person_ref"] not in r.text and "李" not in r.text
    assert requests.get(f"{base}/reports/relief/1999", headers=u1, timeout=10).status_code == 404
