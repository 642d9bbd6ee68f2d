"""The quote (报价单) of a new car for a private buyer: from the agreed price to the cash due. Pure: no database.

`calculate(QuoteInput(...)) -> QuoteBreakdown`. Figures and rules: /work/shared/domain/china-auto-retail.md §3
and rates.py (the statutory figures; the regional tables are inputs).

What the quote adds up
    list price      = guide price + colour surcharges + option packages
    vehicle price   = list price − dealer discount − brand trade-in bonus (裸车价, on the invoice, incl. VAT)
    taxable price   = vehicle price ÷ 1.13 (价外: the 13 % VAT taken out)
    purchase tax    = taxable price × 10 % − NEV reduction (BEV/PHEV/EREV in the MIIT catalogue:
                      2024–2025 min(full tax, ¥30,000); 2026–2027 min(full tax × 50 %, ¥15,000); 2028+ none)
    车船税           = annual amount of the displacement bracket × months from the purchase month to December ÷ 12;
                      none for a BEV and for a PHEV/EREV in the exemption catalogue. The amounts are the
                      province's (an input: the store's table; Beijing's when none is given)
    交强险           = by seats (< 6 seats / 6 or more)
    commercial cover = the amount entered, or base + rate × vehicle price from a rate table, or none
    total (落地价)   = vehicle price + purchase tax + 车船税 + 交强险 + commercial cover + plate service
                      + accessories + extended warranty + other store fees + lender fees
    loan            = vehicle price − down payment (only the vehicle price is financed; taxes, insurance,
                      accessories and fees are paid in cash); equal instalments (等额本息)
    cash due        = total − amount financed − trade-in value; at signing: the deposit (定金/订金, credited
                      against the price); at delivery: the rest.
    national subsidy (以旧换新) is shown but not deducted: the government pays it to the buyer later.

Rounding: every input amount is a whole number of fen (refused otherwise), so sums of inputs are exact.
`showroom.core.money.to_fen` (ROUND_HALF_UP to the fen) is applied exactly once to each computed item, here:
    taxable price   to_fen(vehicle price ÷ 1.13)
    full tax        to_fen(taxable price × 0.10)                   (from the rounded taxable price)
    NEV reduction   min(to_fen(full tax × share), cap)             (from the rounded full tax; share 1 or 0.5)
    车船税           to_fen(annual × months ÷ 12)                    (one rounding, not annual ÷ 12 rounded first)
    commercial      to_fen(base + rate × vehicle price)             (rate table only)
    down payment    to_fen(vehicle price × ratio)                   (when given as a ratio)
    instalment      to_fen(P·r·(1+r)^n / ((1+r)^n − 1)), r = annual rate ÷ 12, exact rational arithmetic;
                    at 0 %: to_fen(P ÷ n)
    subsidy         min(to_fen(vehicle price × share), cap)
Everything else is a sum or difference of rounded amounts and never rounded again: purchase tax = full tax −
reduction; total = the sum of the lines; amount financed = vehicle price − down payment; the last instalment
absorbs the rounding (at 0 %: P − instalment × (n − 1), so an interest-free loan shows no interest; above 0 %:
the regular instalment, as the domain example's interest = instalment × n − P, unless that would repay less than
P); total interest = instalments − P. So a printed quote adds up to the fen.

Choices where the domain file is open (see §8):
- Half-fen NEV reduction (open point 1): rounded half up, as the domain proposes (¥235,900: reduction
  10,438.06, tax 10,438.05).
- Purchase dates before 2024 are refused: the domain file gives no purchase-tax rule for them.
- The NEV relief and the NEV subsidy need the trim in the MIIT catalogue (`in_nev_tax_catalogue`; the 2026
  technical bar — PHEV/EREV ≥ 100 km electric range — is the catalogue's condition, not rechecked here). A PHEV/
  EREV outside the vessel-tax exemption catalogue (`in_vessel_tax_exemption`) pays 车船税 by displacement. HEVs
  are fuel cars (no NEV relief; the 节能车 vessel-tax halving is not in the domain file and not applied).
- The brand trade-in bonus (厂家/店端置换补贴) is a price item: it lowers the invoiced vehicle price and so the
  taxes on it. The national subsidy is not (it is paid to the buyer later) and exists for 2026 only (the only
  year with rules); a BEV/PHEV/EREV outside the catalogue gets none, as does a fuel car above 2,000 cc.
- Only the vehicle price is financed; at least ¥1,000 (below that the equal-instalment schedule degenerates).
  Terms 12/24/36/48/60 months. A finance promotion replaces the lender's rate (it may not be higher) and must be
  valid on the purchase date; `interest_saved` = interest at the lender's rate − interest at the promotion rate.
- Earnest money (定金) is at most 20 % of the vehicle price; advance payment (订金) has no cap. Neither may exceed
  the cash due; a trade-in worth more than the cash due is refused (lower the loan instead).
- Seats 2–9 (a passenger car: the 车船税 table and the family-car 交强险 apply up to 9 seats).

Invalid input raises QuoteInputError (a ValueError) naming the field (dotted path, e.g. "loan.term_months",
"accessories[1].amount") and a stable `code`; messages are English for developers — the service translates by code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

from showroom.catalog.models import Powertrain
from showroom.core.money import MAX_AMOUNT, to_fen

from .rates import (
    ALLOWED_TERMS,
    BEIJING_VESSEL_TAX,
    EARNEST_MONEY_CAP,
    FIRST_RULE_DATE,
    NATIONAL_COMPULSORY_INSURANCE,
    NATIONAL_SUBSIDY_FUEL,
    NATIONAL_SUBSIDY_FUEL_MAX_CC,
    NATIONAL_SUBSIDY_NEV,
    NATIONAL_SUBSIDY_YEARS,
    PURCHASE_TAX_RATE,
    VAT_DIVISOR,
    CommercialInsuranceRates,
    CompulsoryInsuranceRates,
    SubsidyScheme,
    VesselTaxTable,
    nev_tax_period,
)

ZERO = Decimal("0.00")
MIN_LOAN_AMOUNT = Decimal("1000")
RATE_PLACES = 6  # a rate or ratio has at most 6 decimal places (0.0001 %)
MAX_LINES = 100  # named lines per list
MAX_DISPLACEMENT_CC = 10_000
SEATS_RANGE = (2, 9)
ENGINE_POWERTRAINS = Powertrain.with_engine()
NEV_POWERTRAINS = Powertrain.new_energy()


class QuoteInputError(ValueError):
    """An input of the quote is invalid: `field` is its dotted path, `code` a stable reason."""

    def __init__(self, field: str, message: str, *, code: str = "invalid"):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.code = code


# ---------------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class NamedAmount:
    """A named line: a colour surcharge, an option package, an accessory, a store fee, a lender fee."""

    name: str
    amount: Decimal


@dataclass(frozen=True)
class FinancePromotion:
    """An OEM/lender finance offer (e.g. "3 years 0 %"): its rate replaces the lender's; optional conditions."""

    name: str
    annual_rate: Decimal
    terms: tuple[int, ...] = ()  # empty: any allowed term
    min_down_payment_ratio: Decimal = Decimal(0)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class Loan:
    """Paying by loan: the down payment as a ratio of the vehicle price or as an amount (exactly one)."""

    term_months: int
    annual_rate: Decimal  # the lender's rate, a fraction: 0.0399 = 3.99 % p.a.
    down_payment_ratio: Decimal | None = None
    down_payment_amount: Decimal | None = None
    fees: tuple[NamedAmount, ...] = ()  # lender's fees paid in cash (e.g. mortgage registration)
    promotion: FinancePromotion | None = None
    lender: str = ""


