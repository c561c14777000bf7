"""Fault 7: duplicate and out-of-order deliveries, property-based. Each consumer's use case is
driven through the real inbox (the unit of work's event-id claim, as the worker runs it);
hypothesis delivers a causally ordered history with duplicates (a redelivery can arrive any
time later, after newer events) and with events of different entities interleaved. The final
state must equal in-order single delivery."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from consumers import _approved, _fund, _hardship, _relief
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from services.common.clock import Calendar
from services.common.db import UnitOfWork
from services.common.errors import DuplicateEvent
from services.common.events.contracts import parse_received

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
ON = date(2026, 3, 2)


def deliver(store, service: str, handler: str, event_id: str, event_type: str, effect) -> None:
    """One delivery as the inbox worker runs it: the claim and the effect in one transaction."""
    try:
        with UnitOfWork(store.store, district="demo", producer=service,
                        inbox_claim=(event_id, f"{service}.{handler}", event_type)) as uow:
            effect(uow)
            uow.commit()
    except DuplicateEvent:
        pass


# -- each consumer: (service, handler, event type, use case, the state to compare) ------------------

def _pool_effect(kind, data):
    from services.allocation import pool

    if kind == "application.approved":
        return lambda uow: pool.add_approved(uow, NOW, data)
    if kind == "application.points_changed":
        return lambda uow: pool.change_points(uow, NOW, NOW, 2, data["changes"])
    if kind == "eligibility.revoked":
        return lambda uow: pool.revoke(uow, NOW, ON, data["application_id"], 90)
    return lambda uow: pool.withdraw(uow, NOW, ON, data["application_id"])


def _relief_effect(kind, data, event_id):
    from services.finance import reliefs

    return lambda uow: reliefs.receive_approved_relief(uow, NOW, ON, event_id, data)


def _fund_effect(kind, data, event_id):
    from services.notify import notices

    return lambda uow: notices.publish_fund_flow(uow, NOW, event_id, data)


def _hardship_effect(kind, data, event_id):
    from services.applications import points

    return lambda uow: points.hardship_changed(uow, NOW, Calendar(), data["person_ref"], data["category"],
                                               data["household_id"], "hardship_registered")


STATE_SQL = {
    "allocation": "SELECT application_id, status, points_tenths, priority_groups FROM pool_entries "
                  "ORDER BY application_id",
    "finance": "SELECT relief_id, amount_issued_fen, status FROM relief_payments ORDER BY relief_id",
    "notify": "SELECT source_event_id, kind, title FROM public_notices ORDER BY source_event_id",
    "applications": "SELECT person_ref, category FROM hardship_status ORDER BY person_ref",
}


def state(store, service: str):
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(STATE_SQL[service]))]


# -- histories --------------------------------------------------------------------------------------

def pool_history(n_apps: int, draws) -> list[tuple[str, str, dict]]:
    """Per application, in causal order: approved → maybe points changed → maybe withdrawn."""
    history = []
    for i in range(n_apps):
        t = uuid.uuid4().hex[:8]
        approved = _approved(t)
        approved["points_tenths"] = draws[i][0]
        approved["approved_at"] = "2026-03-01T02:00:00Z"  # before the change (stated at NOW)
        history.append([("application.approved", approved)])
        if draws[i][1]:
            history[-1].append(("application.points_changed", {"policy_version": 2, "reason": "policy", "changes": [
                {"application_id": approved["application_id"], "points_tenths": draws[i][1], "priority_groups": []}]}))
        if draws[i][2]:
            history[-1].append(("application.withdrawn", {"application_id": approved["application_id"],
                                                          "person_ref": approved["person_ref"],
                                                          "withdrawn_at": "2026-03-02T02:00:00Z"}))
    return [[(str(uuid.uuid4()), kind, data) for kind, data in entity] for entity in history]


@st.composite
def interleaving_with_duplicates(draw, entities):
    """Deliveries: each entity's events in their order, entities interleaved arbitrarily; any
    delivered event may be delivered again at any later point (a redelivery)."""
    queues = [list(e) for e in entities]
    delivered, out = [], []
    while any(queues):
        choices = [i for i, q in enumerate(queues) if q]
        i = draw(st.sampled_from(choices))
        event = queues[i].pop(0)
        delivered.append(event)
        out.append(event)
        if draw(st.integers(0, 3)) == 0:  # a redelivery of something already delivered
            out.append(draw(st.sampled_from(delivered)))
    return out


app_draws = st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 2000), st.booleans()), min_size=1, max_size=4)
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


IN_SCHEMAS = {
    "application.approved": ("allocation", "ApplicationApprovedIn"),
    "application.points_changed": ("allocation", "PointsChangedIn"),
    "application.withdrawn": ("allocation", "ApplicationWithdrawnIn"),
    "eligibility.revoked": ("allocation", "EligibilityRevokedIn"),
    "relief.approved": ("finance", "ReliefApprovedIn"),
    "fund.received": ("notify", "FundReceivedIn"),
    "hardship.registered": ("applications", "HardshipRegisteredIn"),
    "hardship.closed": ("applications", "HardshipClosedIn"),
    "tenancy.started": ("finance", "TenancyStartedIn"),
    "tenancy.ended": ("finance", "TenancyEndedIn"),
    "allocation.offered": ("assistance", "OfferEventIn"),
    "allocation.accepted": ("assistance", "OfferEventIn"),
    "rent.overdue": ("assistance", "RentOverdueIn"),
}


def received_by(service: str, event_type: str, data: dict) -> dict:
    """As :func:`received`, through the inbound schema of ``service`` (two services read
    tenancy.started, each with its own schema)."""
    import importlib

    schema = getattr(importlib.import_module(f"services.{service}.schemas"), IN_SCHEMAS[event_type][1])
    envelope = {"event_id": str(uuid.uuid4()), "event_type": event_type, "schema_version": 1,
                "occurred_at": "2026-03-02T02:00:00Z", "district": "demo", "producer": "x", "data": data}
    return parse_received(envelope, schema).data


def received(event_type: str, data: dict) -> dict:
    """The data as the consumer's handler gets it: through its own inbound schema."""
    import importlib

    service, name = IN_SCHEMAS[event_type]
    schema = getattr(importlib.import_module(f"services.{service}.schemas"), name)
    envelope = {"event_id": str(uuid.uuid4()), "event_type": event_type, "schema_version": 1,
                "occurred_at": "2026-03-02T02:00:00Z", "district": "demo", "producer": "x", "data": data}
    return parse_received(envelope, schema).data


