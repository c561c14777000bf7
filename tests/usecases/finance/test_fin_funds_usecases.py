"""Receipts into funds, project budgets and the two-step disbursement."""

from datetime import date

import pytest
from finance_books import LI, WANG

from services.common.errors import Conflict, NotFound
from services.finance import funds, ledger
from services.finance.domain.funds import (
    AlreadyDecided,
    BudgetExceeded,
    BudgetTooLow,
    EarmarkMismatch,
    SelfApproval,
)
from services.finance.domain.ledger import FutureDate, Overdraft, PeriodClosed


def test_a_receipt_posts_into_its_fund_and_says_so_on_the_bus(books):
    r = books.receipt(1_234_567, "central_subsidy", project="P1", memo="第一批")
    assert (r.earmark, r.earmark_project_id, r.status) == ("project", "P1", "recorded")
    assert books.balance("1002:central_subsidy:project:P1") == 1_234_567 and books.balance("4102") == 1_234_567
    [event] = books.outbox("fund.received")
    assert event["data"] == {"receipt_id": r.id, "source": "central_subsidy", "amount_fen": 1_234_567,
                             "received_on": "2026-12-01", "earmark": "project", "earmark_project_id": "P1",
                             "entry_id": r.entry_id, "posted_on": "2026-12-01"}
    with books.read() as s:
        [entry] = ledger.entries(s, "demo", cause_type="fund_receipt", cause_id=r.id)[1]
    assert entry.kind == "receipt" and entry.idempotency_id == f"fund_receipt:{r.id}"


def test_a_receipt_is_never_dated_in_the_future_nor_in_a_closed_month(books):
    with pytest.raises(FutureDate) as err:
        books.receipt(100, on=date(2026, 12, 2))
    assert err.value.field == "received_on"
    books.receipt(100, on=date(2026, 10, 2))
    books.run(ledger.close_period, "2026-10", WANG)
    with pytest.raises(PeriodClosed) as err:
        books.receipt(100, on=date(2026, 10, 30))
    assert err.value.field == "received_on"
    late = books.receipt(100, on=date(2026, 10, 30), posted_on=date(2026, 11, 2))  # a late receipt: open period
    with books.read() as s:
        assert ledger.entry(s, late.entry_id).posted_on == date(2026, 11, 2)
    with pytest.raises(FutureDate) as err:
        books.receipt(100, posted_on=date(2026, 12, 3))
    assert err.value.field == "posted_on"
    assert books.balance("1002:finance_bureau") == 200


def test_one_reference_is_one_receipt(books):
    books.run(funds.record_receipt, "donation", 100, "V-1", books.today, WANG)
    with pytest.raises(Conflict, match="V-1"):
        books.run(funds.record_receipt, "donation", 100, "V-1", books.today, WANG)
    assert books.balance("1002:donation") == 100 and len(books.outbox("fund.received")) == 1


def test_a_receipt_recorded_by_mistake_is_reversed_while_its_money_is_still_there(books):
    r = books.receipt(5_000, "social_capital")
    receipt, entry = books.run(funds.reverse_receipt, r.id, "重复入账", LI)
    assert receipt.status == "reversed" and entry.reverses == r.entry_id and entry.reason == "重复入账"
    assert books.balance("1002:social_capital") == 0
    [event] = books.outbox("fund.receipt_reversed")
    assert event["data"]["reason"] == "重复入账" and event["data"]["amount_fen"] == 5_000
    with pytest.raises(AlreadyDecided):
        books.run(funds.reverse_receipt, r.id, "again", LI)
    spent = books.receipt(5_000, "social_capital")
    books.budget("P1", 10_000)
    books.request(4_000, "social_capital")
    with pytest.raises(Overdraft):  # 4,000 of it is held for a disbursement: the reversal would overdraw
        books.run(funds.reverse_receipt, spent.id, "x", LI)
    with pytest.raises(NotFound):
        books.run(funds.reverse_receipt, "nope", "x", LI)


def test_receipts_are_searched_by_source_earmark_status_and_date(books):
    books.receipt(100, "donation", on=date(2026, 11, 1))
    books.receipt(200, "donation", project="P2", on=date(2026, 11, 5))
    third = books.receipt(300, "union_funds", relief=True)
    with books.read() as s:
        assert funds.receipts(s, source="donation")[0] == 2
        assert [r.amount_fen for r in funds.receipts(s, earmark_project_id="P2")[1]] == [200]
        assert [r.amount_fen for r in funds.receipts(s, earmark="relief")[1]] == [300]
        assert [r.amount_fen for r in funds.receipts(s, received_from=date(2026, 11, 2),
                                                     received_to=date(2026, 11, 30))[1]] == [200]
        total, page = funds.receipts(s, page=2, page_size=2)
        assert total == 3 and [r.amount_fen for r in page] == [100]  # newest first
        assert funds.receipt(s, third.id).reference == third.reference


