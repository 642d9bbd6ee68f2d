"""Property tests: the calculation agrees to the fen with an independent implementation of the domain
formulas in exact rational arithmetic (rounding half up at the same points), and its printed figures add up."""

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from showroom.catalog.models import Powertrain
from showroom.quotes.calc import (
    Deposit,
    DepositKind,
    FinancePromotion,
    Loan,
    NamedAmount,
    QuoteInput,
    QuoteInputError,
    TradeIn,
    calculate,
)
from showroom.quotes.rates import CommercialInsuranceRates, InsuranceRateBand, SubsidyScheme

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ------------------------------------------------------------------------------ the reference implementation

PLUG_IN = {"bev", "phev", "erev"}
BEIJING = [(1000, 300), (1600, 420), (2000, 480), (2500, 900), (3000, 1920), (4000, 3480), (math.inf, 5280)]


def yuan(fen: int) -> F:
    return F(fen, 100)


def half_up(x: F) -> F:
    """Round a non-negative amount to the fen, halves up."""
    assert x >= 0
    return F(math.floor(x * 100 + F(1, 2)), 100)


def reference(spec: dict) -> dict:
    """The quote from the domain file's formulas (§3.1–3.4), computed from the generated numbers."""
    out = {}
    list_price = yuan(spec["guide"]) + sum(map(yuan, spec["colours"])) + sum(map(yuan, spec["options"]))
    price = list_price - yuan(spec["discount"]) - yuan(spec["bonus"])
    out["vehicle_price"] = price

    # Purchase tax: price without 13 % VAT, 10 %, the NEV relief by date.
    out["taxable"] = taxable = half_up(price / F(113, 100))
    out["full_tax"] = full = half_up(taxable * F(1, 10))
    day = spec["date"]
    reduction = F(0)
    if spec["powertrain"] in PLUG_IN and spec["catalogue"]:
        if dt.date(2024, 1, 1) <= day <= dt.date(2025, 12, 31):
            reduction = min(full, F(30000))
        elif dt.date(2026, 1, 1) <= day <= dt.date(2027, 12, 31):
            reduction = min(half_up(full / 2), F(15000))
    out["reduction"] = reduction
    out["purchase_tax"] = full - reduction

    # 车船税, pro rata from the purchase month.
    if spec["powertrain"] == "bev" or (spec["powertrain"] in PLUG_IN and spec["vessel_exempt"]):
        vessel = F(0)
    else:
        annual = next(amount for upper, amount in BEIJING if spec["cc"] <= upper)
        vessel = half_up(F(annual) * (12 - day.month + 1) / 12)
    out["vessel_tax"] = vessel
    out["compulsory"] = compulsory = F(950) if spec["seats"] <= 5 else F(1100)

    commercial = spec["commercial"]
    if commercial is None:
        premium = F(0)
    elif isinstance(commercial, int):
        premium = yuan(commercial)
    else:
        for upper, base, rate in commercial:
            if upper is None or price <= yuan(upper):
                premium = half_up(yuan(base) + F(rate, 10**6) * price)
                break
    out["commercial"] = premium

    fees = [yuan(spec["plate"]), *map(yuan, spec["accessories"]), yuan(spec["warranty"]), *map(yuan, spec["other"])]
    loan = spec["loan"]
    if loan:
        fees += list(map(yuan, loan["fees"]))
    out["total"] = total = price + out["purchase_tax"] + vessel + compulsory + premium + sum(fees)

    financed = F(0)
    if loan:
        down = half_up(price * F(loan["ratio"], 10**6)) if loan["ratio"] is not None else yuan(loan["amount"])
        financed = price - down
        if financed < 1000:
            return {"error": "loan_too_small"}
        rate = F(loan["rate"], 10**6)
        promotion = loan["promotion"]
        if promotion:
            if down < price * F(promotion["min_ratio"], 10**6):
                return {"error": "promotion_condition"}
            rate = F(promotion["rate"], 10**6)
        n = loan["term"]
        if rate == 0:
            monthly = half_up(financed / n)
            last = financed - monthly * (n - 1)
        else:
            i = rate / 12
            monthly = half_up(financed * i * (1 + i) ** n / ((1 + i) ** n - 1))
            last = max(monthly, financed - monthly * (n - 1))
        out.update(down=down, monthly=monthly, last=last, interest=monthly * (n - 1) + last - financed)
    out["financed"] = financed

    trade_value = yuan(spec["appraised"])
    out["cash_due"] = cash_due = total - financed - trade_value
    if cash_due < 0:
        return {"error": "exceeds_due"}
    deposit = yuan(spec["deposit"][0]) if spec["deposit"] else F(0)
    if deposit > cash_due:
        return {"error": "exceeds_due"}
    out["at_delivery"] = cash_due - deposit

    subsidy = F(0)
    scheme = spec["scheme"]
    if scheme != "none":
        table = None
        if spec["powertrain"] in PLUG_IN:
            if spec["catalogue"]:
                table = {"scrap": (F(12, 100), 20000), "replace": (F(8, 100), 15000)}
        elif spec["cc"] <= 2000:
            table = {"scrap": (F(10, 100), 15000), "replace": (F(6, 100), 13000)}
        if table:
            share, cap = table[scheme]
            subsidy = min(half_up(price * share), F(cap))
    out["subsidy"] = subsidy
    return out