def _run(memory_store, service, handler, deliveries, effect_of):
    store = memory_store(service)
    for event_id, kind, data in deliveries:
        deliver(store, service, handler, event_id, kind, effect_of(kind, received(kind, data), event_id))
    return state(store, service)


@SETTINGS
@given(data=st.data(), draws=app_draws)
def test_pool_duplicates_and_interleaving_equal_in_order_single_delivery(memory_store, data, draws):
    history = pool_history(len(draws), draws)
    in_order = [e for entity in history for e in entity]
    shuffled = data.draw(interleaving_with_duplicates(history))

    def effect(kind, payload, event_id):
        return _pool_effect(kind, payload)

    # one inbox handler per event type, as in PoolEntrypoints
    expected = _run(memory_store, "allocation", "pool", in_order, effect)
    assert _run(memory_store, "allocation", "pool", shuffled, effect) == expected


SINGLE_EVENT_CONSUMERS = [
    ("finance", "on_relief_approved", "relief.approved", _relief, _relief_effect),
    ("notify", "on_fund_received", "fund.received", _fund, _fund_effect),
    ("applications", "on_hardship_registered", "hardship.registered", _hardship, _hardship_effect),
]


@pytest.mark.parametrize("service,handler,event_type,make,effect", SINGLE_EVENT_CONSUMERS,
                         ids=[c[0] for c in SINGLE_EVENT_CONSUMERS])
