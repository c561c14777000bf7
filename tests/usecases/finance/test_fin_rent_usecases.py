"""Rent use cases on an in-memory SQLite: accounts from tenancy.started, billing once a month
with proration, payments allocated oldest first (backdated and reversed ones re-allocated in date
order), reductions, move-out, overdue notices; the ledger always equals the accounts' own sums."""

from datetime import UTC, date, datetime, timedelta

import pytest
from finance_books import WANG, Books, FreshStore
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.finance import reliefs, rent
from services.finance.domain.ledger import FutureDate
from services.finance.domain.rent import RentError

TENANCY = {"tenancy_id": "T1", "person_ref": "pref-1", "unit_id": "U1", "project_id": "P1",
           "start": date(2026, 11, 20), "end": date(2027, 11, 19), "rent_fen": 150_000}


def start(books, data=TENANCY, event_id="ev-t1"):
    with books.store.uow() as uow:
        account = rent.open_account(uow, books.now, event_id, dict(data))
        uow.commit()
    return account


def pay(books, fen, on, ref):
    return books.run(rent.record_payment, "T1", fen, on, ref, WANG)[0]


def statement(books, tenancy="T1"):
    with books.read() as s:
        st_ = rent.statement(s, tenancy, books.today)
        return ({i.month: (i.amount_fen, i.paid_fen, i.paid_off_on) for i in st_["invoices"]},
                st_["account"].invoiced_fen - st_["account"].applied_fen, st_["account"].paid_fen
                - st_["account"].applied_fen)


def ledger_matches_accounts(books):
    from sqlalchemy import func, select

    from services.finance import models
    A = models.RentAccount
    with books.read() as s:
        owed, credit = s.execute(select(func.coalesce(func.sum(A.invoiced_fen - A.applied_fen), 0),
                                        func.coalesce(func.sum(A.paid_fen - A.applied_fen), 0))).one()
    assert books.balance("1131") == owed
    assert books.balance("2205") == credit
    assert books.verify()["status"] == "OK"


def test_tenancy_started_opens_one_account_and_billing_prorates_and_bills_once(books):
    start(books)
    start(books, event_id="ev-again")  # the same tenancy again: absorbed
    assert books.run(rent.bill_month, "2026-11") == 1
    assert books.run(rent.bill_month, "2026-12") == 1
    assert books.run(rent.bill_month, "2026-12") == 0  # twice for a month bills once
    invoices, owed, credit = statement(books)
    # November: 11 of 30 days → 150000 × 11 / 30 = 55000
    assert invoices == {"2026-11": (55_000, 0, None), "2026-12": (150_000, 0, None)}
    assert (owed, credit) == (205_000, 0)
    assert books.balance("1131") == 205_000 and books.balance("4201") == 205_000
    events = books.outbox("rent.invoiced")
    assert [(e["data"]["month"], e["data"]["amount_fen"], e["data"]["due_on"]) for e in events] == [
        ("2026-11", 55_000, "2026-11-20"), ("2026-12", 150_000, "2026-12-15")]
    with pytest.raises(RentError) as e:
        books.run(rent.bill_month, "2027-01")
    assert e.value.field == "month"
    ledger_matches_accounts(books)


def test_partial_full_and_over_payment_allocated_oldest_first(books):
    start(books)
    books.run(rent.bill_month, "2026-11")
    books.run(rent.bill_month, "2026-12")
    pay(books, 30_000, date(2026, 11, 25), "B1")
    assert statement(books)[0]["2026-11"] == (55_000, 30_000, None)
    pay(books, 200_000, date(2026, 11, 30), "B2")  # pays the rest and keeps 25000 credit
    invoices, owed, credit = statement(books)
    assert invoices == {"2026-11": (55_000, 55_000, date(2026, 11, 30)),
                        "2026-12": (150_000, 150_000, date(2026, 11, 30))}
    assert (owed, credit) == (0, 25_000)
    [_, paid] = books.outbox("rent.paid")
    assert (paid["data"]["owed_fen"], paid["data"]["credit_fen"]) == (0, 25_000)
    assert books.balance("1021") == 230_000 and books.balance("2205") == 25_000
    books.today, books.now = date(2027, 1, 1), datetime(2027, 1, 1, 2, tzinfo=UTC)
    books.run(rent.bill_month, "2027-01")  # the credit pays January's invoice at once, in part
    assert statement(books)[0]["2027-01"] == (150_000, 25_000, None)
    ledger_matches_accounts(books)
    again = books.run(rent.record_payment, "T1", 200_000, date(2026, 11, 30), "B2", WANG)
    assert again[1] is False  # the same voucher: the same payment
    with pytest.raises(FutureDate):
        pay(books, 1, date(2027, 1, 2), "B9")