@dataclass(frozen=True)
class TradeIn:
    """The buyer's old car: its appraised value (paid against the cash due), the brand's trade-in bonus
    (a price reduction on the invoice) and the national subsidy scheme the buyer will claim."""

    appraised_value: Decimal = Decimal(0)
    brand_bonus: Decimal = Decimal(0)
    national_scheme: SubsidyScheme = SubsidyScheme.NONE


class DepositKind(StrEnum):
    EARNEST = "earnest"  # 定金: at most 20 % of the price; lost if the buyer backs out, doubled if the dealer does
    ADVANCE = "advance"  # 订金: a prepayment, refundable


@dataclass(frozen=True)
class Deposit:
    """Money paid at signing, credited against the price at delivery."""

    amount: Decimal
    kind: DepositKind = DepositKind.EARNEST


@dataclass(frozen=True)
class QuoteInput:
    """Everything a quote is calculated from. Validated on construction (QuoteInputError)."""

    guide_price: Decimal  # 厂商指导价 of the trim, incl. VAT
    powertrain: Powertrain
    seats: int
    purchase_date: dt.date  # the invoice date: decides purchase tax, 车船税 months and subsidies
    displacement_cc: int | None = None  # required with an engine; None for a BEV
    discount: Decimal = Decimal(0)
    colour_surcharges: tuple[NamedAmount, ...] = ()
    option_packages: tuple[NamedAmount, ...] = ()
    accessories: tuple[NamedAmount, ...] = ()
    in_nev_tax_catalogue: bool = True  # NEV: listed for the purchase-tax reduction (and the NEV subsidy)
    in_vessel_tax_exemption: bool = True  # PHEV/EREV: listed as exempt from 车船税
    compulsory_insurance_rates: CompulsoryInsuranceRates = NATIONAL_COMPULSORY_INSURANCE
    vessel_tax_table: VesselTaxTable = BEIJING_VESSEL_TAX
    commercial_insurance: Decimal | CommercialInsuranceRates | None = None  # amount, rate table or none
    plate_service_fee: Decimal = Decimal(0)
    extended_warranty: Decimal = Decimal(0)
    other_fees: tuple[NamedAmount, ...] = ()
    trade_in: TradeIn | None = None
    loan: Loan | None = None  # None: full payment
    deposit: Deposit | None = None

    def __post_init__(self):
        if isinstance(self.powertrain, str) and not isinstance(self.powertrain, Powertrain):
            if self.powertrain not in Powertrain.values:
                raise QuoteInputError("powertrain", f"unknown powertrain {self.powertrain!r}", code="invalid_choice")
            object.__setattr__(self, "powertrain", Powertrain(self.powertrain))
        _validate(self)


