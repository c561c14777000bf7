"""金额 money rules, proven beyond the hand-worked examples of domain/test_fin_money.py (issue 20).

The yuan text is checked against an independent computation with ``decimal`` (fen / 100,
quantised to two places, formatted with thousands separators by Python's own ``format``), over
the whole range of amounts and of signs; the amount bound at both edges and every non-int.

Equivalent mutants (scripts/mutate.py excludes them from the score): none.
"""
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from services.finance.domain.money import MAX_AMOUNT_FEN, MAX_LINES, is_amount, yuan, yuan_text


def by_decimal(fen: int) -> str:
    """The same text computed another way: Decimal division, quantised, formatted by ``format``."""
    value = (Decimal(fen) / Decimal(100)).quantize(Decimal("0.01"))
    return format(value, ",.2f")


@given(st.integers(-(10**20), 10**20))
@example(0)
@example(-1)
@example(-99)
@example(-100)
@example(99_999)
@example(-100_000)
def test_yuan_text_equals_an_independent_decimal_computation(fen):
    assert yuan(fen) == by_decimal(fen)
    assert yuan_text(fen) == by_decimal(fen) + " 元"


@pytest.mark.parametrize("fen, text", [
    (-1, "-0.01"), (-99, "-0.99"), (-100, "-1.00"), (-101, "-1.01"), (999, "9.99"), (1_000, "10.00"),
    (99_999, "999.99"), (100_000, "1,000.00"), (-123_456_789, "-1,234,567.89"),
])
def test_yuan_text_by_hand_around_the_carries(fen, text):
    assert yuan(fen) == text


@pytest.mark.parametrize("bad, name", [(1.0, "float"), ("100", "str"), (True, "bool"), (None, "NoneType"),
                                       (Decimal("1"), "Decimal")])
def test_yuan_names_what_it_was_given(bad, name):
    with pytest.raises(TypeError, match=rf"^an amount in fen must be an int, not {name}$"):
        yuan(bad)
    with pytest.raises(TypeError):
        yuan_text(bad)


@given(st.integers(-(10**16), 10**16))
def test_an_amount_is_exactly_a_positive_int_up_to_the_bound(value):
    assert is_amount(value) is (1 <= value <= MAX_AMOUNT_FEN)


@pytest.mark.parametrize("value", [1.0, Decimal(5), "5", True, False, None, 10**14 + 0.0])
def test_nothing_but_an_int_is_an_amount(value):
    assert is_amount(value) is False


def test_the_bounds_keep_every_sum_inside_64_bits():
    """MAX_LINES lines at the bound sum far below 2**63 − 1 (a BigInteger column)."""
    assert MAX_AMOUNT_FEN == 10**14 and MAX_LINES == 100
    assert MAX_LINES * MAX_AMOUNT_FEN < 2**63 - 1
