"""Money is Decimal, rounded to the fen half up; amounts are read the way people type them."""

from decimal import Decimal

import pytest

from showroom.core.money import parse_money, to_fen


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        (Decimal("10438.055"), Decimal("10438.06")),  # the half fen rounds up, not to even
        ("10438.055", Decimal("10438.06")),
        (Decimal("10438.054"), Decimal("10438.05")),
        (Decimal("0.005"), Decimal("0.01")),
        (Decimal("0.015"), Decimal("0.02")),
        (Decimal("-1.005"), Decimal("-1.01")),  # away from zero for refunds too
        (10438, Decimal("10438.00")),
        ("339000", Decimal("339000.00")),
    ],
)
def test_an_amount_is_rounded_to_the_fen_with_half_up(value, fen):
    rounded = to_fen(value)

    assert rounded == fen
    assert rounded.as_tuple().exponent == -2


def test_a_float_is_refused_because_it_cannot_hold_money_exactly():
    with pytest.raises(TypeError):
        to_fen(10438.055)


@pytest.mark.parametrize("value", ["abc", "", Decimal("NaN"), Decimal("sNaN"), "Infinity", Decimal("-Infinity")])
def test_something_that_is_not_a_finite_amount_is_refused_as_not_money(value):
    with pytest.raises(ValueError):
        to_fen(value)


@pytest.mark.parametrize("value", ["1e30", Decimal("1E+26"), "-1e40"])
def test_an_amount_with_more_digits_than_can_be_rounded_is_refused_as_not_money(value):
    with pytest.raises(ValueError):
        to_fen(value)


@pytest.mark.parametrize("typed", ["1e30", "1e26万"])
def test_a_typed_amount_too_large_to_be_money_is_refused_as_not_money(typed):
    with pytest.raises(ValueError):
        parse_money(typed)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("30万", Decimal("300000.00")),
        ("33.9万", Decimal("339000.00")),
        (" 33.9 万 ", Decimal("339000.00")),
        ("25.5w", Decimal("255000.00")),
        ("25.5W", Decimal("255000.00")),
        ("30万元", Decimal("300000.00")),
        ("¥250,000", Decimal("250000.00")),
        ("￥ 250，000", Decimal("250000.00")),
        ("250000元", Decimal("250000.00")),
        ("1,234.565", Decimal("1234.57")),
        ("0", Decimal("0.00")),
    ],
)
def test_an_amount_typed_with_wan_yuan_signs_or_thousands_separators_is_read_as_yuan(typed, amount):
    assert parse_money(typed) == amount


@pytest.mark.parametrize("typed", [None, "", "  ", "¥"])
def test_an_empty_amount_is_none(typed):
    assert parse_money(typed) is None


@pytest.mark.parametrize("typed", ["abc", "三十万", "-5", "-5万", "NaN", "Infinity", "1.2.3", "万"])
def test_text_that_is_not_an_amount_of_money_is_refused(typed):
    with pytest.raises(ValueError):
        parse_money(typed)
