"""Relief cases on an in-memory database: real name against an active household, approval by
amount by different officers, no duplicate relief per household, kind and period, the yearly
budget, goods delivered once, relocation cases on tenancy.started and referrals on rent.overdue
(both idempotent), a household's closing."""

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from services.assistance import audit, hardship, referrals, relief, relocation, stock
from services.assistance.domain.relief import ApprovalPolicy, ApprovalRefused, BudgetExceeded, InvalidRelief, OutOfStock
from services.common.errors import Conflict

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
ON = date(2026, 11, 30)
KEY = b"district-key"
ID_A, ID_B = "11010519491231002X", "110105198503121234"
POLICY = ApprovalPolicy((200_000, 1_000_000))


@pytest.fixture
def db(memory_store):
    return memory_store("assistance")


def outbox(db, event_type):
    table = db.store.tables.outbox
    with db.engine.connect() as conn:
        return [json.loads(b)["data"] for b in conn.execute(
            select(table.c.body).where(table.c.event_type == event_type).order_by(table.c.id)).scalars()]


def household(db, id_number=ID_A):
    with db.uow() as uow:
        h = hardship.register_household(uow, NOW, id_number, "李四", "dibao", "district_officer:u1", KEY)
        uow.commit()
        return h.id, h.person_ref


def budget(db, kind="cash", total=1_000_000, year=2026):
    with db.uow() as uow:
        relief.set_budget(uow, year, kind, total)
        uow.commit()


def request(db, hid, kind="cash", amount=100_000, by="district_officer:u1", **kw):
    with db.uow() as uow:
        case = relief.request_relief(uow, NOW, ON, hid, kind, "病困", amount, by, POLICY, **kw)
        uow.commit()
        return case.id


def approve(db, cid, officer):
    with db.uow() as uow:
        case = relief.approve(uow, NOW, cid, officer)
        uow.commit()
        return case.status


def test_a_small_cash_relief_is_approved_by_one_other_officer_and_published(db):
    hid, ref = household(db)
    budget(db)
    cid = request(db, hid)
    with pytest.raises(ApprovalRefused, match="requested"):
        approve(db, cid, "district_officer:u1")
    assert approve(db, cid, "district_officer:u2") == "approved"
    [event] = outbox(db, "relief.approved")
    assert event == {"relief_id": cid, "household_id": hid, "person_ref": ref, "kind": "cash", "category": "dibao",
                     "amount_fen": 100_000, "year": 2026, "approved_at": NOW.isoformat()}
    with pytest.raises(Conflict, match="approved"):
        approve(db, cid, "district_officer:u3")


def test_larger_amounts_need_more_different_officers(db):
    hid, _ = household(db)
    budget(db, total=10**7)
    cid = request(db, hid, amount=1_500_000)
    assert approve(db, cid, "district_officer:u2") == "requested"
    with pytest.raises(ApprovalRefused, match="already approved"):
        approve(db, cid, "district_officer:u2")
    assert approve(db, cid, "district_officer:u3") == "requested"
    assert outbox(db, "relief.approved") == []
    assert approve(db, cid, "district_officer:u4") == "approved"
    assert len(outbox(db, "relief.approved")) == 1


def test_no_second_relief_of_a_kind_in_the_period_until_the_first_is_rejected(db):
    hid, _ = household(db)
    first = request(db, hid)
    with pytest.raises(Conflict, match=first) as refused:
        request(db, hid, amount=5_000)
    assert "kind" in refused.value.errors
    request(db, hid, kind="in_kind", amount=0, items=[{"item": "bedding", "quantity": 2}])  # another kind: fine
    with db.uow() as uow:
        relief.reject(uow, NOW, first, "district_officer:u2", "收入超标")
        uow.commit()
    assert [e["relief_id"] for e in outbox(db, "relief.rejected")] == [first]
    request(db, hid, amount=5_000)  # after the rejection a new request is allowed


def test_a_case_needs_an_active_household_and_a_valid_amount(db):
    with pytest.raises(InvalidRelief) as refused:
        request(db, "no-such-household")
    assert refused.value.field == "household_id"
    hid, _ = household(db)
    for amount in (0, -100):
        with pytest.raises(InvalidRelief) as refused:
            request(db, hid, amount=amount)
        assert refused.value.field == "amount_fen"