def _final(books):
    invoices, owed, credit = statement(books)
    return invoices, owed, credit, books.balance("1131"), books.balance("2205"), books.balance("1021")


def test_a_backdated_or_reversed_payment_gives_the_in_order_balances(memory_store):
    from finance_books import Books

    def setup():
        b = Books(memory_store("finance"))
        b.today, b.now = date(2027, 1, 1), datetime(2027, 1, 1, 2, tzinfo=UTC)
        start(b)
        for m in ("2026-11", "2026-12", "2027-01"):
            b.run(rent.bill_month, m)
        return b

    in_order = setup()
    pay(in_order, 60_000, date(2026, 11, 22), "B1")
    pay(in_order, 150_000, date(2026, 12, 10), "B2")
    pay(in_order, 100_000, date(2026, 12, 28), "B3")
    backdated = setup()
    pay(backdated, 100_000, date(2026, 12, 28), "B3")
    pay(backdated, 150_000, date(2026, 12, 10), "B2")
    wrong = pay(backdated, 99_999, date(2026, 12, 1), "B-WRONG")
    pay(backdated, 60_000, date(2026, 11, 22), "B1")
    backdated.run(rent.reverse_payment, "T1", wrong.id, "entered on the wrong tenancy", WANG)
    assert _final(backdated) == _final(in_order)
    invoices = _final(in_order)[0]
    assert invoices["2026-11"] == (55_000, 55_000, date(2026, 11, 22))
    assert invoices["2026-12"] == (150_000, 150_000, date(2026, 12, 10))
    assert invoices["2027-01"] == (150_000, 105_000, None)
    ledger_matches_accounts(backdated)
    ledger_matches_accounts(in_order)


def test_rent_reduction_relief_lowers_the_next_invoices_not_paid_as_cash(books):
    start(books)
    books.run(rent.bill_month, "2026-11")
    data = {"relief_id": "RR1", "household_id": "H1", "person_ref": "pref-1", "kind": "rent_reduction",
            "category": "dibao", "amount_fen": 50_000, "year": 2026, "approved_at": books.now,
            "from_month": "2026-10", "months": 2}
    assert books.run(reliefs.receive_approved_relief, "ev-rr1", data) is None
    books.run(rent.bill_month, "2026-12")
    books.today, books.now = date(2027, 2, 1), datetime(2027, 2, 1, 2, tzinfo=UTC)
    books.run(rent.bill_month, "2027-01")
    books.run(rent.bill_month, "2027-02")
    invoices = statement(books)[0]
    # granted from October; November was billed: the two months are December and January
    assert {m: a for m, (a, _, _) in invoices.items()} == {"2026-11": 55_000, "2026-12": 100_000,
                                                          "2027-01": 100_000, "2027-02": 150_000}
    assert books.outbox("relief.paid") == []
    ledger_matches_accounts(books)


def test_move_out_bills_the_last_prorated_month_and_stops(books):
    start(books)
    books.run(rent.bill_month, "2026-11")
    books.run(rent.bill_month, "2026-12")
    books.today, books.now = date(2026, 12, 20), datetime(2026, 12, 20, 2, tzinfo=UTC)
    books.run(rent.end_tenancy, "T1", date(2026, 12, 10))
    # December lowered to 10 of 31 days: 150000 × 10 / 31 = 48387.09… → 48387
    assert statement(books)[0]["2026-12"][0] == 48_387
    books.today, books.now = date(2027, 1, 5), datetime(2027, 1, 5, 2, tzinfo=UTC)
    assert books.run(rent.bill_month, "2027-01") == 0
    with pytest.raises(RentError) as e:  # an ended account takes no more than it owes
        pay(books, 55_000 + 48_387 + 1, date(2027, 1, 5), "B1")
    assert e.value.field == "amount_fen"
    pay(books, 55_000 + 48_387, date(2027, 1, 5), "B1")
    assert statement(books)[1:] == (0, 0)
    ledger_matches_accounts(books)


def test_move_out_in_a_month_not_yet_billed_bills_it_prorated(books):
    start(books)
    books.run(rent.bill_month, "2026-11")
    books.run(rent.end_tenancy, "T1", date(2026, 12, 1))
    assert statement(books)[0]["2026-12"][0] == 4_839  # 150000 / 31 = 4838.7 → 4839
    assert books.run(rent.end_tenancy, "T1", date(2026, 12, 1)).status == "ended"  # again: absorbed