@SETTINGS
@given(data=st.data(), n=st.integers(1, 5))
def test_consumer_duplicates_and_reordering_equal_in_order_single_delivery(
        memory_store, service, handler, event_type, make, effect, data, n):
    history = [[(str(uuid.uuid4()), event_type, make(uuid.uuid4().hex[:8]))] for _ in range(n)]
    in_order = [e for entity in history for e in entity]
    shuffled = data.draw(interleaving_with_duplicates(history))
    assert _run(memory_store, service, handler, shuffled, effect) == _run(memory_store, service, handler,
                                                                          in_order, effect)


def test_pool_withdrawal_overtaking_its_approval_equals_in_order(memory_store):
    history = pool_history(1, [(100, 0, True)])
    in_order = [e for entity in history for e in entity]
    overtaken = [e for entity in history for e in reversed(entity)]

    def effect(kind, payload, event_id):
        return _pool_effect(kind, payload)

    assert _run(memory_store, "allocation", "pool", overtaken, effect) == _run(memory_store, "allocation",
                                                                               "pool", in_order, effect)


def _one_application(kinds) -> tuple[dict, list[tuple[str, str, dict]]]:
    approved = _approved(uuid.uuid4().hex[:8])
    a, p = approved["application_id"], approved["person_ref"]
    data = {"application.approved": approved,
            "application.withdrawn": {"application_id": a, "person_ref": p, "withdrawn_at": "2026-03-02T02:00:00Z"},
            "eligibility.revoked": {"application_id": a, "person_ref": p, "revoked_at": "2026-03-02T02:00:00Z"}}
    return approved, [(str(uuid.uuid4()), k, data[k]) for k in kinds]


@SETTINGS
@given(data=st.data(), kinds=st.sampled_from([
    ("application.approved", "application.withdrawn"),
    ("application.approved", "eligibility.revoked"),
    # cannot happen in applications' lifecycle (both are terminal), but the pool must still not
    # depend on the order: revocation outranks withdrawal
    ("application.approved", "application.withdrawn", "eligibility.revoked"),
    ("application.approved", "eligibility.revoked", "application.withdrawn"),
]))
def test_pool_any_order_of_one_applications_events_with_duplicates_equals_in_order(memory_store, data, kinds):
    """Every permutation of (approved, withdrawn, revoked) for one application, each event possibly
    delivered more than once (the redelivery at any later point): the pool equals the in-order
    single delivery, and an approval never makes a departed application active."""
    _, events = _one_application(kinds)
    order = data.draw(st.permutations(events))
    deliveries = []
    for event in order:
        deliveries.append(event)
        deliveries.extend([event] * data.draw(st.integers(0, 1)))
        if data.draw(st.booleans()):  # a redelivery of something earlier
            deliveries.append(data.draw(st.sampled_from(deliveries)))

    def effect(kind, payload, event_id):
        return _pool_effect(kind, payload)

    got = _run(memory_store, "allocation", "pool", deliveries, effect)
    assert got == _run(memory_store, "allocation", "pool", events, effect)
    assert got[0][1] == ("revoked" if "eligibility.revoked" in kinds else "withdrawn")


# -- consumers of more than one event type of one entity ---------------------------------------------
# Each gets: every permutation of the entity's events, any of them delivered again (right away or
# later); several entities interleaved. The final state equals in-order single delivery.

@st.composite
def permuted_with_duplicates(draw, entities):
    events = [e for entity in entities for e in entity]
    out = []
    for event in draw(st.permutations(events)):
        out.append(event)
        if draw(st.integers(0, 2)) == 0:
            out.append(draw(st.sampled_from(out)))
    return out


def _run_multi(store, service, deliveries, effect_of, state_sql):
    for event_id, kind, data in deliveries:
        effect = effect_of(kind, received_by(service, kind, data))
        deliver(store, service, kind.replace(".", "_"), event_id, kind, effect)
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(state_sql))]


def _tenancy_events(t: str) -> list[tuple[str, str, dict]]:
    started = {"tenancy_id": f"T-{t}", "application_id": f"A-{t}", "person_ref": f"pref-{t}", "unit_id": f"U-{t}",
               "project_id": "P1", "start": "2026-01-01", "end": "2027-12-31", "rent_fen": 90000}
    ended = {"tenancy_id": f"T-{t}", "ended_on": "2026-02-14"}
    return [(str(uuid.uuid4()), "tenancy.started", started), (str(uuid.uuid4()), "tenancy.ended", ended)]