# --------------------------------------------------------------------------------------------------- outputs


class LineCode(StrEnum):
    """The kind of a quote line, in the order of the quote sheet."""

    VEHICLE = "vehicle"
    PURCHASE_TAX = "purchase_tax"
    VESSEL_TAX = "vessel_tax"
    COMPULSORY_INSURANCE = "compulsory_insurance"
    COMMERCIAL_INSURANCE = "commercial_insurance"
    PLATE_SERVICE = "plate_service"
    ACCESSORY = "accessory"
    EXTENDED_WARRANTY = "extended_warranty"
    STORE_FEE = "store_fee"
    FINANCE_FEE = "finance_fee"


@dataclass(frozen=True)
class QuoteLine:
    """One line of the total to drive away; `name` for named lines (accessories, fees)."""

    code: LineCode
    amount: Decimal
    name: str = ""


@dataclass(frozen=True)
class PurchaseTax:
    """车辆购置税 with the NEV reduction shown."""

    taxable_price: Decimal
    full_tax: Decimal
    reduction: Decimal
    tax: Decimal
    reduction_cap: Decimal | None  # the cap of the NEV rule applied, None without one
    cap_applied: bool


@dataclass(frozen=True)
class VesselTax:
    """车船税 of the first year: `annual` pro rata for `months`, from the `region`'s table; exempt NEVs have all
    zeros and no region."""

    exempt: bool
    annual: Decimal
    months: int
    amount: Decimal
    region: str = ""


@dataclass(frozen=True)
class LoanBreakdown:
    """The financing lines of the quote sheet."""

    lender: str
    promotion: str
    down_payment: Decimal
    amount_financed: Decimal
    term_months: int
    annual_rate: Decimal  # the rate applied (the promotion's if any)
    monthly_instalment: Decimal
    last_instalment: Decimal
    total_repaid: Decimal
    total_interest: Decimal
    interest_saved: Decimal  # by the promotion, against the lender's rate
    fees: Decimal


@dataclass(frozen=True)
class QuoteBreakdown:
    """The calculated quote: each item, the total to drive away (落地价), the loan and the cash due."""

    guide_price: Decimal
    colour_surcharges: Decimal
    option_packages: Decimal
    list_price: Decimal
    discount: Decimal
    brand_trade_in_bonus: Decimal
    vehicle_price: Decimal
    purchase_tax: PurchaseTax
    vessel_tax: VesselTax
    compulsory_insurance: Decimal
    commercial_insurance: Decimal
    plate_service_fee: Decimal
    accessories: Decimal
    extended_warranty: Decimal
    other_fees: Decimal
    finance_fees: Decimal
    lines: tuple[QuoteLine, ...]
    total: Decimal  # 落地价 = sum of lines
    loan: LoanBreakdown | None
    amount_financed: Decimal
    trade_in_value: Decimal
    national_subsidy_scheme: SubsidyScheme
    national_subsidy: Decimal  # expected, paid later by the government: not in the cash due
    cash_due: Decimal  # total − amount financed − trade-in value
    deposit: Decimal
    cash_due_at_signing: Decimal
    cash_due_at_delivery: Decimal


