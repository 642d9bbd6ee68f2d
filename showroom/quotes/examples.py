"""The worked examples of the domain file (§3.2) as quote inputs: for tests, the demo and the docs."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from showroom.catalog.models import Powertrain

from .calc import Loan, NamedAmount, QuoteInput


def petrol_suv(**changes) -> QuoteInput:
    """Q5L-class 2.0T SUV at ¥330,000, bought in March 2026 in Beijing, 5 seats, full payment; `changes`
    replaces fields (e.g. loan=...)."""
    example = QuoteInput(
        guide_price=Decimal("330000"),
        powertrain=Powertrain.PETROL,
        displacement_cc=1984,
        seats=5,
        purchase_date=dt.date(2026, 3, 16),
        commercial_insurance=Decimal("9200"),
        plate_service_fee=Decimal("800"),
        accessories=(NamedAmount("贴膜 window film", Decimal("3500")), NamedAmount("脚垫 floor mats", Decimal("1000"))),
        extended_warranty=Decimal("5800"),
    )
    return replace(example, **changes)


def petrol_suv_loan(**loan_changes) -> QuoteInput:
    """The same SUV on a loan: 40 % down, 36 months at 3.99 % p.a."""
    loan = Loan(term_months=36, annual_rate=Decimal("0.0399"), down_payment_ratio=Decimal("0.40"))
    return petrol_suv(loan=replace(loan, **loan_changes))


def electric_sportback(price: str = "269900", **changes) -> QuoteInput:
    """AUDI E5 Sportback (BEV, 5 seats) bought in 2026 at `price`, full payment, no other items."""
    example = QuoteInput(
        guide_price=Decimal(price),
        powertrain=Powertrain.ELECTRIC,
        seats=5,
        purchase_date=dt.date(2026, 3, 16),
    )
    return replace(example, **changes)