def test_overdue_once_per_threshold(books):
    start(books)
    books.run(rent.bill_month, "2026-11")
    books.run(rent.bill_month, "2026-12")
    pay(books, 50_000, date(2026, 11, 25), "B1")
    assert [d["threshold_days"] for d in books.run(rent.detect_overdue)] == [1]  # Nov due 11-20: 11 days
    assert books.run(rent.detect_overdue) == []
    books.today, books.now = date(2027, 1, 20), datetime(2027, 1, 20, 2, tzinfo=UTC)
    [sent] = books.run(rent.detect_overdue)
    assert (sent["period"], sent["days_overdue"], sent["threshold_days"], sent["bucket"]) == ("2026-11", 61, 61,
                                                                                               "61-90")
    assert sent["overdue_fen"] == 5_000 + 150_000
    assert books.run(rent.detect_overdue) == []
    with books.read() as s:
        total, found, totals = rent.in_arrears(s, books.today, "61-90")
    assert total == 1 and totals == {"1-30": 0, "31-60": 150_000, "61-90": 5_000, "90+": 0}
    assert [e["data"]["threshold_days"] for e in books.outbox("rent.overdue")] == [1, 61]


payments = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 200_000), st.booleans()), min_size=1, max_size=6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payments)
def test_for_any_payments_the_ledger_equals_the_accounts(seq):
    from finance_books import Books

    store = FreshStore()
    try:
        b = Books(store)
        b.today, b.now = date(2027, 1, 31), datetime(2027, 1, 31, 2, tzinfo=UTC)
        start(b)
        start(b, {**TENANCY, "tenancy_id": "T2", "person_ref": "pref-2", "rent_fen": 99_999}, "ev-t2")
        for m in ("2026-11", "2026-12", "2027-01"):
            b.run(rent.bill_month, m)
        for n, (day, fen, undo) in enumerate(seq):
            tenancy = "T1" if n % 2 == 0 else "T2"
            p, _ = b.run(rent.record_payment, tenancy, fen, date(2026, 11, 20) + timedelta(days=day), f"B{n}", WANG)
            if undo:
                b.run(rent.reverse_payment, tenancy, p.id, "mistake", WANG)
            ledger_matches_accounts(b)
    finally:
        store.dispose()


def test_an_end_that_arrives_before_the_start_is_kept_and_applied(books):
    assert books.run(rent.end_tenancy, "T1", date(2026, 11, 30)) is None
    with books.store.uow() as uow:
        account = rent.open_account(uow, books.now, "ev-t1", dict(TENANCY), books.today)
        uow.commit()
    assert (account.status, account.ended_on) == ("ended", date(2026, 11, 30))
    # November billed for 11 days (20–30), nothing after
    assert statement(books)[0] == {"2026-11": (55_000, 0, None)}
    assert books.run(rent.bill_month, "2026-12") == 0
    ledger_matches_accounts(books)


def test_the_billing_timer_bills_last_and_this_month_once_and_sets_the_metric(books):
    from nameko.testing.services import worker_factory
    from prometheus_client import REGISTRY

    from services.common.clock import FixedClock
    from services.finance.service import FinanceService

    start(books)
    svc = worker_factory(FinanceService, db=books.store.worker_db(), clock=FixedClock(books.now),
                         config={"DISTRICT": "demo"})
    svc.name = "finance"
    svc.rent_billing_timer()
    svc.rent_billing_timer()  # again: nothing more
    assert sorted(statement(books)[0]) == ["2026-11", "2026-12"]
    assert len(books.outbox("rent.invoiced")) == 2
    seen = REGISTRY.get_sample_value("anju_finance_billing_last_success_timestamp_seconds",
                                     {"service": "finance", "district": "demo"})
    assert seen == books.now.timestamp()


def test_the_lists_of_accounts_and_invoices_filter_and_page_by_tenancy_and_month(books):
    start(books)
    start(books, dict(TENANCY, tenancy_id="T2", unit_id="U2", start=date(2026, 12, 1)), event_id="ev-t2")
    books.run(rent.bill_month, "2026-11")
    books.run(rent.bill_month, "2026-12")
    pay(books, 55_000, date(2026, 11, 20), "B1")  # T1's November paid off; its December and T2's not
    with books.read() as s:
        total, rows = rent.accounts(s, status="active", page=1, page_size=1)
        assert (total, [a.tenancy_id for a in rows]) == (2, ["T1"])
        assert [a.tenancy_id for a in rent.accounts(s, page=2, page_size=1)[1]] == ["T2"]
        assert rent.accounts(s, status="ended")[0] == 0
        every = rent.invoices(s)[1]
        assert [(i.tenancy_id, i.month) for i in every] == [("T1", "2026-11"), ("T1", "2026-12"), ("T2", "2026-12")]
        unpaid = rent.invoices(s, status="unpaid")[1]
        assert [(i.tenancy_id, i.month) for i in unpaid] == [("T1", "2026-12"), ("T2", "2026-12")]
        assert [i.month for i in rent.invoices(s, status="paid")[1]] == ["2026-11"]
        assert rent.invoices(s, month="2026-12", tenancy_id="T2")[0] == 1
        # due by a day: November's is due on the 20th, December's on the 15th
        assert [i.month for i in rent.invoices(s, due_to=date(2026, 12, 14))[1]] == ["2026-11"]
        assert rent.invoices(s, due_to=date(2026, 12, 15))[0] == 3


