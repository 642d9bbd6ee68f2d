"""From a quote's stored inputs to calc.QuoteInput, and calc's refusals to translated field errors.

The one bridge between the database and the pure calculation: the service builds the input here, calls
calc.calculate, and stores `breakdown_json(result)` — so the page, the API, the PDF and the order all read the
same figures, rounded once by calc.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from enum import Enum

from django.utils.translation import gettext as _

from showroom.core.errors import DomainError

from . import calc
from .models import CommercialInsurance, LineKind, PaymentMethod
from .rates import CommercialInsuranceRates, InsuranceRateBand, SubsidyScheme, VesselTaxTable

# calc's dotted input paths → the quote's field names (forms and API use the same names).
_FIELD_PREFIXES = (
    ("guide_price", "trim"),
    ("powertrain", "trim"),
    ("seats", "trim"),
    ("displacement_cc", "trim"),
    ("colour_surcharges", "exterior_colour"),
    ("option_packages", "lines"),
    ("accessories", "lines"),
    ("other_fees", "lines"),
    ("loan.fees", "lines"),
    ("commercial_insurance", "commercial_insurance_amount"),
    ("trade_in.appraised_value", "trade_in_value"),
    ("trade_in.brand_bonus", "trade_in_bonus"),
    ("trade_in.national_scheme", "subsidy_scheme"),
    ("trade_in", "trade_in_value"),
    ("loan.term_months", "loan_term_months"),
    ("loan.annual_rate", "loan_annual_rate"),
    ("loan.down_payment_ratio", "loan_down_payment_ratio"),
    ("loan.down_payment_amount", "loan_down_payment_amount"),
    ("loan.lender", "loan_lender"),
    ("loan.promotion", "promotion"),
    ("loan", "payment_method"),
    ("deposit.amount", "deposit_amount"),
    ("deposit.kind", "deposit_kind"),
    ("deposit", "deposit_amount"),
    ("vessel_tax_table", None),
    ("total", None),
)


def field_for(path: str) -> str | None:
    """The quote field a calc input path belongs to (None: the quote as a whole)."""
    for prefix, field in _FIELD_PREFIXES:
        if path == prefix or path.startswith((prefix + ".", prefix + "[")):
            return field
    return path


def _message(err: calc.QuoteInputError, field: str | None) -> str:
    code = err.code
    specific = {
        ("exceeds_due", "trade_in_value"): _("The trade-in is worth more than the cash due: finance less or pay less "
                                             "down."),
        ("exceeds_due", "deposit_amount"): _("The deposit is more than the cash due."),
        ("promotion_condition", "loan_term_months"): _("The finance promotion is not offered for this term."),
        ("promotion_condition", "loan_down_payment_ratio"): _("The finance promotion needs a larger down payment."),
        ("promotion_condition", "loan_down_payment_amount"): _("The finance promotion needs a larger down payment."),
        ("required", "loan_down_payment_ratio"): _("Give the down payment as a percentage or as an amount, not both."),
        ("required", "lines"): _("Every line needs a name."),
        ("no_rule", "purchase_date"): _("There is no purchase-tax rule for this date; choose a date from 2024 on."),
        ("no_rule", "subsidy_scheme"): _("There are no national subsidy rules for the year of the invoice."),
        ("out_of_range", "promotion"): _("A finance promotion may not raise the lender's rate."),
        ("discount_too_large", "trade_in_bonus"): _("The discount and the trade-in bonus must leave a price above "
                                                    "zero."),
    }
    if (code, field) in specific:
        return specific[(code, field)]
    if code == "out_of_range" and field == "loan_annual_rate":
        return _("Enter an annual rate from 0 % to below 100 %.")
    generic = {
        "not_fen": _("Enter an amount in yuan with at most two decimals."),
        "negative": _("An amount cannot be negative."),
        "too_large": _("The amount is too large."),
        "discount_too_large": _("The discount must leave a price above zero."),
        "term_not_allowed": _("Choose a term of 12, 24, 36, 48 or 60 months."),
        "too_precise": _("Enter a percentage with at most four decimals."),
        "out_of_range": _("The value is out of the allowed range."),
        "loan_too_small": _("A loan must finance at least ¥1,000: choose full payment instead."),
        "promotion_not_valid": _("The finance promotion is not valid on the expected invoice date."),
        "deposit_cap": _("Earnest money (定金) may be at most 20 % of the vehicle price; take an advance payment "
                         "(订金) instead or lower it."),
        "required": _("This field is required."),
        "exceeds_due": _("The amount is more than the cash due."),
        "too_many": _("Too many lines."),
    }
    return generic.get(code, _("Enter a valid value."))


def domain_error(err: calc.QuoteInputError) -> DomainError:
    """calc's refusal as the translated error of the quote field it concerns."""
    field = field_for(err.field)
    return DomainError(_message(err, field), code=f"calc_{err.code}", field=field)