def _finance_tenancy_effect(kind, data):
    from services.finance import rent

    if kind == "tenancy.started":
        return lambda uow: rent.open_account(uow, NOW, str(uuid.uuid4()), data, ON)
    return lambda uow: rent.end_tenancy(uow, NOW, ON, data["tenancy_id"], data["ended_on"])


FINANCE_STATE = "SELECT tenancy_id, status, ended_on, start, \"end\", rent_fen FROM rent_accounts ORDER BY tenancy_id"


@SETTINGS
@given(data=st.data(), n=st.integers(1, 3))
def test_finance_rent_accounts_under_reordered_tenancy_events_equal_in_order(memory_store, data, n):
    """tenancy.ended may overtake tenancy.started (finance keeps the early end and applies it when
    the account opens)."""
    entities = [_tenancy_events(uuid.uuid4().hex[:8]) for _ in range(n)]
    in_order = [e for entity in entities for e in entity]
    shuffled = data.draw(permuted_with_duplicates(entities))
    got = _run_multi(memory_store("finance"), "finance", shuffled, _finance_tenancy_effect, FINANCE_STATE)
    assert got == _run_multi(memory_store("finance"), "finance", in_order, _finance_tenancy_effect, FINANCE_STATE)
    assert {r[1] for r in got} == {"ended"}


ID_NUMBERS = ["11010519491231002X", "110105198503121234", "110105198001010016"]


def _register_households(store):
    """The hardship households (one per ID number above) registered through assistance's use case."""
    from services.assistance import hardship

    refs = []
    with store.uow() as uow:
        for number in ID_NUMBERS:
            refs.append(hardship.register_household(uow, NOW, number, "李四", "dibao", "district_officer:u1",
                                                    b"district-key", on=ON).person_ref)
        uow.commit()
    return refs


def _housing_events(person_ref: str, t: str) -> list[tuple[str, str, dict]]:
    offer = {"offer_id": f"O-{t}", "round_id": "R1", "application_id": f"A-{t}", "person_ref": person_ref,
             "unit_id": f"U-{t}", "project_id": "P1", "offered_on": "2026-03-01", "respond_by": "2026-03-08"}
    started = {"tenancy_id": f"T-{t}", "application_id": f"A-{t}", "person_ref": person_ref, "unit_id": f"U-{t}",
               "project_id": "P1", "start": "2026-03-15", "end": "2028-03-14", "rent_fen": 90000}
    return [(str(uuid.uuid4()), "allocation.offered", offer), (str(uuid.uuid4()), "allocation.accepted", dict(offer)),
            (str(uuid.uuid4()), "tenancy.started", started)]


def _assistance_effect(kind, data):
    from services.assistance import moving_in, relocation, settings
    from services.assistance.domain.hardship import HousingStage

    stage = {"allocation.offered": HousingStage.OFFERED, "allocation.accepted": HousingStage.ACCEPTED,
             "tenancy.started": HousingStage.MOVED_IN}[kind]

    def effect(uow):  # as ReferralEntrypoints runs them
        moving_in.on_housing_event(uow, NOW, data["person_ref"], stage, data["unit_id"], kind)
        if kind == "tenancy.started":
            relocation.on_tenancy_started(uow, NOW, ON, data["tenancy_id"], data["person_ref"],
                                          settings.relocation_cash_fen({}), settings.approval_policy({}))
    return effect


ASSISTANCE_STATE = ("SELECT h.person_ref, h.housing_stage, h.housing_unit_id, "
                    "(SELECT count(*) FROM relief_cases c WHERE c.household_id = h.id AND c.origin = 'relocation') "
                    "FROM hardship_households h ORDER BY h.person_ref")


