"""Fen to yuan text: exact, by integer arithmetic (examples worked out by hand)."""

import pytest

from services.finance.domain.money import MAX_AMOUNT_FEN, is_amount, yuan, yuan_text


@pytest.mark.parametrize("fen, text", [
    (0, "0.00"), (1, "0.01"), (10, "0.10"), (99, "0.99"), (100, "1.00"), (12345, "123.45"),
    (100_000, "1,000.00"), (123_456_789, "1,234,567.89"), (1_200_000_000, "12,000,000.00"),
    (-5, "-0.05"), (-100_050, "-1,000.50"), (MAX_AMOUNT_FEN, "1,000,000,000,000.00"),
    (2**53 + 1, "90,071,992,547,409.93"),  # beyond a float's exact integers: still exact
])
def test_yuan_text_is_exact(fen, text):
    assert yuan(fen) == text
    assert yuan_text(fen) == text + " 元"


def test_yuan_refuses_what_is_not_integer_fen():
    for bad in (1.0, "100", True, None):
        with pytest.raises(TypeError):
            yuan(bad)


@pytest.mark.parametrize("value, ok", [(1, True), (MAX_AMOUNT_FEN, True), (0, False), (-1, False),
                                       (MAX_AMOUNT_FEN + 1, False), (1.0, False), (True, False), ("5", False)])
def test_what_counts_as_an_amount(value, ok):
    assert is_amount(value) is ok
