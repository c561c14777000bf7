"""Moving a running copy's clock from outside (POST /admin/clock): only a copy whose config says
CLOCK_ADJUSTABLE may be moved (409 otherwise, and nothing moves), only forward, only by a
district officer; and the move is the business time every entrypoint reads — a notice that
ends in seven days closes after a seven-day move, with no sleeping."""

from __future__ import annotations

from applications_helpers import start


def _sqlite(tmp_path):
    from services.common.migrations import upgrade

    url = f"sqlite:///{tmp_path}/applications.db"
    upgrade("applications", url)
    return url


def test_a_copy_not_configured_adjustable_refuses_to_move(tmp_path, running_service, service_config, dev_token):
    api = start(running_service, service_config, dev_token, _sqlite(tmp_path))
    before = api.call("GET", "/admin/clock", api.do).json()
    assert before["adjustable"] is False and before["offset_seconds"] == 0
    refused = api.call("POST", "/admin/clock", api.do, json={"advance_seconds": 86400})
    assert refused.status_code == 409 and "CLOCK_ADJUSTABLE is off" in refused.json()["detail"]
    assert api.call("GET", "/admin/clock", api.do).json()["offset_seconds"] == 0
    assert api.clock().offset.total_seconds() == 0


def test_an_adjustable_copy_moves_the_time_its_use_cases_read(tmp_path, running_service, service_config, dev_token):
    api = start(running_service, service_config, dev_token, _sqlite(tmp_path), CLOCK_ADJUSTABLE="true",
                NOTICE_DAYS=7, NOTICE_CLOSE_INTERVAL_SECONDS=3600)
    app_id = api.to_notice()
    assert api.call("POST", "/admin/notices/close", api.do).json()["count"] == 0
    assert api.call("POST", "/admin/clock", api.eo, json={"advance_seconds": 86400}).status_code == 403
    assert api.call("POST", "/admin/clock", api.do, json={"advance_seconds": -5}).status_code == 400
    moved = api.call("POST", "/admin/clock", api.do, json={"advance_seconds": 8 * 86400})
    assert moved.status_code == 200, moved.text
    assert moved.json()["adjustable"] is True and moved.json()["offset_seconds"] == 8 * 86400
    closed = api.call("POST", "/admin/notices/close", api.do).json()
    assert closed["count"] == 1 and api.get(app_id)["state"] == "approved"
