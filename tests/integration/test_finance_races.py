"""Concurrent requests against one running finance service (real HTTP, real database —
PostgreSQL is the case that matters; SQLite serialises writers anyway): over-committing
disbursement requests, two checkers approving one request, one idempotency id sent twice at
once. The chain-head lock orders them; the fund never goes below zero."""

import eventlet
from finance_helpers import start_finance


def _together(calls):
    """Start every call at once (green threads: the requests are in flight together)."""
    pool = eventlet.GreenPool(len(calls))
    threads = [pool.spawn(call) for call in calls]
    return [t.wait() for t in threads]


def _request(finance, amount, **extra):
    body = {"source": "finance_bureau", "project_id": "P1", "amount_fen": amount, "purpose": "工程款", **extra}
    return lambda: finance.post("/disbursement-requests", body)


def test_of_two_over_committing_requests_exactly_one_wins(database, service_config, running_service, dev_token):
    finance = start_finance(running_service, service_config, database, dev_token)
    finance.receipt(100_000)
    assert finance.put("/projects/P1/budget", {"amount_fen": 10**9}).status_code == 200
    replies = _together([_request(finance, 60_000), _request(finance, 60_000)])
    assert sorted(r.status_code for r in replies) == [201, 422]
    loser = next(r for r in replies if r.status_code == 422).json()
    assert "amount_fen" in loser["errors"] and "would go below zero" in loser["detail"]
    [fund] = finance.get("/funds").json()["funds"]
    assert (fund["available_fen"], fund["held_fen"]) == (40_000, 60_000)

    replies = _together([_request(finance, 15_000) for _ in range(6)])  # 40,000 left: only two fit
    assert sorted(r.status_code for r in replies) == [201, 201, 422, 422, 422, 422]
    [fund] = finance.get("/funds").json()["funds"]
    assert (fund["available_fen"], fund["held_fen"]) == (10_000, 90_000)
    assert finance.get("/ledger/verify", who=finance.auditor).json()["status"] == "OK"


def test_two_checkers_approving_at_once_post_it_once(database, service_config, running_service, dev_token):
    finance = start_finance(running_service, service_config, database, dev_token)
    finance.receipt(100_000)
    assert finance.put("/projects/P1/budget", {"amount_fen": 10**9}).status_code == 200
    rid = _request(finance, 50_000)().json()["request_id"]
    zhou = dev_token("finance_officer", subject="zhou")
    replies = _together([lambda: finance.post(f"/disbursement-requests/{rid}/approve", who=finance.li),
                         lambda: finance.post(f"/disbursement-requests/{rid}/approve", who=zhou),
                         lambda: finance.post(f"/disbursement-requests/{rid}/reject", {"reason": "no"}, who=zhou)])
    assert sorted(r.status_code for r in replies) == [200, 409, 409]
    assert finance.get("/journal-entries?kind=disbursement").json()["total"] \
        + finance.get("/journal-entries?kind=release").json()["total"] == 1


def test_one_idempotency_id_sent_twice_at_once_holds_once(database, service_config, running_service, dev_token):
    finance = start_finance(running_service, service_config, database, dev_token)
    finance.receipt(100_000)
    assert finance.put("/projects/P1/budget", {"amount_fen": 10**9}).status_code == 200
    replies = _together([_request(finance, 30_000, idempotency_id="req-77")] * 2)
    assert sorted(r.status_code for r in replies) == [200, 201]
    assert replies[0].json()["request_id"] == replies[1].json()["request_id"]
    assert finance.get("/funds").json()["funds"][0]["held_fen"] == 30_000
