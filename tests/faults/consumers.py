"""Every event consumer the fault suite runs against: one registration line each.

A registration names the consuming service, the event it reads, how to make the n-th event's
data (each one causing exactly one effect row of its own) and the SQL that lists the effect
rows' keys. Adding a consumer is one `Consumer(...)` line in CONSUMERS; every fault test that
is parametrised over CONSUMERS then covers it.

A consumer whose events presuppose state (a pool entry before its points change, a rent account
before its tenancy ends, a hardship household before its housing events) names a `seed`: run in
one transaction of the consuming service's database before the burst is published
(`consumer.prepared(url, n)`), it may return data fields the seeded state fixed (the person_ref
assistance derived from a resident ID).
"""

from __future__ import annotations

import itertools
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

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
    key_field: str        # the data field (a dotted path) the effect row is keyed by, or EVENT_ID
    seed: Callable[[Any, str], dict | None] | None = None  # (unit of work, token) → data fields it fixed
    binding: str | None = None     # the queue's routing key when not the event type (notify's "#")
    refuses_unknown_types: bool = True  # notify's catch-all handlers acknowledge a type they do not know
    always_fails: Callable[[str], dict] | None = None  # data its schema accepts and its handler never can

    @property
    def queue(self) -> str:
        return f"evt-{self.producer}-{self.binding or self.event_type}--{self.service}.{self.handler}"

    def envelope(self, token: str | None = None, fixed: dict | None = None) -> dict:
        token = token or uuid.uuid4().hex[:12]
        return {"event_id": str(uuid.uuid4()), "event_type": self.event_type, "schema_version": 1,
                "occurred_at": _now(), "district": "demo", "producer": self.producer,
                "data": {**self.data(token), **(fixed or {})}}

    def prepared(self, url: str, n: int) -> list[dict]:
        """`n` envelopes, each with the state it presupposes seeded in `url` first."""
        tokens = [uuid.uuid4().hex[:12] for _ in range(n)]
        fixed = self.seed_state(url, tokens)
        return [self.envelope(t, fixed.get(t)) for t in tokens]

    def seed_state(self, url: str, tokens: list[str]) -> dict[str, dict]:
        if self.seed is None:
            return {}
        import importlib

        from services.common.db import Store, UnitOfWork

        # a unit of work as the service's worker gets one (its events go to its outbox)
        store = Store(url, importlib.import_module(f"services.{self.service}.models").metadata)
        try:
            with UnitOfWork(store, district="demo", producer=self.service) as uow:
                fixed = {t: self.seed(uow, t) or {} for t in tokens}
                uow.commit()
        finally:
            store.dispose()
        return fixed

    def key_of(self, envelope: dict) -> str:
        if self.key_field == EVENT_ID:
            return envelope["event_id"]
        value = envelope["data"]
        for step in self.key_field.split("."):  # "changes.0.application_id": into a batch's one item
            value = value[int(step)] if isinstance(value, list) else value[step]
        return str(value)

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


def _withdrawn(t: str) -> dict:
    return {"application_id": f"A-{t}", "person_ref": f"pref-{t}", "withdrawn_at": _now()}


def _revoked(t: str) -> dict:
    return {"application_id": f"A-{t}", "person_ref": f"pref-{t}", "revoked_at": _now()}


def _points_changed(t: str) -> dict:
    return {"policy_version": 2, "reason": "policy_change", "changes": [
        {"application_id": f"A-{t}", "person_ref": f"pref-{t}", "points": "77.7", "points_tenths": 777,
         "priority_groups": ["hardship"]}]}


def _tenancy_ended(t: str) -> dict:
    return {"tenancy_id": f"T-{t}", "application_id": f"A-{t}", "person_ref": f"pref-{t}", "unit_id": f"U-{t}",
            "ended_on": "2026-02-14", "reason": "voluntary"}


def _offer(t: str) -> dict:
    return {"offer_id": f"O-{t}", "round_id": "R1", "application_id": f"A-{t}", "person_ref": f"pref-{t}",
            "unit_id": f"U-{t}", "project_id": "P1", "offered_on": "2026-03-01", "respond_by": "2026-03-08"}


def _rent_overdue(t: str) -> dict:
    return {"tenancy_id": f"T-{t}", "person_ref": f"pref-{t}", "period": "2026-02", "days_overdue": 45,
            "amount_due_fen": 90000}


