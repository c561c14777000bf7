"""Helpers of allocation's use-case tests (imported by test_alloc_uc_*.py and conftest.py):
fixed instants, and the scenario most tests start from (hand-checked, as in the integration
flow): project P1 with three public-rental units, and five approved applicants who all asked
for P1.

    unit       rooms  area   capacity (2 per room)
    P1-A-301   2      70.0   4
    P1-A-302   1      40.0   2
    P1-A-303   1      42.0   2

    applicant  points  persons   drawn (distinct points: the lottery key decides no tie)
    A5         95.0    5         fits no unit → waitlist 1
    A1         90.0    3         P1-A-301 (the only unit for 3)
    A2         80.0    2         P1-A-302 (the smallest unit that fits: 40.0 m² before 42.0)
    A3         70.0    2         P1-A-303
    A4         60.0    2         waitlist 2
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import select

from services.allocation import models, rounds
from services.allocation.domain.fit import FitPolicy
from services.allocation.domain.offers import DeclinePolicy
from services.allocation.service import AllocationService  # noqa: F401 - registers contracts and errors
from services.common.clock import Calendar

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 on 1 December in the district
ON = date(2026, 12, 1)
CALENDAR = Calendar()  # Asia/Shanghai, the default
PUBLIC = ["福彩3D 2026-12-01: 3 8 1", "witness 王*: 7741"]
FIT = FitPolicy()  # 2 persons per room; public_rental applicants get public_rental units
DECLINES = DeclinePolicy()  # suspended at the 2nd refusal, for 365 days; an expiry counts
PROJECT = {"id": "P1", "name": "鼓楼公租房", "programme": "public_rental", "supply_mode": "government_enterprise",
           "address": "鼓楼区某路2号"}
UNIT = {"building": "A", "floor": 3, "beds": 0, "rent_fen": 120000, "category": "public_rental",
        "accessible": False}
UNITS = [{**UNIT, "number": "301", "rooms": 2, "area_tenths": 700},
         {**UNIT, "number": "302", "rooms": 1, "area_tenths": 400},
         {**UNIT, "number": "303", "rooms": 1, "area_tenths": 420}]
APPLICANTS = [("A1", 900, 3), ("A2", 800, 2), ("A3", 700, 2), ("A4", 600, 2), ("A5", 950, 5)]


def approved(app_id: str, points_tenths: int, size: int, prefs=("P1",)) -> dict:
    """An application.approved payload as the inbox schema loads it."""
    return {"application_id": app_id, "person_ref": f"pref-{app_id}", "district": "demo",
            "programme": "public_rental", "household_size": size, "points_tenths": points_tenths,
            "breakdown": {"policy_version": 1}, "preferences": list(prefs), "priority_groups": [],
            "needs_accessible": False, "approved_at": NOW}


class Outbox:
    """The events the use cases wrote, by type (data only), oldest first."""

    def __init__(self, store):
        self.store = store

    def __call__(self, event_type: str) -> list[dict]:
        outbox = self.store.store.tables.outbox
        with self.store.engine.connect() as conn:
            bodies = conn.execute(select(outbox.c.body).where(outbox.c.event_type == event_type)
                                  .order_by(outbox.c.id)).scalars()
            return [json.loads(b)["data"] for b in bodies]


def open_round(store, body: dict | None = None) -> models.Round:
    """Open a round over P1 for drawing on ON (``body`` overrides the request's fields)."""
    with store.uow() as uow:
        round_ = rounds.open_round(uow, NOW, ON, {"programme": "public_rental", "project_ids": ["P1"], "quotas": {},
                                                  "public_value_source": "福彩3D draw of 2026-12-01",
                                                  "draw_date": ON, "respond_days": 7, **(body or {})}, FIT)
        uow.commit()
    return round_


def row(store, model, key):
    """A row as it is now (read in a fresh session)."""
    with store.worker_db().read() as s:
        return s.get(model, key)
