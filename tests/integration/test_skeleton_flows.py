"""One real event round trip per skeleton service, over the real broker:
assistance → applications (hardship category), finance → notify (public fund-flow board),
allocation (stock.units_added)."""

import requests
from polling import eventually
from sqlalchemy import select

from services.allocation.service import AllocationService
from services.applications import models as app_models
from services.applications.service import ApplicationsService
from services.assistance.service import AssistanceService
from services.common.db import Store
from services.finance.service import FinanceService
from services.notify.service import NotifyService


def test_hardship_registered_reaches_applications(database, service_config, running_service, dev_token):
    apps_url = database("applications")
    running_service(ApplicationsService, service_config("applications", apps_url))
    assistance = running_service(AssistanceService,
                        service_config("assistance", database("assistance")))
    resp = requests.post(f"{assistance.base}/hardship-households", headers=dev_token("district_officer"),
                         json={"id_number": "11010519491231002X", "name": "王五", "category": "sanwu"})
    assert resp.status_code == 201
    ref = resp.json()["person_ref"]
    store = Store(apps_url, app_models.metadata)
    try:
        def category():
            with store.engine.connect() as conn:
                return conn.execute(select(app_models.HardshipStatus.category)
                                    .where(app_models.HardshipStatus.person_ref == ref)).scalar()
        assert eventually(category) == "sanwu"
    finally:
        store.dispose()


def test_fund_receipt_appears_on_public_board(database, service_config, running_service, dev_token,
                                              event_tap):
    notices = event_tap("notify", "notice.published")
    notify = running_service(NotifyService, service_config("notify", database("notify")))
    finance = running_service(FinanceService, service_config("finance", database("finance")))
    body = {"source": "central_subsidy", "amount_fen": 1200000000, "reference": "CZ-2026-001",
            "received_on": "2026-11-20"}
    assert requests.post(f"{finance.base}/fund-receipts", json=body,
                         headers=dev_token("finance_officer")).status_code == 201
    again = requests.post(f"{finance.base}/fund-receipts", json=body, headers=dev_token("finance_officer"))
    assert again.status_code == 409 and "CZ-2026-001" in again.json()["detail"]
    assert notices.get()["data"]["kind"] == "fund_flow"
    board = requests.get(f"{notify.base}/public/notices").json()["notices"]
    assert len(board) == 1 and "12,000,000.00 元" in board[0]["body"] and "中央专项资金" in board[0]["title"]
    assert requests.get(f"{notify.base}/public/notices?limit=0").status_code == 400


def test_units_added_event(database, service_config, running_service, dev_token, event_tap):
    tap = event_tap("allocation", "stock.units_added")
    alloc = running_service(AllocationService, service_config("allocation", database("allocation")))
    officer = dev_token("district_officer")
    project = {"id": "P1", "name": "鼓楼职工公寓", "programme": "staff_apartment",
               "supply_mode": "stock_conversion", "address": "鼓楼区某路1号"}
    assert requests.post(f"{alloc.base}/projects", json=project, headers=officer).status_code == 201
    unit = {"building": "A", "number": "101", "floor": 1, "rooms": 1, "area_tenths": 255, "beds": 4,
            "rent_fen": 45000, "category": "staff_apartment"}
    resp = requests.post(f"{alloc.base}/projects/P1/units", json={"units": [unit]}, headers=officer)
    assert resp.status_code == 201, resp.text
    assert tap.get()["data"] == {"project_id": "P1", "programme": "staff_apartment",
                                 "unit_ids": ["P1-A-101"], "count": 1}
    bad = requests.post(f"{alloc.base}/projects/P1/units",
                        json={"units": [unit, {**unit, "number": "102", "rent_fen": "free"}]}, headers=officer)
    assert bad.status_code == 400 and bad.json()["errors"] == {"units": {"1": {"rent_fen": ["Not a valid integer."]}}}
    dup = requests.post(f"{alloc.base}/projects/P1/units", json={"units": [unit]}, headers=officer)
    assert dup.status_code == 409
    assert requests.post(f"{alloc.base}/projects/NOPE/units", json={"units": [unit]},
                         headers=officer).status_code == 404
