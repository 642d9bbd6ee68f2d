"""How many quotes the calculation makes per second (pure: no database), for `make bench`."""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from showroom.catalog.models import Powertrain

from .calc import (
    Deposit,
    FinancePromotion,
    Loan,
    NamedAmount,
    QuoteInput,
    QuoteInputError,
    TradeIn,
    calculate,
)
from .rates import ALLOWED_TERMS, CommercialInsuranceRates, InsuranceRateBand, SubsidyScheme

INSURANCE_TABLE = CommercialInsuranceRates(
    name="bench",
    bands=(
        InsuranceRateBand(Decimal("200000"), Decimal("1500"), Decimal("0.028")),
        InsuranceRateBand(None, Decimal("2000"), Decimal("0.025")),
    ),
)


def varied_inputs(count: int = 200, seed: int = 7) -> list[QuoteInput]:
    """Quote inputs across powertrains, dates, payments and trade-ins, the same for the same seed."""
    rng = random.Random(seed)
    inputs: list[QuoteInput] = []
    while len(inputs) < count:
        powertrain = rng.choice(list(Powertrain))
        guide = Decimal(rng.randrange(150_000, 800_000) * 100) / 100
        date = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 730))
        loan = None
        if rng.random() < 0.6:
            term = rng.choice(ALLOWED_TERMS)
            promotion = None
            if rng.random() < 0.3:
                promotion = FinancePromotion("0 %", Decimal("0"), terms=(term,), min_down_payment_ratio=Decimal("0.2"))
            loan = Loan(term_months=term, annual_rate=Decimal(rng.randrange(0, 800)) / 10_000,
                        down_payment_ratio=Decimal(rng.randrange(20, 80)) / 100, promotion=promotion,
                        fees=(NamedAmount("抵押登记", Decimal("200")),))
        trade_in = None
        if rng.random() < 0.4:
            scheme = rng.choice(list(SubsidyScheme)) if date.year == 2026 else SubsidyScheme.NONE
            trade_in = TradeIn(appraised_value=Decimal(rng.randrange(10_000, 100_000)),
                               brand_bonus=Decimal(rng.choice((0, 5000, 10000))), national_scheme=scheme)
        quote = QuoteInput(
            guide_price=guide,
            powertrain=powertrain,
            seats=rng.choice((5, 5, 5, 6, 7)),
            purchase_date=date,
            displacement_cc=None if powertrain == Powertrain.ELECTRIC else rng.choice((1395, 1984, 2995, 3996)),
            discount=Decimal(rng.randrange(0, 50_000)),
            colour_surcharges=(NamedAmount("金属漆", Decimal("8000")),) if rng.random() < 0.5 else (),
            option_packages=(NamedAmount("S line", Decimal("12000")),) if rng.random() < 0.3 else (),
            accessories=tuple(NamedAmount(f"精品 {i}", Decimal(rng.randrange(100, 5000))) for i in range(rng.randrange(4))),
            commercial_insurance=INSURANCE_TABLE if rng.random() < 0.5 else Decimal(rng.randrange(5000, 20000)),
            plate_service_fee=Decimal("800"),
            extended_warranty=Decimal(rng.choice((0, 3800, 5800))),
            other_fees=(NamedAmount("临牌", Decimal("100")),),
            trade_in=trade_in,
            loan=loan,
            deposit=Deposit(Decimal("5000")),
        )
        try:
            calculate(quote)
        except QuoteInputError:  # e.g. a trade-in worth more than the cash left after a large loan: draw again
            continue
        inputs.append(quote)
    return inputs


def calculations_per_second(seconds: float = 2.0) -> float:
    """Calculate varied quotes for about `seconds` and return how many were made per second."""
    inputs = varied_inputs()
    done = 0
    start = time.perf_counter()
    elapsed = 0.0
    while elapsed < seconds:
        for quote in inputs:
            calculate(quote)
        done += len(inputs)
        elapsed = time.perf_counter() - start
    return done / elapsed