def insurance_table(bands) -> CommercialInsuranceRates | None:
    """The store's rate bands (ascending, the open band last) as calc's rate table; None without a table."""
    rows = sorted(bands, key=lambda b: (b.up_to_price is None, b.up_to_price or 0))
    if not rows:
        return None
    return CommercialInsuranceRates(
        name="store", bands=tuple(InsuranceRateBand(b.up_to_price, b.base, b.rate) for b in rows))


def build_input(quote, *, trim, lines, vessel_tax_table: VesselTaxTable, exterior=None, interior=None, promotion=None,
                rate_table=None) -> calc.QuoteInput:
    """The calculation input of a quote with its (unsaved or saved) lines, trim, colours and promotion, and the
    store's 车船税 table."""
    colours = tuple(calc.NamedAmount(c.name, c.surcharge) for c in (exterior, interior) if c is not None and c.surcharge)
    by_kind: dict[str, list] = {kind: [] for kind in LineKind.values}
    for line in lines:
        by_kind[line.kind].append(calc.NamedAmount(line.name, line.amount))
    commercial: Decimal | CommercialInsuranceRates | None = None
    if quote.commercial_insurance_mode == CommercialInsurance.ENTERED:
        if quote.commercial_insurance_amount is None:
            raise DomainError(_("Enter the insurer's premium."), code="insurance_required",
                              field="commercial_insurance_amount")
        commercial = quote.commercial_insurance_amount
    elif quote.commercial_insurance_mode == CommercialInsurance.RATE_TABLE:
        if rate_table is None:
            raise DomainError(_("The store has no insurance rate table yet: enter the insurer's premium instead."),
                              code="no_rate_table", field="commercial_insurance_mode")
        commercial = rate_table
    trade_in = None
    if quote.has_trade_in:
        trade_in = calc.TradeIn(appraised_value=quote.trade_in_value, brand_bonus=quote.trade_in_bonus,
                                national_scheme=SubsidyScheme(quote.subsidy_scheme))
    loan = None
    if quote.payment_method == PaymentMethod.LOAN:
        if quote.loan_term_months is None:
            raise DomainError(_("Choose the loan term."), code="term_required", field="loan_term_months")
        if quote.loan_annual_rate is None:
            raise DomainError(_("Enter the lender's annual rate."), code="rate_required", field="loan_annual_rate")
        calc_promotion = None
        if promotion is not None:
            calc_promotion = calc.FinancePromotion(
                name=promotion.name, annual_rate=promotion.annual_rate, terms=tuple(promotion.terms or ()),
                min_down_payment_ratio=promotion.min_down_payment_ratio, valid_from=promotion.valid_from,
                valid_until=promotion.valid_until)
        loan = calc.Loan(
            term_months=quote.loan_term_months, annual_rate=quote.loan_annual_rate,
            down_payment_ratio=quote.loan_down_payment_ratio, down_payment_amount=quote.loan_down_payment_amount,
            fees=tuple(by_kind[LineKind.FINANCE_FEE]), promotion=calc_promotion, lender=quote.loan_lender)
    deposit = None
    if quote.deposit_amount:
        deposit = calc.Deposit(amount=quote.deposit_amount, kind=calc.DepositKind(quote.deposit_kind))
    try:
        return calc.QuoteInput(
            guide_price=quote.guide_price,
            powertrain=trim.powertrain,
            seats=trim.seats,
            purchase_date=quote.purchase_date,
            displacement_cc=trim.displacement_cc,
            in_nev_tax_catalogue=trim.nev_tax_catalogue,
            in_vessel_tax_exemption=trim.vessel_tax_exempt,
            vessel_tax_table=vessel_tax_table,
            discount=quote.discount,
            colour_surcharges=colours,
            option_packages=tuple(by_kind[LineKind.OPTION]),
            accessories=tuple(by_kind[LineKind.ACCESSORY]),
            commercial_insurance=commercial,
            plate_service_fee=quote.plate_service_fee,
            extended_warranty=quote.extended_warranty,
            other_fees=tuple(by_kind[LineKind.STORE_FEE]),
            trade_in=trade_in,
            loan=loan,
            deposit=deposit,
        )
    except calc.QuoteInputError as err:
        raise domain_error(err) from None


def calculate(quote_input: calc.QuoteInput) -> calc.QuoteBreakdown:
    """calc.calculate with its refusals translated."""
    try:
        return calc.calculate(quote_input)
    except calc.QuoteInputError as err:
        raise domain_error(err) from None


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def breakdown_json(result: calc.QuoteBreakdown) -> dict:
    """The breakdown as stored on the quote: calc's fields, money as strings (exact), enums as their values."""
    return _plain(dataclasses.asdict(result))


def money(value) -> Decimal:
    """A stored breakdown amount back as Decimal."""
    return Decimal(value) if value not in (None, "") else Decimal("0.00")
