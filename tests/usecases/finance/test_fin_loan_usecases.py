"""Loan use cases on an in-memory SQLite: product → application → approval by another officer →
disbursement from the union's fund → repayments (one backdated) → prepayment → settlement; the
overdue check with penalty; bad input refused naming the field; the ledger equals the loans."""

from datetime import UTC, date, datetime, timedelta

import pytest
from finance_books import LI, WANG, FreshStore
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.common.errors import Conflict
from services.finance import loans
from services.finance.domain.ledger import FutureDate, Overdraft
from services.finance.domain.loans import LoanError, SelfApproval, TxKind
from services.finance.domain.schedule import PrepaymentOption

PRODUCT = {"name": "工会安居贷", "annual_rate": "0.12", "subsidy_share": "0.3", "max_amount_fen": 10_000_000,
           "terms": [3, 12], "method": "equal_instalment", "penalty_rate": "0.18", "grace_days": 5,
           "allocation_order": ["penalty", "interest", "principal"]}
DAY0 = date(2026, 1, 31)


def at(books, day):
    books.today, books.now = day, datetime(day.year, day.month, day.day, 2, tzinfo=UTC)


def new_loan(books, amount=120_000, term=3):
    at(books, DAY0)
    books.receipt(10_000_000, "union_funds")
    with books.store.uow() as uow:
        loans.set_product(uow, books.now, "ANJU", dict(PRODUCT), WANG)
        loan = loans.apply(uow, books.now, "ANJU", "pref-b1", amount, term, WANG)
        uow.commit()
        return loan.id


def approve_and_disburse(books, loan_id):
    with books.store.uow() as uow:
        loans.decide(uow, books.now, loan_id, True, LI)
        uow.commit()
    books.run(loans.disburse, loan_id, LI)


def pay(books, loan_id, kind, fen, on, ref, option=None):
    return books.run(loans.pay, loan_id, kind, fen, on, ref, WANG, option)


def ledger_matches_loans(books):
    from sqlalchemy import select

    from services.finance import models
    with books.read() as s:
        rows = s.scalars(select(models.Loan).where(models.Loan.disbursed_on.is_not(None))).all()
        states = [loans.state(s, r, books.today) for r in rows]
    assert books.balance("1301") == sum(x.principal_left_fen for x in states)
    assert books.balance("1303") == sum(x.total("interest") + x.total("penalty") - x.paid("interest")
                                        - x.paid("penalty") for x in states)
    assert books.balance("2206") == sum(x.credit_fen for x in states)
    assert books.balance("5301") == sum(x.total("subsidy") for x in states)
    assert books.verify()["status"] == "OK"


def test_maker_checker_and_product_limits(books):
    loan_id = new_loan(books)
    with books.store.uow() as uow, pytest.raises(SelfApproval):
        loans.decide(uow, books.now, loan_id, True, WANG)  # the officer who took it
    with books.store.uow() as uow:
        for amount, term, field in ((10_000_001, 3, "amount_fen"), (1_000, 6, "term_months")):
            with pytest.raises(LoanError) as e:
                loans.apply(uow, books.now, "ANJU", "pref-b2", amount, term, WANG)
            assert e.value.field == field
        with pytest.raises(LoanError) as e:
            loans.apply(uow, books.now, "NOPE", "pref-b2", 1, 3, WANG)
        assert e.value.field == "product_code"
    with pytest.raises(Conflict):  # not approved yet
        books.run(loans.disburse, loan_id, LI)


def test_a_loan_from_approval_to_settlement(books):
    loan_id = new_loan(books)
    approve_and_disburse(books, loan_id)
    [approved] = books.outbox("loan.approved")
    [disbursed] = books.outbox("loan.disbursed")
    assert approved["data"]["amount_fen"] == 120_000 and disbursed["data"]["first_due_fen"] == 40_443
    assert disbursed["data"]["total_subsidy_fen"] == 360 + 241 + 121
    assert books.balance("1002:union_funds") == 10_000_000 - 120_000 and books.balance("1301") == 120_000
    # instalment 1 due 02-28 (40443 for the borrower) paid late, on 03-15: penalty 198 (see the domain test)
    at(books, date(2026, 3, 15))
    sent = books.run(loans.check_overdue)
    assert [(d["instalment"], d["threshold_days"]) for d in sent] == [(1, 1)]
    assert books.run(loans.check_overdue) == []
    assert books.balance("5301") == 360  # the union's part of instalment 1's interest, its expense
    assert books.balance("4301") == 1_200  # the whole interest is income
    tx, state, created = pay(books, loan_id, TxKind.REPAYMENT, 40_443 + 198, date(2026, 3, 15), "L1")
    assert created and state.arrears_fen == 0 and books.balance("4302") == 198
    ledger_matches_loans(books)
    # prepay 30000 after instalment 2 is paid; then settle on 04-10
    at(books, date(2026, 3, 31))
    pay(books, loan_id, TxKind.REPAYMENT, 40_562, date(2026, 3, 31), "L2")
    pay(books, loan_id, TxKind.PREPAYMENT, 30_000, date(2026, 3, 31), "L3", PrepaymentOption.SAME_TERM)
    at(books, date(2026, 4, 10))
    with books.read() as s:
        q = loans.quote(s, loan_id, books.today)
    left = 120_000 - 39_603 - 39_999 - 30_000  # 10398
    # 10398 × 0.12 × 10 / 360 = 34.66 → 35; union 10.5 → 11 (half-up), borrower 24
    assert (q["principal_fen"], q["interest_fen"], q["subsidy_fen"], q["total_fen"]) == (left, 35, 11, left + 24)
    with pytest.raises(LoanError):
        pay(books, loan_id, TxKind.SETTLEMENT, q["total_fen"] - 1, books.today, "L4")
    pay(books, loan_id, TxKind.SETTLEMENT, q["total_fen"], books.today, "L4")
    [settled] = books.outbox("loan.settled")
    assert settled["data"]["settled_on"] == "2026-04-10"
    with pytest.raises(LoanError) as e:  # a settled loan takes no more money
        pay(books, loan_id, TxKind.REPAYMENT, 100, books.today, "L5")
    assert e.value.field == "loan_id"
    assert books.balance("1301") == 0 and books.balance("1303") == 0 and books.balance("2206") == 0
    assert books.balance("1022") == 40_641 + 40_562 + 30_000 + left + 24
    ledger_matches_loans(books)