# ------------------------------------------------------------------------------------------------ calculation


def calculate(quote: QuoteInput) -> QuoteBreakdown:
    """Calculate a validated quote input into its breakdown (pure; raises QuoteInputError for combinations that
    only the figures reveal: a trade-in or deposit above the cash due)."""
    with localcontext() as ctx:
        # Exact enough that no intermediate result can cross a half-fen before the one rounding (see docstring).
        ctx.prec = 50
        ctx.rounding = ROUND_HALF_EVEN
        return _calculate(quote)


def _calculate(q: QuoteInput) -> QuoteBreakdown:
    trade_in = q.trade_in or TradeIn()
    colours = _sum(line.amount for line in q.colour_surcharges)
    options = _sum(line.amount for line in q.option_packages)
    list_price = q.guide_price + colours + options
    vehicle_price = list_price - q.discount - trade_in.brand_bonus
    deposit = _fen(q.deposit.amount) if q.deposit else ZERO

    purchase_tax = _purchase_tax(q, vehicle_price)
    vessel_tax = _vessel_tax(q)
    compulsory = _fen(q.compulsory_insurance_rates.premium(q.seats))
    commercial = _commercial_insurance(q.commercial_insurance, vehicle_price)
    loan = _loan(q, vehicle_price)
    finance_fees = _sum(fee.amount for fee in q.loan.fees) if q.loan else ZERO

    lines = [
        QuoteLine(LineCode.VEHICLE, vehicle_price),
        QuoteLine(LineCode.PURCHASE_TAX, purchase_tax.tax),
        QuoteLine(LineCode.VESSEL_TAX, vessel_tax.amount),
        QuoteLine(LineCode.COMPULSORY_INSURANCE, compulsory),
    ]
    if commercial:
        lines.append(QuoteLine(LineCode.COMMERCIAL_INSURANCE, commercial))
    if q.plate_service_fee:
        lines.append(QuoteLine(LineCode.PLATE_SERVICE, _fen(q.plate_service_fee)))
    lines += [QuoteLine(LineCode.ACCESSORY, _fen(item.amount), item.name) for item in q.accessories]
    if q.extended_warranty:
        lines.append(QuoteLine(LineCode.EXTENDED_WARRANTY, _fen(q.extended_warranty)))
    lines += [QuoteLine(LineCode.STORE_FEE, _fen(fee.amount), fee.name) for fee in q.other_fees]
    if q.loan:
        lines += [QuoteLine(LineCode.FINANCE_FEE, _fen(fee.amount), fee.name) for fee in q.loan.fees]
    total = _sum(line.amount for line in lines)
    if total > MAX_AMOUNT:
        raise QuoteInputError("total", "the total is too large for a quote", code="too_large")

    financed = loan.amount_financed if loan else ZERO
    trade_in_value = _fen(trade_in.appraised_value)
    cash_due = total - financed - trade_in_value
    if cash_due < 0:
        raise QuoteInputError("trade_in.appraised_value", "the trade-in is worth more than the cash due; "
                              "finance less", code="exceeds_due")
    if deposit > cash_due:
        raise QuoteInputError("deposit.amount", "the deposit is more than the cash due", code="exceeds_due")

    scheme, subsidy = _national_subsidy(q, trade_in.national_scheme, vehicle_price)
    return QuoteBreakdown(
        guide_price=_fen(q.guide_price),
        colour_surcharges=colours,
        option_packages=options,
        list_price=list_price,
        discount=_fen(q.discount),
        brand_trade_in_bonus=_fen(trade_in.brand_bonus),
        vehicle_price=vehicle_price,
        purchase_tax=purchase_tax,
        vessel_tax=vessel_tax,
        compulsory_insurance=compulsory,
        commercial_insurance=commercial,
        plate_service_fee=_fen(q.plate_service_fee),
        accessories=_sum(item.amount for item in q.accessories),
        extended_warranty=_fen(q.extended_warranty),
        other_fees=_sum(fee.amount for fee in q.other_fees),
        finance_fees=finance_fees,
        lines=tuple(lines),
        total=total,
        loan=loan,
        amount_financed=financed,
        trade_in_value=trade_in_value,
        national_subsidy_scheme=scheme,
        national_subsidy=subsidy,
        cash_due=cash_due,
        deposit=deposit,
        cash_due_at_signing=deposit,
        cash_due_at_delivery=cash_due - deposit,
    )


