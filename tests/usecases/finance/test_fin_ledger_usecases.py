"""Posting through the ledger: accountants' entries, idempotency, refusals that write nothing,
reversals, periods, accounts, the trial balance at a date, statements, entries by cause, bulk
posting, and verification in place (with the journal's SQLite triggers in force)."""

from datetime import date, timedelta

import pytest
from finance_books import LI, WANG
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from services.common.errors import NotFound
from services.finance import ledger
from services.finance.domain.ledger import (
    AccountNotPostable,
    Cause,
    EntryDraft,
    FutureDate,
    IdempotencyConflict,
    InvalidEntry,
    NotReversible,
    Overdraft,
    PeriodClosed,
    PeriodError,
    UnknownAccount,
    credit,
    debit,
)


def _manual(books, lines, **kw):
    kw.setdefault("memo", "调账")
    return books.run(ledger.manual_entry, lines=lines, recorded_by=WANG, **kw)


def test_an_entry_is_chained_and_moves_the_balances(books):
    books.receipt(10_000, "donation")
    entry, created = _manual(books, [debit("1001", 2_500), credit("1002:donation", 2_500)], idempotency_id="adj-1",
                             request_id="req-7")
    assert created and entry.seq == 2 and entry.kind == "manual" and entry.posted_on == books.today
    assert books.balance("1001") == 2_500 and books.balance("1002:donation") == 7_500
    assert (entry.cause_type, entry.cause_id, entry.request_id, entry.recorded_by) == ("manual", "adj-1", "req-7",
                                                                                          WANG)
    assert books.verify()["status"] == "OK"
    tb = books.trial()
    assert tb["balanced"] and tb["debit_total_fen"] == tb["credit_total_fen"] == 12_500


def test_the_same_idempotency_id_returns_the_original_and_other_content_is_refused(books):
    books.receipt(10_000, "donation")
    lines = [debit("1001", 100), credit("1002:donation", 100)]
    first, _ = _manual(books, lines, idempotency_id="adj-9")
    books.today += timedelta(days=1)  # a retry the next day, date not given: still the same entry
    again, created = _manual(books, lines, idempotency_id="adj-9")
    assert not created and again.id == first.id and again.hash == first.hash
    with pytest.raises(IdempotencyConflict) as err:
        _manual(books, [debit("1001", 101), credit("1002:donation", 101)], idempotency_id="adj-9")
    assert err.value.field == "idempotency_id"
    assert books.balance("1001") == 100


@pytest.mark.parametrize("lines, error, field", [
    ([debit("1001", 5)], InvalidEntry, "lines"),
    ([debit("1001", 5), credit("4105", 4)], InvalidEntry, "lines"),
    ([debit("9999", 5), credit("4105", 5)], UnknownAccount, "lines[0].account"),
    ([debit("1002", 5), credit("4105", 5)], AccountNotPostable, "lines[0].account"),
    ([debit("4105", 5), credit("1002:donation", 5)], Overdraft, "lines"),
    ([debit("1009:donation", 5), credit("4105", 5)], AccountNotPostable, "lines[0].account"),
])
def test_a_refused_entry_writes_nothing(books, lines, error, field):
    with pytest.raises(error) as err:
        _manual(books, lines)
    assert err.value.field == field
    assert books.trial()["accounts"] == [] and books.outbox() == []
    assert books.verify()["entries_verified"] == 0


def test_a_closed_account_and_an_unknown_one(books):
    books.run(lambda uow, now, today: ledger.close_account(uow, now, "1122"))
    with pytest.raises(AccountNotPostable, match="closed"):
        _manual(books, [debit("1122", 5), credit("4105", 5)])
    books.receipt(500, "donation")
    with pytest.raises(AccountNotPostable, match="still holds"):
        books.run(lambda uow, now, today: ledger.close_account(uow, now, "1002:donation"))
    with pytest.raises(NotFound):
        books.run(lambda uow, now, today: ledger.close_account(uow, now, "7777"))
    opened = books.run(lambda uow, now, today: ledger.open_account(uow, now, "5101:P7"))
    assert opened.project_id == "P7"
    with pytest.raises(UnknownAccount):
        books.run(lambda uow, now, today: ledger.open_account(uow, now, "5101:P7:x"))