def test_a_disbursement_holds_then_another_officer_approves_it(books):
    books.receipt(100_000, project="P1")
    books.budget("P1", 80_000)
    request = books.request(60_000, earmark="P1")
    assert request.status == "requested" and request.fund_account == "1002:finance_bureau:project:P1"
    assert books.balance("1002:finance_bureau:project:P1") == 40_000  # available
    assert books.balance("1009:finance_bureau:project:P1") == 60_000  # held
    with books.read() as s:
        [fund] = funds.fund_balances(s)
    assert (fund["available_fen"], fund["held_fen"], fund["balance_fen"]) == (40_000, 60_000, 100_000)
    with pytest.raises(SelfApproval):
        books.run(funds.approve_disbursement, request.id, WANG)
    with pytest.raises(SelfApproval):
        books.run(funds.reject_disbursement, request.id, WANG, "我撤回")
    approved, entry = books.run(funds.approve_disbursement, request.id, LI)
    assert approved.status == "approved" and approved.decided_by == LI and entry.kind == "disbursement"
    assert books.balance("1009:finance_bureau:project:P1") == 0 and books.balance("5101:P1") == 60_000
    [event] = books.outbox("fund.disbursed")
    assert event["data"] == {"disbursement_id": request.id, "source": "finance_bureau", "earmark_project_id": "P1",
                             "project_id": "P1", "amount_fen": 60_000, "purpose": "工程款",
                             "approved_on": "2026-12-01", "entry_id": entry.id}
    with pytest.raises(AlreadyDecided):
        books.run(funds.approve_disbursement, request.id, "finance_officer:zhao")
    with books.read() as s:
        assert funds.project_budget(s, "P1")["approved_fen"] == 60_000
        assert [e.kind for e in ledger.entries(s, "demo", cause_type="disbursement_request",
                                               cause_id=request.id)[1]] == ["hold", "disbursement"]


def test_a_rejection_releases_the_hold_with_the_reason(books):
    books.receipt(10_000)
    books.budget("P3", 10_000)
    request = books.request(10_000, project="P3")
    rejected, entry = books.run(funds.reject_disbursement, request.id, LI, "预算调整")
    assert rejected.status == "rejected" and rejected.decision_reason == "预算调整" and entry.kind == "release"
    assert books.balance("1002:finance_bureau") == 10_000 and books.outbox("fund.disbursed") == []
    again = books.request(10_000, project="P3")  # the released money can be requested again
    assert again.status == "requested"


def test_no_request_beyond_the_available_balance_nor_the_budget(books):
    books.receipt(10_000)
    books.budget("P1", 100_000)
    books.request(7_000)
    with pytest.raises(Overdraft) as err:
        books.request(3_001)
    assert err.value.field == "amount_fen" and "holds 30.00 元" in err.value.message
    books.budget("P2", 2_000)
    with pytest.raises(BudgetExceeded) as err:
        books.request(2_001, project="P2")
    assert err.value.field == "amount_fen"
    with pytest.raises(BudgetExceeded, match="no budget"):
        books.request(1, project="P9")
    with pytest.raises(BudgetTooLow):
        books.budget("P1", 6_999)
    with pytest.raises(EarmarkMismatch):
        books.request(1, project="P2", earmark="P1")
    with books.read() as s:
        assert funds.disbursement_requests(s)[0] == 1


def test_a_client_idempotency_id_gives_back_the_same_request(books):
    books.receipt(10_000)
    books.budget("P1", 10_000)
    first = books.request(1_000, idempotency_id="req-a")
    again = books.request(1_000, idempotency_id="req-a")
    assert again.id == first.id and books.balance("1009:finance_bureau") == 1_000
    from services.finance.domain.ledger import IdempotencyConflict

    with pytest.raises(IdempotencyConflict):
        books.request(2_000, idempotency_id="req-a")


def test_requests_and_disbursements_are_listed_with_filters(books):
    books.receipt(100_000)
    books.budget("P1", 100_000)
    books.budget("P2", 100_000)
    a, b = books.request(1_000), books.request(2_000, project="P2", by=LI)
    books.run(funds.approve_disbursement, a.id, LI)
    with books.read() as s:
        assert [r.id for r in funds.disbursement_requests(s, status="requested")[1]] == [b.id]
        assert [r.id for r in funds.disbursement_requests(s, requested_by=LI)[1]] == [b.id]
        assert [r.id for r in funds.disbursement_requests(s, status="approved", decided_from=date(2026, 12, 1))[1]] \
            == [a.id]
        assert funds.disbursement_request(s, b.id).project_id == "P2"
        with pytest.raises(NotFound):
            funds.disbursement_request(s, "nope")