def _sum(amounts) -> Decimal:
    return sum(amounts, ZERO)


def _fen(amount: Decimal) -> Decimal:
    """A whole-fen amount written with two places (330000 → 330000.00): adding 0.00 is exact, not a rounding."""
    return amount + ZERO


def _is_nev_in_catalogue(q: QuoteInput) -> bool:
    return q.powertrain in NEV_POWERTRAINS and q.in_nev_tax_catalogue


def _purchase_tax(q: QuoteInput, vehicle_price: Decimal) -> PurchaseTax:
    taxable = to_fen(vehicle_price / VAT_DIVISOR)
    full = to_fen(taxable * PURCHASE_TAX_RATE)
    period = nev_tax_period(q.purchase_date) if _is_nev_in_catalogue(q) else None
    if period is None:
        return PurchaseTax(taxable, full, ZERO, full, None, False)
    uncapped = to_fen(full * period.share)
    cap = _fen(period.cap)
    reduction = min(uncapped, cap)
    return PurchaseTax(taxable, full, reduction, full - reduction, cap, uncapped > cap)


def _vessel_tax(q: QuoteInput) -> VesselTax:
    if q.powertrain == Powertrain.ELECTRIC or (q.powertrain in NEV_POWERTRAINS and q.in_vessel_tax_exemption):
        return VesselTax(True, ZERO, 0, ZERO)
    annual = _fen(q.vessel_tax_table.annual(q.displacement_cc))
    months = 13 - q.purchase_date.month
    return VesselTax(False, annual, months, to_fen(annual * months / 12), q.vessel_tax_table.region)


def _commercial_insurance(entered, vehicle_price: Decimal) -> Decimal:
    if entered is None:
        return ZERO
    if isinstance(entered, Decimal):
        return _fen(entered)
    band = entered.band(vehicle_price)
    return to_fen(band.base + band.rate * vehicle_price)


def _loan(q: QuoteInput, vehicle_price: Decimal) -> LoanBreakdown | None:
    loan = q.loan
    if loan is None:
        return None
    if loan.down_payment_ratio is not None:
        down = to_fen(vehicle_price * loan.down_payment_ratio)
        down_field = "loan.down_payment_ratio"
    else:
        down = _fen(loan.down_payment_amount)
        down_field = "loan.down_payment_amount"
        if down > vehicle_price:
            raise QuoteInputError(down_field, "the down payment is more than the vehicle price", code="out_of_range")
    financed = vehicle_price - down
    if financed < MIN_LOAN_AMOUNT:
        raise QuoteInputError(down_field, f"a loan finances at least ¥{MIN_LOAN_AMOUNT}; pay in full instead",
                              code="loan_too_small")
    promotion = loan.promotion
    rate = loan.annual_rate
    if promotion is not None:
        if down < vehicle_price * promotion.min_down_payment_ratio:
            raise QuoteInputError(down_field, f"the promotion needs a down payment of at least "
                                  f"{promotion.min_down_payment_ratio:%}", code="promotion_condition")
        rate = promotion.annual_rate
    regular, last = _instalments(financed, rate, loan.term_months)
    total_repaid = regular * (loan.term_months - 1) + last
    interest = total_repaid - financed
    saved = ZERO
    if promotion is not None:
        standard_regular, standard_last = _instalments(financed, loan.annual_rate, loan.term_months)
        saved = standard_regular * (loan.term_months - 1) + standard_last - financed - interest
    return LoanBreakdown(
        lender=loan.lender,
        promotion=promotion.name if promotion else "",
        down_payment=down,
        amount_financed=financed,
        term_months=loan.term_months,
        annual_rate=rate,
        monthly_instalment=regular,
        last_instalment=last,
        total_repaid=total_repaid,
        total_interest=interest,
        interest_saved=saved,
        fees=_sum(fee.amount for fee in loan.fees),
    )


def _instalments(principal: Decimal, annual_rate: Decimal, months: int) -> tuple[Decimal, Decimal]:
    """The regular and the last equal instalment (等额本息) of a loan."""
    if annual_rate == 0:
        regular = to_fen(principal / months)
        return regular, principal - regular * (months - 1)
    r = Fraction(annual_rate) / 12
    growth = (1 + r) ** months
    regular = to_fen(_exact_decimal(Fraction(principal) * r * growth / (growth - 1)))
    return regular, max(regular, principal - regular * (months - 1))


