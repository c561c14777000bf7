"""Money (金额): always integer fen (分), never float; one bound for every amount; the yuan
text shown to people computed with integer arithmetic only (so it is exact, never rounded)."""

from __future__ import annotations

# The largest amount one line, receipt, request or budget may carry: 1 trillion yuan. A sum of
# MAX_LINES such lines stays far inside a 64-bit column (BigInteger), so no sum overflows.
MAX_AMOUNT_FEN = 100_000_000_000_000
MAX_LINES = 100


def is_amount(value) -> bool:
    """A positive integer fen amount within MAX_AMOUNT_FEN (bool, float, Decimal and str are not)."""
    return type(value) is int and 0 < value <= MAX_AMOUNT_FEN


def yuan(fen: int) -> str:
    """Fen as yuan text with thousands separators and exactly two decimals, by integer
    arithmetic: 123456789 → '1,234,567.89'; -5 → '-0.05'; 0 → '0.00'."""
    if type(fen) is not int:
        raise TypeError(f"an amount in fen must be an int, not {type(fen).__name__}")
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def yuan_text(fen: int) -> str:
    """12345 → '123.45 元' (for messages; never for arithmetic)."""
    return f"{yuan(fen)} 元"