def test_an_approval_beyond_the_budget_is_refused_showing_what_is_left_and_changes_nothing(db):
    a, _ = household(db)
    b, _ = household(db, ID_B)
    ca = request(db, a)
    with pytest.raises(BudgetExceeded, match="no 2026 cash relief budget"):
        approve(db, ca, "district_officer:u2")
    budget(db, total=150_000)
    assert approve(db, ca, "district_officer:u2") == "approved"
    cb = request(db, b)
    with pytest.raises(BudgetExceeded, match="50000 fen left; this case needs 100000"):
        approve(db, cb, "district_officer:u2")
    with db.worker_db().read() as s:
        assert relief.get_case(s, cb).status == "requested" and relief.get_case(s, cb).approvers == []
        assert [(x.used_fen, x.total_fen) for x in relief.budgets(s, 2026)] == [(100_000, 150_000)]
        # the budget is charged after the case, its audit entry and the event are written: a
        # refusal must take them back with it
        assert [e.action for e in audit.history(s, entity_id=cb)[1]] == ["requested"]
    assert [e["relief_id"] for e in outbox(db, "relief.approved")] == [ca]
    with pytest.raises(InvalidRelief, match="used already"):
        budget(db, total=99_999)


def test_a_rent_reduction_counts_all_its_months_and_carries_them(db):
    hid, _ = household(db)
    budget(db, kind="rent_reduction", total=10**6, year=2027)
    cid = request(db, hid, kind="rent_reduction", amount=50_000, from_month="2027-01", months=6)
    approve(db, cid, "district_officer:u2")  # 300,000 fen in total: two officers
    assert approve(db, cid, "district_officer:u3") == "approved"
    [event] = outbox(db, "relief.approved")
    assert (event["from_month"], event["months"], event["amount_fen"], event["year"]) == ("2027-01", 6, 50_000, 2027)


def receive(db, item, quantity):
    with db.uow() as uow:
        stock.receive(uow, NOW, item, quantity, "捐赠", "district_officer:u1")
        uow.commit()


def levels(db):
    with db.worker_db().read() as s:
        return {r.item: (r.quantity, r.reserved) for r in stock.levels(s)}


def test_goods_are_reserved_at_approval_and_delivered_once_with_the_recipients_confirmation(db):
    hid, _ = household(db)
    items = [{"item": "furniture", "quantity": 1}, {"item": "bedding", "quantity": 2}]
    cid = request(db, hid, kind="in_kind", amount=0, items=items)
    receive(db, "furniture", 1)
    receive(db, "bedding", 1)
    with pytest.raises(OutOfStock, match="bedding: 1 available, this case needs 2") as refused:
        approve(db, cid, "district_officer:u2")
    assert refused.value.field == "items"
    assert levels(db) == {"bedding": (1, 0), "furniture": (1, 0)}  # all or nothing
    with db.uow() as uow, pytest.raises(Conflict, match="requested"):
        relief.deliver(uow, NOW, cid, "district_officer:u2", True)
    receive(db, "bedding", 4)
    assert approve(db, cid, "district_officer:u2") == "approved"  # value 0: no budget needed
    assert levels(db) == {"bedding": (5, 2), "furniture": (1, 1)}
    with db.uow() as uow, pytest.raises(InvalidRelief) as unconfirmed:
        relief.deliver(uow, NOW, cid, "district_officer:u2", False)
    assert unconfirmed.value.field == "recipient_confirmed"
    with db.uow() as uow:
        relief.deliver(uow, NOW, cid, "district_officer:u2", True, "本人签收")
        uow.commit()
    assert levels(db) == {"bedding": (3, 0), "furniture": (0, 0)}
    with db.uow() as uow, pytest.raises(Conflict, match="delivered"):
        relief.deliver(uow, NOW, cid, "district_officer:u2", True)
    [event] = outbox(db, "relief.delivered")
    assert event["items"] == items
    assert levels(db) == {"bedding": (3, 0), "furniture": (0, 0)}