def _exact_decimal(value: Fraction) -> Decimal:
    """A rational as a Decimal precise enough that to_fen rounds it as it would the exact value: a quotient
    a/b that is not itself a half fen lies at least 1/(200·b) from one, far more than the error at this
    precision; one that is a half fen has a short expansion and is computed exactly."""
    with localcontext() as ctx:
        ctx.prec = len(str(abs(value.numerator))) + len(str(value.denominator)) + 5
        return Decimal(value.numerator) / Decimal(value.denominator)


def _national_subsidy(q: QuoteInput, scheme: SubsidyScheme, vehicle_price: Decimal) -> tuple[SubsidyScheme, Decimal]:
    if scheme == SubsidyScheme.NONE:
        return scheme, ZERO
    if q.powertrain in NEV_POWERTRAINS:
        rate = NATIONAL_SUBSIDY_NEV[scheme] if q.in_nev_tax_catalogue else None
    else:
        rate = NATIONAL_SUBSIDY_FUEL[scheme] if q.displacement_cc <= NATIONAL_SUBSIDY_FUEL_MAX_CC else None
    if rate is None:
        return scheme, ZERO
    return scheme, min(to_fen(vehicle_price * rate.share), _fen(rate.cap))


# ------------------------------------------------------------------------------------------------- validation


def _validate(q: QuoteInput) -> None:
    """Refuse what the calculation cannot honestly turn into a quote, naming the field."""
    if not isinstance(q.powertrain, Powertrain):
        raise QuoteInputError("powertrain", "not a powertrain", code="invalid_choice")
    _money(q.guide_price, "guide_price", positive=True)
    _int(q.seats, "seats", *SEATS_RANGE)
    _date(q.purchase_date, "purchase_date")
    if q.purchase_date < FIRST_RULE_DATE:
        raise QuoteInputError("purchase_date", f"no purchase-tax rule before {FIRST_RULE_DATE}", code="no_rule")
    if q.powertrain in ENGINE_POWERTRAINS:
        if q.displacement_cc is None:
            raise QuoteInputError("displacement_cc", "required for a car with an engine", code="required")
        _int(q.displacement_cc, "displacement_cc", 1, MAX_DISPLACEMENT_CC)
    elif q.displacement_cc not in (None, 0):
        raise QuoteInputError("displacement_cc", "a battery-electric car has no displacement", code="invalid")
    for name in ("in_nev_tax_catalogue", "in_vessel_tax_exemption"):
        if not isinstance(getattr(q, name), bool):
            raise QuoteInputError(name, "must be True or False", code="invalid")
    _lines(q.colour_surcharges, "colour_surcharges")
    _lines(q.option_packages, "option_packages")
    _lines(q.accessories, "accessories")
    _lines(q.other_fees, "other_fees")
    _money(q.discount, "discount")
    _money(q.plate_service_fee, "plate_service_fee")
    _money(q.extended_warranty, "extended_warranty")
    list_price = q.guide_price + _sum(x.amount for x in q.colour_surcharges) + _sum(x.amount for x in q.option_packages)
    if list_price > MAX_AMOUNT:
        raise QuoteInputError("guide_price", "the price is too large", code="too_large")
    if q.discount >= list_price:
        raise QuoteInputError("discount", "the discount must leave a price above zero", code="discount_too_large")
    _compulsory_rates(q.compulsory_insurance_rates)
    _vessel_table(q.vessel_tax_table)
    _commercial(q.commercial_insurance)
    vehicle_price = list_price - q.discount
    if q.trade_in is not None:
        vehicle_price = _trade_in(q, q.trade_in, vehicle_price)
    if q.loan is not None:
        _loan_input(q, q.loan)
    if q.deposit is not None:
        _deposit(q.deposit, vehicle_price)


def _money(value, field: str, *, positive: bool = False) -> None:
    if isinstance(value, float):
        raise QuoteInputError(field, "money must be a Decimal, not a float", code="float")
    if not isinstance(value, Decimal):
        raise QuoteInputError(field, "money must be a Decimal", code="not_decimal")
    if not value.is_finite():
        raise QuoteInputError(field, "not a number", code="not_decimal")
    if value < 0:
        raise QuoteInputError(field, "must not be negative", code="negative")
    if positive and value == 0:
        raise QuoteInputError(field, "must be above zero", code="required")
    if value > MAX_AMOUNT:
        raise QuoteInputError(field, "too large", code="too_large")
    if to_fen(value) != value:
        raise QuoteInputError(field, "must be a whole number of fen (0.01)", code="not_fen")