@SETTINGS
@given(data=st.data(), n=st.integers(1, 3))
def test_assistance_housing_stage_under_reordered_allocation_events_equals_in_order(memory_store, data, n):
    """allocation.offered / allocation.accepted / tenancy.started move a hardship household forward
    only, and tenancy.started opens one relocation case (回迁救助), whatever the order."""
    def run(deliveries_of):
        store = memory_store("assistance")
        refs = _register_households(store)
        entities = [_housing_events(refs[i], f"{i}") for i in range(n)]
        return _run_multi(store, "assistance", deliveries_of(entities), _assistance_effect, ASSISTANCE_STATE)

    in_order = run(lambda entities: [e for entity in entities for e in entity])
    shuffled = run(lambda entities: data.draw(permuted_with_duplicates(entities)))
    assert shuffled == in_order
    assert sorted((r[1] or "", r[3]) for r in in_order) == sorted([("moved_in", 1)] * n + [("", 0)] * (3 - n))


def _hardship_events(t: str) -> list[tuple[str, str, dict]]:
    registered = {"household_id": f"H-{t}", "person_ref": f"pref-{t}", "category": "dibao", "name_masked": "张*"}
    closed = {"household_id": f"H-{t}", "person_ref": f"pref-{t}", "reason": "recovered"}
    return [(str(uuid.uuid4()), "hardship.registered", registered), (str(uuid.uuid4()), "hardship.closed", closed)]


def _applications_effect(kind, data):
    from services.applications import points

    category = data["category"] if kind == "hardship.registered" else None
    return lambda uow: points.hardship_changed(uow, NOW, Calendar(), data["person_ref"], category,
                                               data.get("household_id"), kind.replace(".", "_"))


@settings(SETTINGS)
@given(data=st.data(), n=st.integers(1, 3))
def test_applications_hardship_under_reordered_registered_and_closed_equals_in_order(memory_store, data, n):
    entities = [_hardship_events(uuid.uuid4().hex[:8]) for _ in range(n)]
    in_order = [e for entity in entities for e in entity]
    shuffled = data.draw(permuted_with_duplicates(entities))
    sql = "SELECT person_ref, category FROM hardship_status ORDER BY person_ref"
    assert _run_multi(memory_store("applications"), "applications", shuffled, _applications_effect, sql) == \
        _run_multi(memory_store("applications"), "applications", in_order, _applications_effect, sql)


# -- the pool: points changes, approval and departures of one application in any order -----------

def _pool_events(t: str, draws: tuple[int, list[int], str | None]) -> list[tuple[str, str, dict, datetime]]:
    """One application's history, in causal order, each event with its envelope's occurred_at:
    approved, then 0..2 points changes (policy or hardship), then maybe a departure."""
    approval_points, changes, departure = draws
    approved = _approved(t)
    approved["points_tenths"] = approval_points
    approved["approved_at"] = "2026-03-01T02:00:00Z"
    a, p = approved["application_id"], approved["person_ref"]
    at = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    events = [("application.approved", approved, at)]
    for i, tenths in enumerate(changes):
        events.append(("application.points_changed", {
            "policy_version": 1 + i, "reason": "policy_change", "changes": [
                {"application_id": a, "person_ref": p, "points": f"{tenths // 10}.{tenths % 10}",
                 "points_tenths": tenths, "priority_groups": ["hardship"] if i % 2 == 0 else []}]},
            at.replace(hour=3 + i)))
    if departure == "withdrawn":
        events.append(("application.withdrawn", {"application_id": a, "person_ref": p,
                                                 "withdrawn_at": "2026-03-02T02:00:00Z"}, at.replace(hour=9)))
    elif departure == "revoked":
        events.append(("eligibility.revoked", {"application_id": a, "person_ref": p,
                                               "revoked_at": "2026-03-02T02:00:00Z"}, at.replace(hour=9)))
    return [(str(uuid.uuid4()), kind, data, occurred) for kind, data, occurred in events]


def _pool_effect_at(kind, data, occurred_at):
    """As PoolEntrypoints runs each handler (the envelope's occurred_at included)."""
    from services.allocation import pool

    if kind == "application.points_changed":
        return lambda uow: pool.change_points(uow, NOW, occurred_at, data["policy_version"], data["changes"])
    return _pool_effect(kind, data)