def test_reserved_goods_are_not_offered_twice(db):
    a, _ = household(db)
    b, _ = household(db, ID_B)
    receive(db, "cookware", 1)
    first = request(db, a, kind="in_kind", amount=0, items=[{"item": "cookware", "quantity": 1}])
    second = request(db, b, kind="in_kind", amount=0, items=[{"item": "cookware", "quantity": 1}])
    approve(db, first, "district_officer:u2")
    with pytest.raises(OutOfStock, match="0 available"):
        approve(db, second, "district_officer:u2")


def test_tenancy_started_opens_one_relocation_case_for_a_hardship_household_only(db):
    hid, ref = household(db)
    budget(db)
    with db.uow() as uow:
        assert relocation.on_tenancy_started(uow, NOW, ON, "T9", "someone-else", 300_000, POLICY) is None
        case = relocation.on_tenancy_started(uow, NOW, ON, "T1", ref, 300_000, POLICY)
        again = relocation.on_tenancy_started(uow, NOW, ON, "T1", ref, 300_000, POLICY)
        uow.commit()
    assert again.id == case.id
    assert (case.origin, case.kind, case.amount_fen, case.household_id, case.approvals_needed) == (
        "relocation", "cash", 300_000, hid, 2)
    request(db, hid)  # the relocation case does not count as the quarter's cash relief
    approve(db, case.id, "district_officer:u1")
    assert approve(db, case.id, "district_officer:u2") == "approved"


def test_rent_overdue_opens_one_referral_per_tenancy_and_period(db):
    hid, ref = household(db)
    with db.uow() as uow:
        relocation.on_tenancy_started(uow, NOW, ON, "T1", ref, 300_000, POLICY)
        assert referrals.on_rent_overdue(uow, NOW, "T-other", "2026-10", 15, None) is None
        first = referrals.on_rent_overdue(uow, NOW, "T1", "2026-10", 15, None)  # found by its relocation case
        again = referrals.on_rent_overdue(uow, NOW, "T1", "2026-10", 30, None)
        by_ref = referrals.on_rent_overdue(uow, NOW, "T2", "2026-10", 5, ref)
        uow.commit()
    assert again.id == first.id and again.days_overdue == 30 and by_ref.household_id == hid
    with db.uow() as uow:
        referrals.close_referral(uow, NOW, first.id, "rent_reduction", "", "district_officer:u2")
        uow.commit()
    with db.uow() as uow, pytest.raises(Conflict, match="already closed"):
        referrals.close_referral(uow, NOW, first.id, "visited", "", "district_officer:u2")
    with db.worker_db().read() as s:
        assert referrals.find_referrals(s, status="open")[0] == 1


def test_closing_a_household_publishes_hardship_closed_and_stops_its_relief(db):
    hid, ref = household(db)
    cid = request(db, hid)
    with db.uow() as uow:
        hardship.close_household(uow, NOW, hid, "recovered", "", "district_officer:u1")
        uow.commit()
    assert outbox(db, "hardship.closed") == [{"household_id": hid, "person_ref": ref, "category": "dibao",
                                              "reason": "recovered", "closed_at": NOW.isoformat()}]
    with pytest.raises(Conflict, match="closed"):
        approve(db, cid, "district_officer:u2")
    with db.uow() as uow, pytest.raises(Conflict, match="closed"):
        hardship.close_household(uow, NOW, hid, "recovered", "", "district_officer:u1")
    household(db)  # the person may be registered again


def test_cancelling_an_undelivered_in_kind_case_releases_its_goods_and_budget(db):
    hid, _ = household(db)
    budget(db, kind="in_kind", total=100_000)
    receive(db, "appliances", 1)
    cid = request(db, hid, kind="in_kind", amount=80_000, items=[{"item": "appliances", "quantity": 1}])
    with db.uow() as uow, pytest.raises(Conflict, match="requested"):
        relief.cancel(uow, NOW, cid, "district_officer:u2", "改发现金")
    approve(db, cid, "district_officer:u2")
    assert levels(db) == {"appliances": (1, 1)}
    with db.uow() as uow:
        relief.cancel(uow, NOW, cid, "district_officer:u2", "改发现金")
        uow.commit()
    assert levels(db) == {"appliances": (1, 0)}
    with db.worker_db().read() as s:
        assert [b.used_fen for b in relief.budgets(s, 2026)] == [0]
        assert relief.get_case(s, cid).status == "cancelled"
    with db.uow() as uow, pytest.raises(Conflict, match="cancelled"):
        relief.deliver(uow, NOW, cid, "district_officer:u2", True)
    request(db, hid, kind="in_kind", amount=0, items=[{"item": "appliances", "quantity": 1}])  # may ask again