# ----------------------------------------------------------------------------------------- generated quotes

fen = st.integers
named = st.lists(fen(0, 3_000_000), max_size=3)


@st.composite
def specs(draw) -> dict:
    powertrain = draw(st.sampled_from([p.value for p in Powertrain]))
    cc = None if powertrain == "bev" else draw(st.one_of(
        st.sampled_from([1000, 1001, 1600, 1601, 2000, 2001, 2500, 2501, 3000, 3001, 4000, 4001]),
        st.integers(600, 7000),
    ))
    day = draw(st.dates(dt.date(2024, 1, 1), dt.date(2029, 12, 31)))
    guide = draw(st.one_of(fen(1_000_000, 300_000_000), st.sampled_from([33_900_000, 33_900_005, 33_900_006])))
    colours, options = draw(named), draw(named)
    list_fen = guide + sum(colours) + sum(options)
    discount = draw(st.one_of(st.just(0), fen(0, list_fen - 1)))
    bonus, appraised, scheme = 0, 0, "none"
    if draw(st.booleans()):
        bonus = draw(st.one_of(st.just(0), fen(0, min(3_000_000, list_fen - discount - 1))))
        appraised = draw(fen(0, 50_000_000))
        if day.year == 2026:
            scheme = draw(st.sampled_from(["none", "scrap", "replace"]))
    price_fen = list_fen - discount - bonus
    commercial = draw(st.sampled_from(["none", "amount", "table"]))
    if commercial == "none":
        commercial = None
    elif commercial == "amount":
        commercial = draw(fen(0, 5_000_000))
    else:  # bands (upper fen or None, base fen, rate in millionths), ascending, the last open
        uppers = sorted(draw(st.lists(fen(1, 400_000_000), unique=True, max_size=2))) + [None]
        commercial = [(upper, draw(fen(0, 500_000)), draw(fen(0, 100_000))) for upper in uppers]
    loan = None
    if draw(st.booleans()):
        rate = draw(st.one_of(st.just(0), fen(0, 150_000), st.sampled_from([39_900, 1, 1_000])))
        as_ratio = draw(st.booleans())
        promotion = None
        if draw(st.booleans()):
            promotion = {"rate": draw(fen(0, rate)), "min_ratio": draw(fen(0, 500_000))}
        loan = {
            "term": draw(st.sampled_from([12, 24, 36, 48, 60])),
            "rate": rate,
            "ratio": draw(fen(0, 1_000_000)) if as_ratio else None,
            "amount": None if as_ratio else draw(fen(0, price_fen)),
            "fees": draw(st.lists(fen(0, 100_000), max_size=2)),
            "promotion": promotion,
        }
    deposit = None
    kind = draw(st.sampled_from(["none", "earnest", "advance"]))
    limit = price_fen // 5 if kind == "earnest" else price_fen  # earnest money: at most 20 % of the price
    if kind != "none" and limit >= 1:
        deposit = (draw(fen(1, limit)), kind)
    return {
        "powertrain": powertrain, "cc": cc, "seats": draw(st.integers(2, 9)), "date": day, "guide": guide,
        "colours": colours, "options": options, "discount": discount, "bonus": bonus, "appraised": appraised,
        "scheme": scheme, "catalogue": draw(st.booleans()), "vessel_exempt": draw(st.booleans()),
        "commercial": commercial, "plate": draw(fen(0, 200_000)), "warranty": draw(fen(0, 2_000_000)),
        "accessories": draw(named), "other": draw(named), "loan": loan, "deposit": deposit,
    }