def test_bad_payments_are_refused_whole(books):
    loan_id = new_loan(books)
    approve_and_disburse(books, loan_id)
    at(books, date(2026, 2, 10))
    with pytest.raises(FutureDate):
        pay(books, loan_id, TxKind.REPAYMENT, 1, date(2026, 2, 11), "B1")
    with pytest.raises(LoanError) as e:  # more than the principal owed
        pay(books, loan_id, TxKind.PREPAYMENT, 120_000, books.today, "B2", PrepaymentOption.SHORTER_TERM)
    assert e.value.field == "amount_fen"
    pay(books, loan_id, TxKind.REPAYMENT, 500, books.today, "B3")
    assert pay(books, loan_id, TxKind.REPAYMENT, 500, books.today, "B3")[2] is False  # the same voucher
    with pytest.raises(Conflict):
        pay(books, loan_id, TxKind.REPAYMENT, 501, books.today, "B3")
    assert books.balance("1022") == 500
    ledger_matches_loans(books)


def test_disbursement_needs_the_money_in_the_union_fund(books):
    at(books, DAY0)
    with books.store.uow() as uow:
        loans.set_product(uow, books.now, "ANJU", dict(PRODUCT), WANG)
        loan = loans.apply(uow, books.now, "ANJU", "pref-b1", 120_000, 3, WANG)
        loans.decide(uow, books.now, loan.id, True, LI)
        uow.commit()
    with pytest.raises(Overdraft) as e:
        books.run(loans.disburse, loan.id, LI)
    assert e.value.field == "amount_fen"


def _run(seq, order):
    from finance_books import Books

    store = FreshStore()
    try:
        b = Books(store)
        loan_id = new_loan(b, 1_000_000, 12)
        approve_and_disburse(b, loan_id)
        at(b, DAY0 + timedelta(days=200))
        for n in order:
            day, fen = seq[n]
            pay(b, loan_id, TxKind.REPAYMENT, fen, DAY0 + timedelta(days=day), f"R{n}")
            ledger_matches_loans(b)
        b.run(loans.check_overdue)
        ledger_matches_loans(b)
        with b.read() as s:
            st_ = loans.state(s, loans.get_loan(s, loan_id), b.today)
        return st_, {c: b.balance(c) for c in ("1301", "1303", "2206", "4301", "4302", "5301")}
    finally:
        store.dispose()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 120_000)), min_size=1, max_size=5),
       st.randoms(use_true_random=False))
def test_backdated_repayments_give_the_in_order_books(seq, rnd):
    in_order = sorted(range(len(seq)), key=lambda n: (seq[n][0], n))
    shuffled = list(range(len(seq)))
    rnd.shuffle(shuffled)
    a, b = _run(seq, in_order), _run(seq, shuffled)
    assert a[0].dues == b[0].dues and a[0].credit_fen == b[0].credit_fen
    assert a[1] == b[1]


def test_the_list_of_loans_in_the_order_taken_by_status_and_borrower(books):
    first = new_loan(books)
    approve_and_disburse(books, first)
    with books.store.uow() as uow:
        second = loans.apply(uow, books.now + timedelta(seconds=1), "ANJU", "pref-b2", 100_000, 3, WANG).id
        uow.commit()
    with books.read() as s:
        assert [x.id for x in loans.loans(s)[1]] == [first, second]
        assert [x.id for x in loans.loans(s, status="active")[1]] == [first]
        assert [x.id for x in loans.loans(s, person_ref="pref-b2")[1]] == [second]
        assert loans.loans(s, page=2, page_size=1) == (2, [s.get(loans.L, second)])
