"""Rent rules: proration, reductions, allocation oldest first, ageing (examples worked by hand)."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.finance.domain.rent import (
    Invoice,
    Payment,
    Reduction,
    allocate,
    arrears,
    charge_for,
    effective_from,
    prorate,
    reduction_in,
    threshold_crossed,
)


def test_proration_worked_by_hand():
    # 1,500.00 元 from 2026-11-20: 11 of 30 days → 150000 × 11 / 30 = 55000
    c = charge_for("2026-11", date(2026, 11, 20), date(2027, 11, 19), 150_000)
    assert (c.days, c.days_in_month, c.gross_fen, c.due_on) == (11, 30, 55_000, date(2026, 11, 20))
    # a whole month is the rent exactly; due on the 15th
    c = charge_for("2026-12", date(2026, 11, 20), date(2027, 11, 19), 150_000)
    assert (c.days, c.gross_fen, c.due_on) == (31, 150_000, date(2026, 12, 15))
    # last month through 2027-11-19: 19 of 30 days → 95000
    assert charge_for("2027-11", date(2026, 11, 20), date(2027, 11, 19), 150_000).gross_fen == 95_000
    # 1,000.01 元 for 10 of February 2027's 28 days: 100001 × 10 / 28 = 35714.64 → 35715 (half-up)
    assert charge_for("2027-02", date(2027, 2, 19), date(2028, 1, 1), 100_001).gross_fen == 35_715
    # 1 fen × 15/30 = 0.5 → 1
    assert prorate(1, 15, 30) == 1 and prorate(1, 14, 30) == 0
    assert charge_for("2027-12", date(2026, 11, 20), date(2027, 11, 19), 150_000) is None


def test_reductions():
    reductions = [Reduction("2026-12", 3, 50_000), Reduction("2027-02", 1, 200_000)]
    assert [reduction_in(m, reductions) for m in ("2026-11", "2026-12", "2027-01", "2027-02", "2027-03")] == [
        0, 50_000, 50_000, 250_000, 0]
    c = charge_for("2027-02", date(2026, 11, 20), date(2027, 11, 19), 150_000, 250_000)
    assert (c.gross_fen, c.reduction_fen, c.amount_fen) == (150_000, 150_000, 0)  # never below zero
    assert effective_from("2026-10", "2026-12") == "2026-12"
    assert effective_from("2027-03", "2026-12") == "2027-03"
    assert effective_from(None, "2026-12") == "2026-12"


INV = [Invoice("a", "2026-11", 55_000, date(2026, 11, 20)), Invoice("b", "2026-12", 150_000, date(2026, 12, 15)),
       Invoice("c", "2027-01", 150_000, date(2027, 1, 15))]


def test_allocation_oldest_first_partial_and_credit():
    pays = [Payment("p1", date(2026, 12, 1), 100_000), Payment("p2", date(2027, 1, 3), 300_000)]
    a = allocate(INV, pays)
    assert a.paid == {"a": 55_000, "b": 150_000, "c": 150_000}
    assert a.paid_off_on == {"a": date(2026, 12, 1), "b": date(2027, 1, 3), "c": date(2027, 1, 3)}
    assert (a.owed_fen, a.credit_fen) == (0, 45_000)
    partial = allocate(INV, pays[:1])
    assert partial.paid == {"a": 55_000, "b": 45_000, "c": 0}
    assert partial.paid_off_on["b"] is None and partial.owed_fen == 255_000


def test_ageing_buckets_worked_by_hand():
    a = allocate(INV, [Payment("p1", date(2026, 12, 1), 100_000)])
    got = arrears(INV, a, date(2027, 2, 20))
    # b (105,000 unpaid) due 12-15: 67 days → 61–90; c due 01-15: 36 days → 31–60
    assert got.buckets == {"1-30": 0, "31-60": 150_000, "61-90": 105_000, "90+": 0}
    assert (got.days_overdue, got.oldest_month, got.bucket.value, got.overdue_fen) == (67, "2026-12", "61-90",
                                                                                       255_000)
    assert threshold_crossed(0) is None and threshold_crossed(1) == 1 and threshold_crossed(67) == 61
    assert threshold_crossed(90) == 61 and threshold_crossed(91) == 91


invoices = st.lists(st.integers(0, 300_000), min_size=1, max_size=8).map(
    lambda amounts: [Invoice(f"i{n}", f"2026-{n + 1:02d}", fen, date(2026, n + 1, 15))
                     for n, fen in enumerate(amounts)])
payments = st.lists(st.tuples(st.integers(0, 400), st.integers(1, 400_000)), max_size=10).map(
    lambda xs: [Payment(f"p{n}", date(2026, 1, 1) + timedelta(days=d), fen) for n, (d, fen) in enumerate(xs)])


@settings(max_examples=200, deadline=None)
@given(invoices, payments, st.randoms(use_true_random=False))
def test_any_entry_order_gives_the_same_allocation(invs, pays, rnd):
    shuffled_p, shuffled_i = list(pays), list(invs)
    rnd.shuffle(shuffled_p)
    rnd.shuffle(shuffled_i)
    assert allocate(shuffled_i, shuffled_p) == allocate(invs, pays)
    a = allocate(invs, pays)
    assert a.owed_fen >= 0 and a.credit_fen >= 0
    assert a.owed_fen == 0 or a.credit_fen == 0
    assert a.applied_fen == min(a.invoiced_fen, a.paid_fen)
    # oldest first: an invoice is paid only when all older ones are paid in full
    seen_unpaid = False
    for inv in sorted(invs, key=lambda i: i.month):
        if seen_unpaid:
            assert a.paid[inv.key] == 0 or inv.amount_fen == 0
        if a.paid[inv.key] < inv.amount_fen:
            seen_unpaid = True
