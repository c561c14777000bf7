"""Cash relief from assistance's relief.approved: paid when the year's budget and the relief fund
allow, else pending with the reason and paid — oldest first — when money arrives; never twice."""

import pytest
from finance_books import WANG

from services.finance import ledger, reliefs
from services.finance.domain.relief import ReliefConflict


def _budget(books, year, amount):
    return books.run(reliefs.set_relief_budget, year, amount, WANG)


def _state(books):
    with books.read() as s:
        return {r.relief_id: (r.status, r.amount_paid_fen, r.pending_reason) for r in reliefs.relief_payments(s)[1]}


def test_a_relief_the_budget_and_fund_allow_is_paid_at_once(books):
    books.receipt(50_000, "donation", relief=True)
    _budget(books, 2026, 100_000)
    row = books.relief("R1", 30_000)
    assert (row.status, row.amount_issued_fen, row.amount_paid_fen) == ("paid", 30_000, 30_000)
    assert books.balance("1002:donation:relief") == 20_000 and books.balance("5201:dibao") == 30_000
    [event] = books.outbox("relief.paid")
    assert event["data"] == {"relief_id": "R1", "household_id": "H-R1", "person_ref": "pref-R1", "category": "dibao",
                             "year": 2026, "amount_issued_fen": 30_000, "amount_paid_fen": 30_000,
                             "paid_at": "2026-12-01T02:00:00Z", "paid_on": "2026-12-01", "entry_id": row.entry_id,
                             "sources": [{"source": "donation", "amount_fen": 30_000}]}
    with books.read() as s:
        [entry] = ledger.entries(s, "demo", kind="relief_payment")[1]
    assert entry.idempotency_id == "relief.approved:ev-R1" and entry.event_id == "ev-R1"


def test_without_budget_or_money_it_waits_with_the_reason_and_is_paid_when_money_arrives(books):
    books.relief("R1", 30_000)
    assert _state(books)["R1"] == ("pending", 0, "no relief budget is set for 2026")
    _budget(books, 2026, 50_000)
    assert _state(books)["R1"] == ("pending", 0, "the relief fund holds 0.00 元; 300.00 元 needed")
    books.relief("R2", 10_000)
    assert "older reliefs are paid first" in _state(books)["R2"][2]
    books.receipt(35_000, "union_funds", relief=True)  # enough for R1, not yet for R2 as well
    assert _state(books)["R1"] == ("paid", 30_000, None) and _state(books)["R2"][0] == "pending"
    books.receipt(20_000, "donation")  # not relief money: nothing changes
    assert _state(books)["R2"][0] == "pending"
    books.receipt(5_000, "donation", relief=True)
    assert _state(books)["R2"] == ("paid", 10_000, None)
    paid = books.outbox("relief.paid")
    assert [e["data"]["relief_id"] for e in paid] == ["R1", "R2"]
    assert paid[1]["data"]["sources"] == [{"source": "donation", "amount_fen": 5_000},
                                          {"source": "union_funds", "amount_fen": 5_000}]  # donation first
    assert books.balance("1002:union_funds:relief") == 0 and books.balance("1002:donation:relief") == 0
    assert books.verify()["status"] == "OK"


def test_raising_the_budget_pays_what_it_now_covers(books):
    books.receipt(100_000, "donation", relief=True)
    _budget(books, 2026, 10_000)
    books.relief("R1", 8_000)
    books.relief("R2", 8_000)
    assert _state(books)["R2"][2] == "the 2026 relief budget has 20.00 元 left; 80.00 元 needed"
    budget, paid_now = _budget(books, 2026, 16_000)
    assert [r.relief_id for r in paid_now] == ["R2"]
    from services.finance.domain.funds import BudgetTooLow

    with pytest.raises(BudgetTooLow):
        _budget(books, 2026, 15_999)
    with books.read() as s:
        assert reliefs.relief_budgets(s) == [{"year": 2026, "amount_fen": 16_000, "paid_fen": 16_000, "left_fen": 0,
                                              "set_by": WANG, "set_at": books.now}]


def test_a_redelivered_or_repeated_relief_is_never_paid_twice(books):
    books.receipt(100_000, "donation", relief=True)
    _budget(books, 2026, 100_000)
    books.relief("R1", 30_000)
    books.relief("R1", 30_000)                       # the same relief again (the same event)
    books.relief("R1", 30_000, event_id="ev-other")  # the same relief in another envelope
    assert books.balance("5201:dibao") == 30_000 and len(books.outbox("relief.paid")) == 1
    with pytest.raises(ReliefConflict):
        books.relief("R1", 31_000, event_id="ev-third")


def test_only_cash_is_finance_s_to_pay(books):
    assert books.relief("K1", 0, kind="in_kind") is None
    assert books.relief("K2", 20_000, kind="rent_reduction") is None
    assert _state(books) == {} and books.outbox() == []


def test_the_admin_trigger_pays_pending_reliefs(books):
    books.relief("R1", 1_000)
    _budget(books, 2026, 1_000)
    assert books.run(reliefs.pay_pending) == []
    books.receipt(1_000, "finance_bureau", relief=True)  # paid by the receipt itself
    assert _state(books)["R1"][0] == "paid" and books.run(reliefs.pay_pending) == []
