"""Review levels over HTTP on both databases, migrated: a level returns a case for correction,
the requester corrects it, the chain starts again at level 1 under the policy version in force;
each decision is on the case and in the audit trail."""

import requests
from allocation_helpers import today

from services.assistance.service import AssistanceService

YEAR = today().year


def test_return_correct_and_approve_over_http(database, service_config, running_service, dev_token):
    config = service_config("assistance", database("assistance"))
    config["RELIEF_APPROVAL_POLICY_VERSION"] = "2026-b"
    base = running_service(AssistanceService, config).base
    u1, u2, u3 = (dev_token("district_officer", subject=s) for s in ("u1", "u2", "u3"))
    h = requests.post(f"{base}/hardship-households", json={"id_number": "11010519491231002X", "name": "李四",
                                                           "category": "dibao"}, headers=u1, timeout=10).json()
    requests.put(f"{base}/relief-budgets/{YEAR}/cash", json={"total_fen": 10**7}, headers=u1, timeout=10)
    case = requests.post(f"{base}/relief-cases", json={"household_id": h["household_id"], "kind": "cash",
                                                       "reason": "大病", "amount_fen": 300_000},
                         headers=u1, timeout=10).json()
    cid = case["relief_id"]
    assert (case["level"], case["approvals_needed"], case["policy_version"]) == (1, 2, "2026-b")
    assert requests.post(f"{base}/relief-cases/{cid}/approvals", json={}, headers=u2, timeout=10).json()["level"] == 2
    back = requests.post(f"{base}/relief-cases/{cid}/return", json={"reason": "请补充病历"}, headers=u3, timeout=10)
    assert back.status_code == 200 and back.json()["status"] == "returned"
    assert [(v["level"], v["decision"]) for v in back.json()["reviews"]] == [(1, "pass"), (2, "return")]
    not_mine = requests.post(f"{base}/relief-cases/{cid}/correction", json={"reason": "补"}, headers=u2, timeout=10)
    assert not_mine.status_code == 409 and list(not_mine.json()["errors"]) == ["officer"]
    bad = requests.post(f"{base}/relief-cases/{cid}/correction", json={"reason": "补", "amount_fen": -1},
                        headers=u1, timeout=10)
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["amount_fen"]
    fixed = requests.post(f"{base}/relief-cases/{cid}/correction",
                          json={"reason": "已补病历，核减", "amount_fen": 150_000}, headers=u1, timeout=10)
    assert fixed.status_code == 200, fixed.text
    assert (fixed.json()["status"], fixed.json()["level"], fixed.json()["approvals_needed"]) == ("requested", 1, 1)
    done = requests.post(f"{base}/relief-cases/{cid}/approvals", json={}, headers=u3, timeout=10)
    assert done.json()["status"] == "approved"
    trail = requests.get(f"{base}/audit-trail?entity=relief_case&entity_id={cid}", headers=dev_token("auditor"),
                         timeout=10).json()["items"]
    assert [e["action"] for e in trail] == ["requested", "passed_level", "returned", "corrected", "approved"]
    assert trail[3]["changes"]["amount_fen"] == {"from": 300_000, "to": 150_000}
    assert trail[2]["reason"] == "请补充病历"