def _rate(value, field: str, *, maximum: Decimal = Decimal(1), below_maximum: bool = False) -> None:
    if isinstance(value, float):
        raise QuoteInputError(field, "a rate must be a Decimal fraction, not a float", code="float")
    if not isinstance(value, Decimal) or not value.is_finite():
        raise QuoteInputError(field, "a rate must be a Decimal fraction (0.0399 = 3.99 %)", code="not_decimal")
    if value < 0 or value > maximum or (below_maximum and value == maximum):
        raise QuoteInputError(field, f"must be from 0 to {maximum:%}" + (" (excluded)" if below_maximum else ""),
                              code="out_of_range")
    if value != value.quantize(Decimal(1).scaleb(-RATE_PLACES)):
        raise QuoteInputError(field, f"at most {RATE_PLACES} decimal places", code="too_precise")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(value, field: str, low: int, high: int) -> None:
    if not _is_int(value):
        raise QuoteInputError(field, "must be a whole number", code="not_int")
    if not low <= value <= high:
        raise QuoteInputError(field, f"must be from {low} to {high}", code="out_of_range")


def _date(value, field: str) -> None:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise QuoteInputError(field, "must be a date", code="not_date")


def _lines(lines, field: str) -> None:
    if not isinstance(lines, tuple):
        raise QuoteInputError(field, "must be a tuple of named amounts", code="invalid")
    if len(lines) > MAX_LINES:
        raise QuoteInputError(field, f"at most {MAX_LINES} lines", code="too_many")
    for index, line in enumerate(lines):
        path = f"{field}[{index}]"
        if not isinstance(line, NamedAmount):
            raise QuoteInputError(path, "must be a NamedAmount", code="invalid")
        if not isinstance(line.name, str) or not line.name.strip():
            raise QuoteInputError(f"{path}.name", "a line needs a name", code="required")
        _money(line.amount, f"{path}.amount")


def _compulsory_rates(rates: CompulsoryInsuranceRates) -> None:
    if not isinstance(rates, CompulsoryInsuranceRates):
        raise QuoteInputError("compulsory_insurance_rates", "must be CompulsoryInsuranceRates", code="invalid")
    _money(rates.under_six_seats, "compulsory_insurance_rates.under_six_seats", positive=True)
    _money(rates.six_seats_or_more, "compulsory_insurance_rates.six_seats_or_more", positive=True)


def _vessel_table(table: VesselTaxTable) -> None:
    field = "vessel_tax_table"
    if not isinstance(table, VesselTaxTable) or not isinstance(table.brackets, tuple) or not table.brackets:
        raise QuoteInputError(field, "must be a VesselTaxTable with brackets", code="invalid")
    previous = 0
    for index, bracket in enumerate(table.brackets):
        path = f"{field}.brackets[{index}]"
        if not isinstance(bracket, tuple) or len(bracket) != 2:
            raise QuoteInputError(path, "must be (upper cc, annual amount)", code="invalid")
        upper, amount = bracket
        _money(amount, path)
        last = index == len(table.brackets) - 1
        if last and upper is not None:
            raise QuoteInputError(path, "the last bracket must be open (upper None)", code="invalid")
        if not last:
            _int(upper, path, previous + 1, MAX_DISPLACEMENT_CC)
            previous = upper


def _commercial(value) -> None:
    field = "commercial_insurance"
    if value is None:
        return
    if isinstance(value, CommercialInsuranceRates):
        bands = value.bands
        if not isinstance(bands, tuple) or not bands:
            raise QuoteInputError(field, "a rate table needs bands", code="invalid")
        previous = Decimal(0)
        for index, band in enumerate(bands):
            path = f"{field}.bands[{index}]"
            _money(band.base, f"{path}.base")
            _rate(band.rate, f"{path}.rate")
            last = index == len(bands) - 1
            if last and band.up_to_price is not None:
                raise QuoteInputError(path, "the last band must be open (up_to_price None)", code="invalid")
            if not last:
                _money(band.up_to_price, f"{path}.up_to_price", positive=True)
                if band.up_to_price <= previous:
                    raise QuoteInputError(f"{path}.up_to_price", "bands must ascend", code="invalid")
                previous = band.up_to_price
        return
    _money(value, field)


