"""Money is Decimal, rounded to the fen (0.01) with ROUND_HALF_UP here and nowhere else."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
# The largest amount a money column holds (max_digits=12, decimal_places=2); services refuse more.
MAX_AMOUNT = Decimal("9999999999.99")


def to_fen(value: Decimal | int | str) -> Decimal:
    """Round an amount to the fen. Floats are refused: they cannot hold money exactly.
    Text that is not a number, NaN, infinity and amounts too large to round raise ValueError."""
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a Decimal, int or str.")
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not amount.is_finite():
        raise ValueError(value)
    try:
        return amount.quantize(FEN, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # more digits than Decimal's precision holds (e.g. 1e30): no amount of money
        raise ValueError(value) from exc


def parse_money(raw: str | None) -> Decimal | None:
    """Read an amount typed by a person ("30万", "¥ 250,000", "25.5w"); None if empty; ValueError if not money."""
    if raw is None:
        return None
    text = str(raw).strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "").replace("元", "")
    if not text:
        return None
    factor = Decimal(1)
    if text[-1] in "万wW":
        factor, text = Decimal(10000), text[:-1].strip()
    try:
        amount = Decimal(text) * factor
    except InvalidOperation as exc:
        raise ValueError(raw) from exc
    if not amount.is_finite() or amount < 0:
        raise ValueError(raw)
    return to_fen(amount)