# -- seeds: the state an event presupposes ------------------------------------------------------

def _seed_pool_entry(uow, t: str) -> None:
    """An approved application in the pool, approved before any event the test sends."""
    from services.allocation import pool

    pool.add_approved(uow, datetime.now(UTC), {**_approved(t), "approved_at": datetime(2026, 1, 1, tzinfo=UTC)})


def _seed_rent_account(uow, t: str) -> None:
    from services.finance import rent, schemas

    rent.open_account(uow, datetime.now(UTC), str(uuid.uuid4()),
                      schemas.TenancyStartedIn(unknown="exclude").load(_tenancy_started(t)),
                      date(2026, 1, 1))


def _arrears(t: str) -> dict:
    """finance's rent.overdue past allocation's arrears threshold (90 days): one violation."""
    return {"tenancy_id": f"T-{t}", "person_ref": f"pref-{t}", "period": "2026-02", "days_overdue": 120,
            "threshold_days": 91, "bucket": "90+", "overdue_fen": 90000, "owed_fen": 90000}


def _arrears_of_no_tenancy(t: str) -> dict:
    return {**_arrears(t), "tenancy_id": f"T-nobody-{t}"}  # allocation refuses it (404) every time


def _seed_tenancy(uow, t: str) -> None:
    """An active tenancy in allocation, with the project, round, unit and offer it refers to."""
    from services.allocation import models

    s, now = uow.session, datetime.now(UTC)
    if s.get(models.Project, "P-faults") is None:
        s.add(models.Project(id="P-faults", name="faults", programme="public_rental", supply_mode="government",
                             address="-", created_at=now))
        s.add(models.Round(id="R-faults", programme="public_rental", status="drawn", quotas="[]", quota_seats="[]",
                           fit_policy="{}", respond_days=7, secret_hex="00", commitment="c", public_value_source="-",
                           draw_date=date(2026, 1, 1), pool_size=0, unit_count=0, snapshot="{}", units_snapshot="{}",
                           snapshot_digest="d", opened_at=now))
        s.flush()
    s.add(models.Unit(id=f"U-{t}", project_id="P-faults", building="A", number=t, floor=1, rooms=1, area_tenths=400,
                      beds=0, rent_fen=90000, category="public_rental", accessible=False, status="occupied"))
    s.flush()  # no ORM relationships: the rows go in the order they are flushed
    s.add(models.Offer(id=f"O-{t}", round_id="R-faults", application_id=f"A-{t}", person_ref=f"pref-{t}",
                       unit_id=f"U-{t}", preference_index=0, seat="general", source="draw", status="moved_in",
                       offered_on=date(2026, 1, 1), respond_by=date(2026, 1, 8), answered_on=date(2026, 1, 2),
                       announced_at=now))
    s.flush()
    s.add(models.Tenancy(id=f"T-{t}", unit_id=f"U-{t}", project_id="P-faults", offer_id=f"O-{t}",
                         application_id=f"A-{t}", person_ref=f"pref-{t}", start=date(2026, 1, 1),
                         end=date(2027, 12, 31), rent_fen=90000, status="active", violation_points_tenths=0,
                         termination_open=False, created_at=now))


_RESIDENT = itertools.count()
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _resident_id(i: int) -> str:
    """The i-th valid 18-digit resident ID (unique in a run: a household per person)."""
    body = f"110105{(date(1950, 1, 1) + timedelta(days=i // 999)):%Y%m%d}{i % 999 + 1:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11]


def _seed_hardship_household(uow, t: str) -> dict:
    """A hardship household in assistance's registry: its events name it by the person_ref
    assistance derived, which the event's data then carries."""
    from services.assistance import hardship

    household = hardship.register_household(uow, datetime.now(UTC), _resident_id(next(_RESIDENT)), "李四", "dibao",
                                            "district_officer:faults", b"faults-key", on=date(2026, 1, 5))
    return {"person_ref": household.person_ref}