def _trade_in(q: QuoteInput, trade_in: TradeIn, vehicle_price: Decimal) -> Decimal:
    if not isinstance(trade_in, TradeIn):
        raise QuoteInputError("trade_in", "must be a TradeIn", code="invalid")
    _money(trade_in.appraised_value, "trade_in.appraised_value")
    _money(trade_in.brand_bonus, "trade_in.brand_bonus")
    if trade_in.brand_bonus >= vehicle_price:
        raise QuoteInputError("trade_in.brand_bonus", "discount and bonus must leave a price above zero",
                              code="discount_too_large")
    if not isinstance(trade_in.national_scheme, SubsidyScheme):
        raise QuoteInputError("trade_in.national_scheme", "not a subsidy scheme", code="invalid_choice")
    if trade_in.national_scheme != SubsidyScheme.NONE and q.purchase_date.year not in NATIONAL_SUBSIDY_YEARS:
        raise QuoteInputError("trade_in.national_scheme", f"no national subsidy rules for {q.purchase_date.year}",
                              code="no_rule")
    return vehicle_price - trade_in.brand_bonus


def _loan_input(q: QuoteInput, loan: Loan) -> None:
    if not isinstance(loan, Loan):
        raise QuoteInputError("loan", "must be a Loan", code="invalid")
    if not _is_int(loan.term_months) or loan.term_months not in ALLOWED_TERMS:
        raise QuoteInputError("loan.term_months", f"must be one of {ALLOWED_TERMS} months", code="term_not_allowed")
    _rate(loan.annual_rate, "loan.annual_rate", below_maximum=True)
    if (loan.down_payment_ratio is None) == (loan.down_payment_amount is None):
        raise QuoteInputError("loan.down_payment_ratio", "give the down payment as a ratio or as an amount",
                              code="required")
    if loan.down_payment_ratio is not None:
        _rate(loan.down_payment_ratio, "loan.down_payment_ratio")
    else:
        _money(loan.down_payment_amount, "loan.down_payment_amount")
    _lines(loan.fees, "loan.fees")
    if not isinstance(loan.lender, str):
        raise QuoteInputError("loan.lender", "must be text", code="invalid")
    promotion = loan.promotion
    if promotion is None:
        return
    if not isinstance(promotion, FinancePromotion):
        raise QuoteInputError("loan.promotion", "must be a FinancePromotion", code="invalid")
    if not isinstance(promotion.name, str) or not promotion.name.strip():
        raise QuoteInputError("loan.promotion.name", "a promotion needs a name", code="required")
    _rate(promotion.annual_rate, "loan.promotion.annual_rate", below_maximum=True)
    if promotion.annual_rate > loan.annual_rate:
        raise QuoteInputError("loan.promotion.annual_rate", "a promotion may not raise the lender's rate",
                              code="out_of_range")
    _rate(promotion.min_down_payment_ratio, "loan.promotion.min_down_payment_ratio")
    if not isinstance(promotion.terms, tuple) or any(
        not _is_int(term) or term not in ALLOWED_TERMS for term in promotion.terms
    ):
        raise QuoteInputError("loan.promotion.terms", f"terms must be among {ALLOWED_TERMS}", code="term_not_allowed")
    if promotion.terms and loan.term_months not in promotion.terms:
        raise QuoteInputError("loan.term_months", f"the promotion offers {promotion.terms} months",
                              code="promotion_condition")
    for name in ("valid_from", "valid_until"):
        if getattr(promotion, name) is not None:
            _date(getattr(promotion, name), f"loan.promotion.{name}")
    if (promotion.valid_from and q.purchase_date < promotion.valid_from) or (
        promotion.valid_until and q.purchase_date > promotion.valid_until
    ):
        raise QuoteInputError("loan.promotion", "the promotion is not valid on the purchase date",
                              code="promotion_not_valid")


def _deposit(deposit: Deposit, vehicle_price: Decimal) -> None:
    if not isinstance(deposit, Deposit):
        raise QuoteInputError("deposit", "must be a Deposit", code="invalid")
    _money(deposit.amount, "deposit.amount", positive=True)
    if not isinstance(deposit.kind, DepositKind):
        raise QuoteInputError("deposit.kind", "not a deposit kind", code="invalid_choice")
    if deposit.kind == DepositKind.EARNEST and deposit.amount > vehicle_price * EARNEST_MONEY_CAP:
        raise QuoteInputError("deposit.amount", f"earnest money (定金) is at most {EARNEST_MONEY_CAP:%} of the price",
                              code="deposit_cap")