def test_future_dates_and_closed_periods(books):
    books.receipt(10_000, "donation", on=date(2026, 10, 5))
    with pytest.raises(FutureDate):
        _manual(books, [debit("1001", 5), credit("1002:donation", 5)], posted_on=date(2026, 12, 2))
    assert books.run(ledger.close_period, "2026-10", WANG) == "2026-10"
    with pytest.raises(PeriodClosed) as err:
        _manual(books, [debit("1001", 5), credit("1002:donation", 5)], posted_on=date(2026, 10, 31))
    assert err.value.field == "posted_on"
    _manual(books, [debit("1001", 5), credit("1002:donation", 5)], posted_on=date(2026, 11, 1))
    with pytest.raises(PeriodError, match="not ended"):
        books.run(ledger.close_period, "2026-12", WANG)
    with pytest.raises(PeriodError, match="already closed"):
        books.run(ledger.close_period, "2026-09", WANG)
    with books.read() as s:
        periods, rows = ledger.current_periods(s, "demo")
    assert periods.closed_through == "2026-10" and [r.month for r in rows] == ["2026-10"]


def test_a_reversal_links_the_original_carries_a_reason_and_lands_in_the_open_period(books):
    books.receipt(10_000, "donation", on=date(2026, 10, 5))
    entry, _ = _manual(books, [debit("1001", 700), credit("1002:donation", 700)], posted_on=date(2026, 10, 9))
    books.run(ledger.close_period, "2026-10", WANG)
    with pytest.raises(InvalidEntry, match="reason"):
        books.run(ledger.reverse_entry, entry.id, reason=" ", recorded_by=LI)
    undo, created = books.run(ledger.reverse_entry, entry.id, reason="录错金额", recorded_by=LI)
    assert created and undo.reverses == entry.id and undo.reason == "录错金额" and undo.posted_on == books.today
    assert [(ln.account, ln.amount_fen) for ln in undo.lines] == [("1001", -700), ("1002:donation", 700)]
    again, created = books.run(ledger.reverse_entry, entry.id, reason="录错金额", recorded_by=LI)
    assert not created and again.id == undo.id
    with pytest.raises(NotReversible, match="already reversed"):
        books.run(ledger.reverse_entry, entry.id, reason="again, differently", recorded_by=LI)
    with pytest.raises(NotReversible, match="not reversed again"):
        books.run(ledger.reverse_entry, undo.id, reason="x", recorded_by=LI)
    with books.read() as s:
        receipt_entry = ledger.entries(s, "demo", kind="receipt")[1][0]
    with pytest.raises(NotReversible, match="workflow"):
        books.run(ledger.reverse_entry, receipt_entry.id, reason="x", recorded_by=LI)
    with pytest.raises(NotFound):
        books.run(ledger.reverse_entry, "nope", reason="x", recorded_by=LI)
    assert books.balance("1001") == 0 and books.balance("1002:donation") == 10_000


def test_the_trial_balance_at_a_date_and_a_statement_with_running_balance(books):
    books.receipt(1_000, "donation", on=date(2026, 11, 1))
    books.receipt(2_000, "donation", on=date(2026, 11, 15))
    _manual(books, [debit("1001", 300), credit("1002:donation", 300)], posted_on=date(2026, 11, 20))
    books.receipt(4_000, "donation", on=date(2026, 11, 25))
    early = books.trial(date(2026, 11, 10))
    assert [(a["account"], a["natural_balance_fen"]) for a in early["accounts"]] == [("1002:donation", 1_000),
                                                                                   ("4105", 1_000)]
    assert books.trial(date(2026, 10, 31))["accounts"] == []
    with books.read() as s:
        page1 = ledger.statement(s, "1002:donation", date(2026, 11, 10), date(2026, 11, 30), 1, 2)
        page2 = ledger.statement(s, "1002:donation", date(2026, 11, 10), date(2026, 11, 30), 2, 2)
    assert page1["opening_balance_fen"] == 1_000 and page1["closing_balance_fen"] == 6_700 and page1["total"] == 3
    assert [(ln["side"], ln["amount_fen"], ln["balance_fen"]) for ln in page1["lines"]] == [("debit", 2_000, 3_000),
                                                                                           ("credit", 300, 2_700)]
    assert [(ln["side"], ln["amount_fen"], ln["balance_fen"]) for ln in page2["lines"]] == [("debit", 4_000, 6_700)]
    with books.read() as s, pytest.raises(NotFound):
        ledger.statement(s, "8888", date(2026, 1, 1), date(2026, 12, 1), 1, 10)