def _seed_subscription(event_type: str):
    """notify: a webhook subscriber of `event_type` (one per database), so every event of it
    makes one webhook delivery, whatever the person routes."""
    def seed(uow, t: str) -> None:
        from services.notify import models

        if uow.session.get(models.Subscription, f"sub-{event_type}") is None:
            uow.session.add(models.Subscription(
                id=f"sub-{event_type}", name="faults", url="http://127.0.0.1:9/hook", event_types=f'["{event_type}"]',
                secrets='["faults-secret-0123456789abcdef"]', status="active", author="faults",
                created_at=datetime.now(UTC)))
            uow.session.flush()
    return seed


def _notify_route(producer: str, event_type: str, data) -> Consumer:
    return Consumer(f"notify.route_{producer}", "notify", producer, event_type, f"route_{producer}_events", data,
                    f"SELECT event_id FROM deliveries WHERE channel = 'webhook' AND event_type = '{event_type}'",
                    EVENT_ID, seed=_seed_subscription(event_type), binding="#", refuses_unknown_types=False)


RELOCATION_CASES = ("SELECT h.person_ref FROM relief_cases c JOIN hardship_households h ON h.id = c.household_id "
                    "WHERE c.origin = 'relocation'")

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
    Consumer("allocation.points_changed", "allocation", "applications", "application.points_changed",
             "on_points_changed", _points_changed,
             "SELECT application_id FROM pool_entries WHERE points_from_change", "changes.0.application_id",
             seed=_seed_pool_entry),
    Consumer("allocation.revoked", "allocation", "applications", "eligibility.revoked", "on_eligibility_revoked",
             _revoked, "SELECT application_id FROM pool_entries WHERE status = 'revoked'", "application_id",
             seed=_seed_pool_entry),
    Consumer("allocation.withdrawn", "allocation", "applications", "application.withdrawn", "on_application_withdrawn",
             _withdrawn, "SELECT application_id FROM pool_entries WHERE status = 'withdrawn'", "application_id",
             seed=_seed_pool_entry),
    Consumer("allocation.rent_overdue", "allocation", "finance", "rent.overdue", "on_rent_overdue", _arrears,
             "SELECT tenancy_id FROM violations WHERE kind = 'rent_arrears'", "tenancy_id", seed=_seed_tenancy,
             always_fails=_arrears_of_no_tenancy),
    Consumer("finance.tenancy_ended", "finance", "allocation", "tenancy.ended", "on_tenancy_ended",
             _tenancy_ended, "SELECT tenancy_id FROM rent_accounts WHERE status = 'ended'", "tenancy_id",
             seed=_seed_rent_account),
    Consumer("assistance.tenancy_started", "assistance", "allocation", "tenancy.started", "on_tenancy_started",
             _tenancy_started, RELOCATION_CASES, "person_ref", seed=_seed_hardship_household),
    Consumer("assistance.offered", "assistance", "allocation", "allocation.offered", "on_allocation_offered",
             _offer, "SELECT person_ref FROM hardship_households WHERE housing_stage = 'offered'", "person_ref",
             seed=_seed_hardship_household),
    Consumer("assistance.accepted", "assistance", "allocation", "allocation.accepted", "on_allocation_accepted",
             _offer, "SELECT person_ref FROM hardship_households WHERE housing_stage = 'accepted'", "person_ref",
             seed=_seed_hardship_household),
    Consumer("assistance.rent_overdue", "assistance", "finance", "rent.overdue", "on_rent_overdue",
             _rent_overdue, "SELECT tenancy_id FROM referrals", "tenancy_id", seed=_seed_hardship_household),
    _notify_route("applications", "application.withdrawn", _withdrawn),
    _notify_route("allocation", "tenancy.ended", _tenancy_ended),
    _notify_route("finance", "fund.received", _fund),
    _notify_route("assistance", "hardship.registered", _hardship),
]
BY_NAME = {c.name: c for c in CONSUMERS}

# The short form's kill test (make test) runs these: one per consuming service and kind of
# handler — a plain insert, a seeded update, a catch-all — about 13 s each on the 2-core machine;
# `make faults` (ANJU_FAULTS_LONG=1) runs every consumer.
REPRESENTATIVE = ("allocation.pool", "allocation.points_changed", "allocation.rent_overdue", "finance.relief",
                  "finance.tenancy_ended", "notify.fund_flow", "notify.route_assistance", "applications.hardship",
                  "assistance.tenancy_started", "assistance.rent_overdue")
