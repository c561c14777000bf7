"""Every event consumer the fault suite runs against: one registration line each.

A registration names the consuming service, the event it reads, how to make the n-th event's
data (each one causing exactly one effect row of its own) and the SQL that lists the effect
rows' keys. Adding a consumer is one `Consumer(...)` line in CONSUMERS; every fault test that
is parametrised over CONSUMERS then covers it.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text

EVENT_ID = "event_id"  # key_field meaning: the effect row records the event id itself


@dataclass(frozen=True)
class Consumer:
    name: str
    service: str          # the consuming service
    producer: str         # whose exchange the event comes from
    event_type: str
    handler: str          # the @inbox_handler method (its queue: evt-<producer>-<type>--<service>.<handler>)
    data: Callable[[str], dict]   # unique token → the event's data
    effect_sql: str       # SELECT <key> FROM ... : one row per effect
    key_field: str        # the data field the effect row is keyed by, or EVENT_ID

    @property
    def queue(self) -> str:
        return f"evt-{self.producer}-{self.event_type}--{self.service}.{self.handler}"

    def envelope(self, token: str | None = None) -> dict:
        token = token or uuid.uuid4().hex[:12]
        return {"event_id": str(uuid.uuid4()), "event_type": self.event_type, "schema_version": 1,
                "occurred_at": _now(), "district": "demo", "producer": self.producer, "data": self.data(token)}

    def key_of(self, envelope: dict) -> str:
        return envelope["event_id"] if self.key_field == EVENT_ID else str(envelope["data"][self.key_field])

    def effects(self, engine) -> Counter:
        with engine.connect() as conn:
            return Counter(str(k) for k in conn.execute(text(self.effect_sql)).scalars())


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _approved(t: str) -> dict:
    return {"application_id": f"A-{t}", "person_ref": f"pref-{t}", "district": "demo", "programme": "public_rental",
            "household_size": 2, "points": "10.0", "points_tenths": 100,
            "breakdown": {"policy_version": 1, "total": "10.0", "lines": []}, "preferences": [],
            "priority_groups": [], "needs_accessible": False, "enterprise": "E1", "approved_at": _now()}


def _relief(t: str) -> dict:
    return {"relief_id": f"R-{t}", "household_id": f"H-{t}", "person_ref": f"pref-{t}", "kind": "cash",
            "category": "dibao", "amount_fen": 100, "year": datetime.now(UTC).year, "approved_at": _now()}


def _fund(t: str) -> dict:
    return {"receipt_id": f"F-{t}", "source": "donation", "amount_fen": 12345, "received_on": "2026-01-05"}


def _hardship(t: str) -> dict:
    return {"household_id": f"H-{t}", "person_ref": f"pref-{t}", "category": "dibao", "name_masked": "张*"}


def _tenancy_started(t: str) -> dict:
    return {"tenancy_id": f"T-{t}", "application_id": f"A-{t}", "person_ref": f"pref-{t}", "unit_id": f"U-{t}",
            "project_id": "P1", "start": "2026-01-01", "end": "2027-12-31", "rent_fen": 90000}


def _hardship_closed(t: str) -> dict:
    return {"household_id": f"H-{t}", "person_ref": f"pref-{t}", "category": "dibao", "closed_on": "2026-03-02"}


CONSUMERS = [
    Consumer("allocation.pool", "allocation", "applications", "application.approved", "on_application_approved",
             _approved, "SELECT application_id FROM pool_entries", "application_id"),
    Consumer("finance.relief", "finance", "assistance", "relief.approved", "on_relief_approved",
             _relief, "SELECT relief_id FROM relief_payments", "relief_id"),
    Consumer("notify.fund_flow", "notify", "finance", "fund.received", "on_fund_received",
             _fund, "SELECT source_event_id FROM public_notices", EVENT_ID),
    Consumer("applications.hardship", "applications", "assistance", "hardship.registered", "on_hardship_registered",
             _hardship, "SELECT person_ref FROM hardship_status", "person_ref"),
    Consumer("finance.rent_account", "finance", "allocation", "tenancy.started", "on_tenancy_started",
             _tenancy_started, "SELECT tenancy_id FROM rent_accounts", "tenancy_id"),
    # a closure of a hardship applications never saw registered still leaves its (empty) status row
    Consumer("applications.hardship_closed", "applications", "assistance", "hardship.closed", "on_hardship_closed",
             _hardship_closed, "SELECT person_ref FROM hardship_status WHERE category IS NULL", "person_ref"),
]
BY_NAME = {c.name: c for c in CONSUMERS}