def test_entries_by_cause_kind_account_and_date_are_paged_in_chain_order(books):
    receipts = [books.receipt(100 * i, "donation") for i in range(1, 6)]
    _manual(books, [debit("1001", 50), credit("1002:donation", 50)], request_id="req-x")
    with books.read() as s:
        total, page = ledger.entries(s, "demo", kind="receipt", page=2, page_size=2)
        assert total == 5 and [e.cause_id for e in page] == [receipts[2].id, receipts[3].id]
        assert ledger.entries(s, "demo", cause_type="fund_receipt", cause_id=receipts[4].id)[1][0].seq == 5
        assert [e.kind for e in ledger.entries(s, "demo", account="1001")[1]] == ["manual"]
        assert ledger.entries(s, "demo", request_id="req-x")[0] == 1
        assert ledger.entries(s, "demo", posted_from=date(2026, 12, 2))[0] == 0
        with pytest.raises(NotFound):
            ledger.entry(s, "nope")


def test_many_entries_post_in_one_transaction_or_none_do(books):
    books.receipt(1_000, "donation")

    def draft(i, amount, key=None):
        key = key or f"bulk:{i}"
        return EntryDraft("manual", books.today, f"#{i}", (debit("1001", amount), credit("1002:donation", amount)),
                          key, Cause("manual", key), WANG)

    done = books.run(ledger.post_entries, [draft(i, 100) for i in range(5)])
    assert [e.seq for e, created in done] == [2, 3, 4, 5, 6] and all(created for _, created in done)
    with pytest.raises(Overdraft):  # the sixth and seventh would overdraw the fund: neither is written
        books.run(ledger.post_entries, [draft(5, 400), draft(6, 400)])
    with pytest.raises(InvalidEntry, match="twice"):
        books.run(ledger.post_entries, [draft(7, 1), draft(8, 1, key="same"), draft(9, 1, key="same")])
    with pytest.raises(InvalidEntry) as err:
        books.run(ledger.post_entries, [draft(10, 1), EntryDraft("manual", books.today, "", (debit("1001", 1),), "k",
                                                                 Cause("manual", "k"), WANG)])
    assert err.value.field == "entries[1].lines"
    replay = books.run(ledger.post_entries, [draft(0, 100), draft(11, 100)])
    assert [created for _, created in replay] == [False, True]
    assert books.balance("1002:donation") == 400 and books.verify()["status"] == "OK"


def test_verification_in_place_finds_a_changed_amount_and_a_changed_balance(books):
    books.receipt(5_000, "donation")
    books.receipt(7_000, "union_funds")
    assert books.verify()["status"] == "OK"
    with books.store.engine.begin() as conn:
        with pytest.raises(IntegrityError, match="append-only"):
            conn.execute(text("UPDATE journal_lines SET amount_fen = 9000 WHERE account_code = '1002:union_funds'"))
    with books.store.engine.begin() as conn:  # someone with the database's keys drops the guard and edits
        conn.execute(text("DROP TRIGGER journal_lines_no_update"))
        conn.execute(text("UPDATE journal_lines SET amount_fen = amount_fen + "
                          "CASE WHEN amount_fen > 0 THEN 1000 ELSE -1000 END WHERE entry_seq = 2"))  # still balanced
    report = books.verify()
    assert report["status"] == "MISMATCH" and report["first_mismatch"]["seq"] == 2
    assert "hash does not match" in report["first_mismatch"]["reason"]


def test_the_kept_balance_is_checked_against_the_lines(books):
    books.receipt(5_000, "donation")
    with books.store.engine.begin() as conn:
        conn.execute(text("UPDATE accounts SET balance_fen = balance_fen + 1 WHERE code = '4105'"))
    report = books.verify()
    assert report["status"] == "MISMATCH" and report["balance_mismatches"] == [
        {"account": "4105", "kept_fen": -4_999, "from_lines_fen": -5_000}]


def test_the_export_verifies_and_the_chart_lists_unused_base_accounts(books):
    books.receipt(5_000, "donation")
    with books.read() as s:
        doc = ledger.export(s, "demo", books.now)
        chart = {a.code: balance for a, balance in ledger.chart_accounts(s)}
        assets = ledger.chart_accounts(s, type_="asset", prefix="100")
    from services.finance.domain.chain import verify_export

    assert verify_export(doc).ok and doc["head"]["seq"] == 1 and len(doc["entries"]) == 1
    assert chart["1002:donation"] == 5_000 and chart["1001"] == 0 and "5201" in chart
    assert {a.code for a, _ in assets} == {"1001", "1002", "1002:donation", "1009"}
