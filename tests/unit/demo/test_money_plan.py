"""The demo's rent and loan plan: who pays how follows from a tenancy's position alone, the
months a tenancy is billed for are counted by hand, the loans fit the union's fund."""

from __future__ import annotations

from collections import Counter
from datetime import date

from services.demo import loans, rent
from services.demo.district import generate


def test_most_pay_on_time_some_late_a_few_in_arrears():
    kinds = Counter(rent.payer(p) for p in range(100))  # late 3,13..93; cleared 11,36,61,86; 19,69; 44,94
    assert kinds == {"on_time": 82, "late": 10, "arrears_cleared": 4, "arrears_from_7": 2, "arrears_from_10": 2}
    # 45 tenancies (a 150-worker demo): each kind is there
    assert set(rent.payer(p) for p in range(45)) == {"on_time", "late", "arrears_cleared", "arrears_from_7",
                                                     "arrears_from_10"}


def test_who_stops_paying_when():
    assert [m for m in range(1, 13) if rent.pays_nothing(rent.ARREARS_CLEARED, m)] == [3, 4, 5, 6, 7, 8]
    assert [m for m in range(1, 13) if rent.pays_nothing(rent.HARDSHIP, m)] == [2, 3, 4]
    assert [m for m in range(1, 13) if rent.pays_nothing(rent.ARREARS_FROM_10, m)] == [10, 11, 12]
    assert not any(rent.pays_nothing(rent.ON_TIME, m) or rent.pays_nothing(rent.LATE, m) for m in range(1, 13))
    assert rent.clears_arrears(rent.ARREARS_CLEARED, 9) and rent.clears_arrears(rent.HARDSHIP, 5)
    assert not rent.clears_arrears(rent.ARREARS_FROM_7, 12)


def test_months_and_the_first_of_next_month():
    assert rent.months_from(date(2025, 11, 20), date(2026, 2, 1)) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert rent.months_from(date(2026, 3, 31), date(2026, 3, 31)) == ["2026-03"]
    assert rent.first_of_next_month(date(2026, 1, 31)) == date(2026, 2, 1)
    assert rent.first_of_next_month(date(2025, 12, 1)) == date(2026, 1, 1)
    assert rent.first_of_next_month(date(2024, 2, 29)) == date(2024, 3, 1)


def test_the_loans_fit_the_union_fund_at_every_size():
    for workers in (100, 150, 400, 2000, 5000):
        n = loans.loan_count(workers)
        union_fund = sum(r.amount_fen for r in generate(workers, 7, date(2025, 1, 1)).receipts
                         if r.source == "union_funds" and not r.for_relief)
        lent = sum(loans.amount_of(i) for i in range(n - 1))  # the last is rejected
        assert 4 <= n <= 20 and lent < union_fund, (workers, lent, union_fund)
    assert [loans.amount_of(i) for i in range(4)] == [1_500_000, 2_000_000, 2_500_000, 1_500_000]