def test_a_level_returns_the_case_for_correction_and_the_corrected_case_starts_again_at_level_1(db):
    hid, _ = household(db)
    budget(db, total=10_000_000)
    cid = request(db, hid, amount=1_500_000)  # above both thresholds: three levels
    assert approve(db, cid, "district_officer:u2") == "requested"
    with db.uow() as uow:
        with pytest.raises(ApprovalRefused, match="already approved"):
            relief.return_for_correction(uow, NOW, cid, "district_officer:u2", "金额偏高")
    with db.uow() as uow:
        case = relief.return_for_correction(uow, NOW, cid, "district_officer:u3", "金额偏高，请核实")
        uow.commit()
        assert (case.status, case.approvers) == ("returned", [])
        assert [(v["level"], v["decision"], v["reviewer"], v["reason"]) for v in case.reviews] == [
            (1, "pass", "district_officer:u2", None), (2, "return", "district_officer:u3", "金额偏高，请核实")]
    with db.uow() as uow:
        with pytest.raises(Conflict, match="is returned; only a requested case can be approved"):
            relief.approve(uow, NOW, cid, "district_officer:u4")
    with db.uow() as uow:
        with pytest.raises(ApprovalRefused, match="only the officer who requested"):
            relief.correct(uow, NOW, cid, "district_officer:u2", POLICY, "改")
    with db.uow() as uow:
        with pytest.raises(InvalidRelief, match="at least 1 fen"):
            relief.correct(uow, NOW, cid, "district_officer:u1", POLICY, "改", amount_fen=0)
    with db.uow() as uow:
        case = relief.correct(uow, NOW, cid, "district_officer:u1", ApprovalPolicy((200_000, 1_000_000), "2"),
                              "按病历核减", amount_fen=150_000)
        uow.commit()
        assert (case.status, case.amount_fen, case.total_fen, case.approvals_needed, case.policy_version) == (
            "requested", 150_000, 150_000, 1, "2")
    assert approve(db, cid, "district_officer:u2") == "approved"  # a new chain: u2 may pass again
    assert outbox(db, "relief.approved")[0]["amount_fen"] == 150_000


def test_a_returned_case_can_be_rejected_and_no_longer_blocks_a_request(db):
    hid, _ = household(db)
    cid = request(db, hid)
    with db.uow() as uow:
        relief.return_for_correction(uow, NOW, cid, "district_officer:u2", "材料不全")
        uow.commit()
    with db.uow() as uow:
        case = relief.reject(uow, NOW, cid, "district_officer:u2", "逾期未补正")
        uow.commit()
        assert case.reviews[-1] == {"level": 1, "decision": "reject", "reviewer": "district_officer:u2",
                                    "reason": "逾期未补正", "at": NOW.isoformat()}
    request(db, hid)


def test_a_relocation_case_the_system_opened_is_corrected_by_an_officer_who_cannot_then_approve_it(db):
    hid, ref = household(db)
    budget(db)
    with db.uow() as uow:
        cid = relocation.on_tenancy_started(uow, NOW, ON, "T1", ref, 300_000, POLICY).id
        uow.commit()
    with db.uow() as uow:
        relief.return_for_correction(uow, NOW, cid, "district_officer:u2", "家具另行实物发放")
        uow.commit()
    with db.uow() as uow:
        case = relief.correct(uow, NOW, cid, "district_officer:u3", POLICY, "改为1,000元", amount_fen=100_000)
        uow.commit()
        assert (case.requested_by, case.approvals_needed) == ("district_officer:u3", 1)
    with db.uow() as uow:
        with pytest.raises(ApprovalRefused, match="requested"):
            relief.approve(uow, NOW, cid, "district_officer:u3")
