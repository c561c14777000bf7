"""Property: over any sequence of receipts, requests, approvals, rejections, reversals and cash
reliefs — each of which may be refused — the trial balance is zero, every fund's balance is its
receipts minus its disbursements, what a fund holds back equals its pending requests, no
no-overdraft account is ever negative, a refused operation changes nothing, and the hash chain
verifies; and changing any stored amount afterwards makes the verification fail."""

from collections import defaultdict

from finance_books import LI, WANG, Books, FreshStore
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from services.finance import funds, ledger, models, reliefs, repository
from services.finance.domain.funds import FundsError
from services.finance.domain.ledger import LedgerError
from services.finance.domain.relief import ReliefConflict

SOURCES = ["finance_bureau", "union_funds", "donation"]
FUNDS = ["general", "P1", "P2", "relief"]

op = st.one_of(
    st.tuples(st.just("receipt"), st.sampled_from(SOURCES), st.sampled_from(FUNDS), st.integers(1, 60_000)),
    st.tuples(st.just("request"), st.sampled_from(SOURCES), st.sampled_from(FUNDS[:3]), st.integers(1, 60_000)),
    st.tuples(st.just("approve"), st.integers(0, 30)),
    st.tuples(st.just("reject"), st.integers(0, 30)),
    st.tuples(st.just("reverse"), st.integers(0, 30)),
    st.tuples(st.just("relief"), st.integers(1, 30_000), st.sampled_from(["dibao", "sanwu"])),
)


def _apply(books, step, state):
    kind = step[0]
    if kind == "receipt":
        _, source, fund, amount = step
        state["receipts"].append(books.receipt(amount, source, project=fund if fund.startswith("P") else None,
                                               relief=fund == "relief"))
    elif kind == "request":
        _, source, fund, amount = step
        earmark = fund if fund.startswith("P") else None
        state["requests"].append(books.request(amount, source, project=earmark or "P3", earmark=earmark))
    elif kind in ("approve", "reject") and state["requests"]:
        request = state["requests"][step[1] % len(state["requests"])]
        if kind == "approve":
            books.run(funds.approve_disbursement, request.id, LI)
        else:
            books.run(funds.reject_disbursement, request.id, LI, "no")
    elif kind == "reverse" and state["receipts"]:
        books.run(funds.reverse_receipt, state["receipts"][step[1] % len(state["receipts"])].id, "mistake", LI)
    elif kind == "relief":
        state["n"] += 1
        books.relief(f"R{state['n']}", step[1], category=step[2])


def _check(books):
    with books.read() as s:
        tb = ledger.trial_balance(s, None)
        assert tb["balanced"], tb
        accounts = s.execute(select(repository.ACCOUNTS)).all()
        for a in accounts:
            if a.no_overdraft:
                assert a.balance_fen * a.normal_sign >= 0, a.code
        money = defaultdict(int)   # what each fund holds (available + held), from the ledger
        held = defaultdict(int)
        for a in accounts:
            if a.earmark:
                key = (a.fund_source, a.earmark, a.project_id)
                money[key] += a.balance_fen
                held[key] += a.balance_fen if a.held else 0
        expected, pending = defaultdict(int), defaultdict(int)
        for r in s.scalars(select(models.FundReceipt).where(models.FundReceipt.status == "recorded")):
            expected[(r.source, r.earmark, r.earmark_project_id)] += r.amount_fen
        for d in s.scalars(select(models.DisbursementRequest)):
            key = (d.source, "project" if d.earmark_project_id else "general", d.earmark_project_id)
            if d.status == "approved":
                expected[key] -= d.amount_fen
            elif d.status == "requested":
                pending[key] += d.amount_fen
        relief_paid = sum(r.amount_paid_fen for r in s.scalars(select(models.ReliefPayment)))
        relief_money = sum(v for k, v in money.items() if k[1] == "relief")
        relief_in = sum(v for k, v in expected.items() if k[1] == "relief")
        assert relief_money == relief_in - relief_paid
        for key in set(money) | set(expected):
            if key[1] != "relief":
                assert money[key] == expected[key], key
        assert {k: v for k, v in held.items() if v} == {k: v for k, v in pending.items() if v}
    assert books.verify()["status"] == "OK"


def _head(books):
    with books.read() as s:
        return repository.chain_head(s, "demo"), repository.stored_balances(s)


@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(op, max_size=22), data=st.data())
def test_the_books_always_balance_and_any_changed_amount_is_caught(steps, data):
    store = FreshStore()
    try:
        books = Books(store)
        books.budget("P1", 150_000)
        books.budget("P2", 150_000)
        books.budget("P3", 10**12)
        books.run(reliefs.set_relief_budget, 2026, 80_000, WANG)
        state = {"receipts": [], "requests": [], "n": 0}
        for step in steps:
            before = _head(books)
            try:
                _apply(books, step, state)
            except (LedgerError, FundsError, ReliefConflict):
                assert _head(books) == before  # refused whole: nothing half-posted
            _check(books)
        with store.engine.connect() as conn:
            lines = conn.execute(text("SELECT entry_id, line_no, amount_fen FROM journal_lines "
                                      "ORDER BY entry_seq, line_no")).all()
        if lines:
            entry_id, line_no, amount = lines[data.draw(st.integers(0, len(lines) - 1), label="line")]
            delta = data.draw(st.integers(-10**6, 10**6).filter(lambda d: d and d != -amount), label="delta")
            with store.engine.begin() as conn:
                conn.execute(text("DROP TRIGGER journal_lines_no_update"))
                conn.execute(text("UPDATE journal_lines SET amount_fen = amount_fen + :d "
                                  "WHERE entry_id = :e AND line_no = :n"),
                             {"d": delta, "e": entry_id, "n": line_no})
            assert books.verify()["status"] == "MISMATCH"
            with books.read() as s:
                doc = ledger.export(s, "demo", books.now)
            from services.finance.domain.chain import verify_export

            assert not verify_export(doc).ok
    finally:
        store.dispose()