def _run_pool(store, deliveries):
    for event_id, kind, data, occurred_at in deliveries:
        deliver(store, "allocation", kind.replace(".", "_"), event_id, kind,
                _pool_effect_at(kind, received(kind, data), occurred_at))
    return state(store, "allocation")


pool_app_draws = st.lists(st.tuples(st.integers(0, 2000), st.lists(st.integers(0, 2000), max_size=2),
                                    st.sampled_from([None, "withdrawn", "revoked"])), min_size=1, max_size=3)


@SETTINGS
@given(data=st.data(), draws=pool_app_draws)
def test_pool_points_changes_approvals_and_departures_in_any_order_equal_in_order(memory_store, data, draws):
    """application.points_changed may overtake its application.approved, and a later change an
    earlier one (each type has its own queue; a redelivery comes back after newer events): the
    pool keeps the newest points by the event's occurred_at whatever the order, and a withdrawn
    or revoked application never re-enters the pool active. Every permutation of several
    applications' events, any event delivered again (at once or later)."""
    entities = [_pool_events(uuid.uuid4().hex[:8], d) for d in draws]
    in_order = [e for entity in entities for e in entity]
    shuffled = data.draw(permuted_with_duplicates(entities))
    expected = _run_pool(memory_store("allocation"), in_order)
    assert _run_pool(memory_store("allocation"), shuffled) == expected
    # in order, the last change's points stand and a departure is kept
    rows = {row[0]: row for row in expected}
    for entity, (approval_points, changes, departure) in zip(entities, draws, strict=True):
        row = rows[entity[0][2]["application_id"]]
        assert row[1:3] == (departure or "active", changes[-1] if changes else approval_points), row


def _overdue_events(person_ref: str, t: str) -> list[tuple[str, str, dict]]:
    """finance's reminders of one tenancy's February arrears, at two thresholds."""
    return [(str(uuid.uuid4()), "rent.overdue", {
        "tenancy_id": f"T-{t}", "person_ref": person_ref, "period": "2026-02", "days_overdue": days,
        "threshold_days": threshold, "bucket": bucket, "overdue_fen": 90000, "owed_fen": 90000})
        for days, threshold, bucket in ((33, 31, "31-60"), (64, 61, "61-90"))]


def _assistance_referral_effect(kind, data):
    from services.assistance import referrals

    if kind != "rent.overdue":
        return _assistance_effect(kind, data)
    return lambda uow: referrals.on_rent_overdue(uow, NOW, data["tenancy_id"], data["period"], data["days_overdue"],
                                                 data["person_ref"])


ASSISTANCE_REFERRALS = (ASSISTANCE_STATE.replace("ORDER BY h.person_ref", "") +
                        "UNION ALL SELECT person_ref, tenancy_id, period, days_overdue FROM referrals ORDER BY 1, 2")


@SETTINGS
@given(data=st.data(), n=st.integers(1, 2))
def test_assistance_referrals_and_housing_under_reordered_events_equal_in_order(memory_store, data, n):
    """A hardship household's housing events (offered, accepted, tenancy.started) and finance's
    rent.overdue reminders at two thresholds, in any order with redeliveries: the same stage,
    one relocation case, one referral per tenancy and period holding the most days overdue."""
    def run(deliveries_of):
        store = memory_store("assistance")
        refs = _register_households(store)
        entities = [_housing_events(refs[i], f"{i}") + _overdue_events(refs[i], f"{i}") for i in range(n)]
        return _run_multi(store, "assistance", deliveries_of(entities), _assistance_referral_effect,
                          ASSISTANCE_REFERRALS)

    in_order = run(lambda entities: [e for entity in entities for e in entity])
    shuffled = run(lambda entities: data.draw(permuted_with_duplicates(entities)))
    assert shuffled == in_order
    assert sorted(r[1:] for r in in_order if r[1] and r[1].startswith("T-")) == sorted(
        (f"T-{i}", "2026-02", 64) for i in range(n))