def money(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def rate(value: int) -> Decimal:
    return Decimal(value).scaleb(-6)


def lines(prefix: str, amounts: list[int]) -> tuple[NamedAmount, ...]:
    return tuple(NamedAmount(f"{prefix} {index}", money(amount)) for index, amount in enumerate(amounts))


def quote_input(spec: dict) -> QuoteInput:
    commercial = spec["commercial"]
    if isinstance(commercial, int):
        commercial = money(commercial)
    elif commercial is not None:
        commercial = CommercialInsuranceRates("generated", tuple(
            InsuranceRateBand(None if upper is None else money(upper), money(base), rate(share))
            for upper, base, share in commercial
        ))
    loan = None
    if spec["loan"]:
        spec_loan = spec["loan"]
        promotion = None
        if spec_loan["promotion"]:
            promotion = FinancePromotion("generated", rate(spec_loan["promotion"]["rate"]),
                                         min_down_payment_ratio=rate(spec_loan["promotion"]["min_ratio"]))
        loan = Loan(
            term_months=spec_loan["term"],
            annual_rate=rate(spec_loan["rate"]),
            down_payment_ratio=None if spec_loan["ratio"] is None else rate(spec_loan["ratio"]),
            down_payment_amount=None if spec_loan["amount"] is None else money(spec_loan["amount"]),
            fees=lines("fee", spec_loan["fees"]),
            promotion=promotion,
        )
    return QuoteInput(
        guide_price=money(spec["guide"]),
        powertrain=Powertrain(spec["powertrain"]),
        seats=spec["seats"],
        purchase_date=spec["date"],
        displacement_cc=spec["cc"],
        discount=money(spec["discount"]),
        colour_surcharges=lines("colour", spec["colours"]),
        option_packages=lines("option", spec["options"]),
        accessories=lines("accessory", spec["accessories"]),
        in_nev_tax_catalogue=spec["catalogue"],
        in_vessel_tax_exemption=spec["vessel_exempt"],
        commercial_insurance=commercial,
        plate_service_fee=money(spec["plate"]),
        extended_warranty=money(spec["warranty"]),
        other_fees=lines("fee", spec["other"]),
        trade_in=TradeIn(money(spec["appraised"]), money(spec["bonus"]), SubsidyScheme(spec["scheme"])),
        loan=loan,
        deposit=Deposit(money(spec["deposit"][0]), DepositKind(spec["deposit"][1])) if spec["deposit"] else None,
    )


# ------------------------------------------------------------------------------------------------ properties


@PROPERTY_SETTINGS
@given(specs())
def test_the_calculation_agrees_with_the_domain_formulas_to_the_fen(spec):
    expected = reference(spec)
    quote = quote_input(spec)
    if "error" in expected:
        with pytest.raises(QuoteInputError) as error:
            calculate(quote)
        assert error.value.code == expected["error"]
        return
    result = calculate(quote)

    assert result.vehicle_price == expected["vehicle_price"]
    assert result.purchase_tax.taxable_price == expected["taxable"]
    assert result.purchase_tax.full_tax == expected["full_tax"]
    assert result.purchase_tax.reduction == expected["reduction"]
    assert result.purchase_tax.tax == expected["purchase_tax"]
    assert result.vessel_tax.amount == expected["vessel_tax"]
    assert result.compulsory_insurance == expected["compulsory"]
    assert result.commercial_insurance == expected["commercial"]
    assert result.total == expected["total"]
    assert result.amount_financed == expected["financed"]
    if spec["loan"]:
        assert result.loan.down_payment == expected["down"]
        assert result.loan.monthly_instalment == expected["monthly"]
        assert result.loan.last_instalment == expected["last"]
        assert result.loan.total_interest == expected["interest"]
    assert result.cash_due == expected["cash_due"]
    assert result.cash_due_at_delivery == expected["at_delivery"]
    assert result.national_subsidy == expected["subsidy"]


@PROPERTY_SETTINGS
@given(specs())
def test_a_printed_quote_adds_up(spec):
    try:
        result = calculate(quote_input(spec))
    except QuoteInputError:
        return
    amounts = [line.amount for line in result.lines]

    assert all(amount >= 0 and amount.as_tuple().exponent == -2 for amount in amounts)
    assert result.total == sum(amounts)
    tax = result.purchase_tax
    assert tax.full_tax - tax.reduction == tax.tax >= 0
    assert tax.reduction_cap is None or tax.reduction <= tax.reduction_cap
    assert result.list_price - result.discount - result.brand_trade_in_bonus == result.vehicle_price
    assert result.cash_due_at_signing + result.cash_due_at_delivery + result.amount_financed + result.trade_in_value \
        == result.total
    loan = result.loan
    if loan:
        assert loan.down_payment + loan.amount_financed == result.vehicle_price
        schedule = loan.monthly_instalment * (loan.term_months - 1) + loan.last_instalment
        assert schedule == loan.total_repaid == loan.amount_financed + loan.total_interest
        assert loan.total_repaid >= loan.amount_financed
        assert loan.last_instalment > 0
        if loan.annual_rate == 0:
            assert loan.total_interest == 0
            assert abs(loan.last_instalment - loan.monthly_instalment) < Decimal("0.01") * loan.term_months
        if loan.annual_rate >= Decimal("0.001"):
            assert loan.monthly_instalment * loan.term_months >= loan.amount_financed
            assert loan.last_instalment == loan.monthly_instalment
        assert loan.interest_saved >= 0


@PROPERTY_SETTINGS
@given(st.integers(1_000_00, 9_999_999_99), st.integers(0, 300_000), st.sampled_from([12, 24, 36, 48, 60]))
def test_a_higher_rate_never_lowers_the_instalment(principal_fen, rate_micro, term):
    def instalment(annual):
        quote = QuoteInput(guide_price=money(principal_fen) + Decimal("10000"), powertrain=Powertrain.ELECTRIC, seats=5,
                           purchase_date=dt.date(2026, 5, 1),
                           loan=Loan(term, annual, down_payment_amount=Decimal("10000")))
        return calculate(quote).loan.monthly_instalment

    assert instalment(rate(rate_micro)) <= instalment(rate(rate_micro + 1000))
