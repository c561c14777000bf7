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


# Proportional work: a relief.approved plans the new relief, not every pending one again.

def _seed_pending(books, start, count, years=(2025, 2026)):
    """``count`` pending cash reliefs written directly (as a burst of relief.approved leaves them)."""
    from services.finance import models

    with books.store.uow() as uow:
        uow.session.add_all([models.ReliefPayment(
            relief_id=f"R{i:05d}", event_id=f"ev-R{i:05d}", household_id=f"H{i}", person_ref=f"pref-{i}",
            category="dibao", year=years[i % len(years)], amount_issued_fen=1_000, amount_paid_fen=0,
            status="pending", pending_reason="no relief budget is set", approved_at=books.now, received_at=books.now)
            for i in range(start, start + count)])
        uow.commit()


def _work_of_one_more_relief(books, relief_id):
    """(statements run, relief rows loaded) while one more relief.approved is received."""
    from sqlalchemy import event

    from services.finance import models

    counts = {"statements": 0, "rows": 0}

    def statement(*_):
        counts["statements"] += 1

    def loaded(*_):
        counts["rows"] += 1

    event.listen(books.store.engine, "before_cursor_execute", statement)
    event.listen(models.ReliefPayment, "load", loaded)
    try:
        books.relief(relief_id, 1_000)
    finally:
        event.remove(books.store.engine, "before_cursor_execute", statement)
        event.remove(models.ReliefPayment, "load", loaded)
    return counts


def test_one_more_relief_after_2000_pending_does_the_work_of_one_after_20(books):
    _seed_pending(books, 0, 20)
    _work_of_one_more_relief(books, "R90000")  # the first in a fresh database also creates what it uses
    after_20 = _work_of_one_more_relief(books, "R90001")
    _seed_pending(books, 20, 1_980)
    after_2000 = _work_of_one_more_relief(books, "R90002")
    assert after_2000 == after_20            # nothing grows with the queue
    assert after_2000["rows"] <= 3           # the first pending of each of the two years (+ the new one)
    assert after_2000["statements"] <= 25
    with books.read() as s:
        assert reliefs.relief_payment(s, "R90002").pending_reason.startswith("waiting: older reliefs of 2026")
        assert reliefs.relief_payment(s, "R00000").pending_reason == "no relief budget is set"  # untouched


def test_a_new_relief_waits_behind_an_older_one_of_its_year_or_one_the_fund_cannot_cover(books):
    books.receipt(5_000, "donation", relief=True)
    _budget(books, 2025, 100_000)
    _budget(books, 2026, 1_000)
    books.relief("R1", 2_000)                   # 2026 budget too small
    books.relief("R2", 500)                     # same year: behind R1
    assert _state(books)["R2"] == ("pending", 0, "waiting: older reliefs of 2026 are paid first from the "
                                                 "2026 relief budget")
    books.relief("R3", 4_000, year=2025)        # another year's budget: paid
    assert _state(books)["R3"][0] == "paid"
    books.relief("R4", 2_000, year=2025)        # the fund holds 10 元: waits
    assert _state(books)["R4"] == ("pending", 0, "the relief fund holds 10.00 元; 20.00 元 needed")
    books.relief("R5", 100, year=2025)          # smaller, but never overtakes R4
    assert _state(books)["R5"][2].startswith("waiting: older reliefs are paid first")


def test_money_that_arrived_without_a_pass_is_paid_oldest_first_when_a_relief_comes(books):
    """If an older relief became payable without a pass having run (the state `pay_pending`
    normally leaves never has one), the full pass runs: the older one is paid before the new."""
    _budget(books, 2026, 100_000)
    books.receipt(1_500, "donation", relief=True)
    _seed_pending(books, 0, 1, years=(2026,))   # written behind the passes' back, payable
    books.relief("R90001", 1_000)
    state = _state(books)
    assert state["R00000"][0] == "paid" and state["R90001"][0] == "pending"
    assert [e["data"]["relief_id"] for e in books.outbox("relief.paid")] == ["R00000"]