def test_a_batch_of_payments_is_recorded_whole_or_refused_whole_naming_the_line(books):
    start(books)
    start(books, dict(TENANCY, tenancy_id="T2", unit_id="U2"), event_id="ev-t2")
    books.run(rent.bill_month, "2026-11")
    line = {"tenancy_id": "T1", "amount_fen": 55_000, "paid_on": date(2026, 11, 20), "reference": "F1-1"}
    late = dict(line, tenancy_id="T2", reference="F1-2", paid_on=books.today + timedelta(days=1))
    with pytest.raises(FutureDate) as e:
        books.run(rent.record_payments, [line, late], WANG)
    assert e.value.field == "payments.1.paid_on"
    with pytest.raises(RentError) as e:
        books.run(rent.record_payments, [dict(line, tenancy_id="T9")], WANG)
    assert e.value.field == "payments.0.tenancy_id"
    assert statement(books)[0]["2026-11"][1] == 0  # the refused batches left nothing behind
    done = books.run(rent.record_payments, [line, dict(late, paid_on=None)], WANG)
    assert [new for _, new in done] == [True, True]
    assert statement(books)[0]["2026-11"][1] == 55_000 and statement(books, "T2")[0]["2026-11"][1] == 55_000
    again = books.run(rent.record_payments, [line], WANG)  # the same file line again: the same payment
    assert [(p.id, new) for p, new in again] == [(done[0][0].id, False)]
    assert len(books.outbox("rent.paid")) == 2
    ledger_matches_accounts(books)


def test_a_batch_gives_the_books_and_events_of_the_same_payments_one_by_one(memory_store):
    """The bulk path (two postings for the whole batch) against record_payment one at a time:
    the same invoices paid, the same balances, the same ledger balances, one rent.paid each; an
    ended account still takes no more than it owes, counting the batch's earlier lines."""
    lines = [("T1", 30_000, date(2026, 11, 20), "A"), ("T2", 55_000, date(2026, 11, 21), "B"),
             ("T1", 200_000, date(2026, 11, 30), "C"), ("T3", 10_000, date(2026, 11, 25), "D")]
    seen = []
    for batch in (False, True):
        books = Books(memory_store("finance"))
        for n in (1, 2, 3):
            start(books, dict(TENANCY, tenancy_id=f"T{n}", unit_id=f"U{n}"), event_id=f"ev-{n}")
        books.run(rent.bill_month, "2026-11")
        books.run(rent.bill_month, "2026-12")
        if batch:
            done = books.run(rent.record_payments, [
                {"tenancy_id": t, "amount_fen": f, "paid_on": on, "reference": r} for t, f, on, r in lines], WANG)
            assert [new for _, new in done] == [True] * 4
        else:
            for t, f, on, r in lines:
                books.run(rent.record_payment, t, f, on, r, WANG)
        ledger_matches_accounts(books)
        seen.append(([statement(books, f"T{n}") for n in (1, 2, 3)],
                     books.balance("1131"), books.balance("2205"), len(books.outbox("rent.paid"))))
    assert seen[0] == seen[1]
    assert seen[1][3] == 4


def test_a_batch_refuses_more_than_an_ended_account_owes_counting_its_own_lines(books):
    start(books)
    books.run(rent.bill_month, "2026-11")
    books.run(rent.end_tenancy, "T1", date(2026, 11, 30))
    owed = statement(books)[1]
    half = {"tenancy_id": "T1", "amount_fen": owed // 2 + 1, "paid_on": date(2026, 11, 25)}
    with pytest.raises(RentError) as e:
        books.run(rent.record_payments, [half | {"reference": "E1"}, half | {"reference": "E2"}], WANG)
    assert e.value.field == "payments.1.amount_fen"
    again = books.run(rent.record_payments, [half | {"reference": "E1"}, half | {"reference": "E1"}], WANG)
    assert [new for _, new in again] == [True, False] and again[0][0].id == again[1][0].id
