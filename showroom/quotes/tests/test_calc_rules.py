"""The rules of the quote: purchase tax by powertrain and date, 车船税 brackets, 交强险 by seats, loans,
trade-ins and subsidies, deposits, rounding."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal as D

import pytest

from showroom.catalog.models import Powertrain
from showroom.quotes.calc import (
    Deposit,
    DepositKind,
    FinancePromotion,
    NamedAmount,
    QuoteInputError,
    TradeIn,
    calculate,
)
from showroom.quotes.examples import electric_sportback, petrol_suv, petrol_suv_loan
from showroom.quotes.rates import (
    CommercialInsuranceRates,
    CompulsoryInsuranceRates,
    InsuranceRateBand,
    SubsidyScheme,
    VesselTaxTable,
)

NEVS = [Powertrain.ELECTRIC, Powertrain.PLUG_IN_HYBRID, Powertrain.RANGE_EXTENDER]
FUEL = [Powertrain.PETROL, Powertrain.DIESEL, Powertrain.HYBRID]


def car(powertrain, price="269900", on=dt.date(2026, 3, 16), **changes):
    displacement = None if powertrain == Powertrain.ELECTRIC else 1984
    return electric_sportback(price, powertrain=powertrain, displacement_cc=displacement, purchase_date=on, **changes)


# ------------------------------------------------------------------------------------------- purchase tax


@pytest.mark.parametrize("powertrain", FUEL)
@pytest.mark.parametrize("on", [dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2028, 1, 1)])
def test_fuel_cars_and_hybrids_pay_the_full_tenth_of_the_price_without_vat(powertrain, on):
    tax = calculate(car(powertrain, on=on)).purchase_tax

    assert (tax.full_tax, tax.reduction, tax.tax) == (D("23884.96"), D("0.00"), D("23884.96"))


@pytest.mark.parametrize("powertrain", NEVS)
@pytest.mark.parametrize(
    ("on", "tax"),
    [
        (dt.date(2024, 1, 1), "0.00"),  # exempt 2024–2025
        (dt.date(2025, 12, 31), "0.00"),
        (dt.date(2026, 1, 1), "11942.48"),  # halved 2026–2027
        (dt.date(2027, 12, 31), "11942.48"),
        (dt.date(2028, 1, 1), "23884.96"),  # full from 2028
    ],
)
def test_new_energy_cars_in_the_catalogue_pay_by_the_date_of_purchase(powertrain, on, tax):
    assert calculate(car(powertrain, on=on)).purchase_tax.tax == D(tax)


def test_a_new_energy_car_outside_the_catalogue_pays_the_full_tax():
    tax = calculate(car(Powertrain.PLUG_IN_HYBRID, in_nev_tax_catalogue=False)).purchase_tax

    assert (tax.reduction, tax.tax) == (D("0.00"), D("23884.96"))


@pytest.mark.parametrize(
    ("on", "price", "tax", "capped"),
    [
        # 2024–2025: exempt up to ¥30,000 of tax; the cap starts to bind one fen above ¥339,000.05
        (dt.date(2025, 12, 31), "339000.00", "0.00", False),
        (dt.date(2025, 12, 31), "339000.05", "0.00", False),  # taxable 300,000.04 → tax 30,000.00
        (dt.date(2025, 12, 31), "339000.06", "0.01", True),  # taxable 300,000.05 → tax 30,000.01
        (dt.date(2025, 12, 31), "500000.00", "14247.79", True),
        # 2026–2027: half, at most ¥15,000 off — the same price boundary
        (dt.date(2026, 1, 1), "339000.00", "15000.00", False),
        (dt.date(2026, 1, 1), "339000.05", "15000.00", False),
        (dt.date(2027, 12, 31), "339000.06", "15000.01", True),
        (dt.date(2027, 12, 31), "500000.00", "29247.79", True),
    ],
)
def test_the_nev_cap_starts_to_bind_above_339_000(on, price, tax, capped):
    result = calculate(car(Powertrain.ELECTRIC, price=price, on=on)).purchase_tax

    assert result.tax == D(tax)
    assert result.cap_applied is capped
    assert result.full_tax - result.reduction == result.tax


def test_purchases_before_2024_have_no_rule_and_are_refused():
    with pytest.raises(QuoteInputError) as error:
        car(Powertrain.PETROL, on=dt.date(2023, 12, 31))
    assert error.value.field == "purchase_date"
    assert error.value.code == "no_rule"


def test_colour_and_options_are_taxed_with_the_car_but_accessories_are_not():
    quote = calculate(petrol_suv(
        colour_surcharges=(NamedAmount("金属漆", D("8000")),),
        option_packages=(NamedAmount("S line", D("12000")),),
        discount=D("20000"),
    ))

    assert quote.list_price == D("350000.00")
    assert quote.vehicle_price == D("330000.00")
    assert quote.purchase_tax.tax == D("29203.54")
    assert quote.total == D("380853.54")


# ------------------------------------------------------------------------------------------------ 车船税


@pytest.mark.parametrize(
    ("cc", "annual"),
    [
        (998, "300"), (1000, "300"), (1001, "420"), (1600, "420"), (1601, "480"), (1984, "480"), (2000, "480"),
        (2001, "900"), (2500, "900"), (2501, "1920"), (3000, "1920"), (3001, "3480"), (4000, "3480"),
        (4001, "5280"), (6000, "5280"),
    ],
)
def test_vessel_tax_brackets_include_their_upper_displacement(cc, annual):
    quote = calculate(petrol_suv(displacement_cc=cc, purchase_date=dt.date(2026, 1, 5)))

    assert quote.vessel_tax.annual == D(annual)
    assert quote.vessel_tax.months == 12
    assert quote.vessel_tax.amount == D(annual)


@pytest.mark.parametrize(("month", "amount"), [(1, "480.00"), (3, "400.00"), (7, "240.00"), (12, "40.00")])
def test_vessel_tax_of_the_first_year_counts_the_months_from_purchase_to_december(month, amount):
    assert calculate(petrol_suv(purchase_date=dt.date(2026, month, 28))).vessel_tax.amount == D(amount)


def test_vessel_tax_is_rounded_once_after_the_pro_rata():
    table = VesselTaxTable("test", ((2000, D("500")), (None, D("3.06"))))

    assert calculate(petrol_suv(vessel_tax_table=table, purchase_date=dt.date(2026, 6, 1))).vessel_tax.amount == D(
        "291.67")  # 500 × 7 ÷ 12 = 291.666…
    assert calculate(petrol_suv(vessel_tax_table=table, displacement_cc=2500,
                                purchase_date=dt.date(2026, 12, 1))).vessel_tax.amount == D("0.26")  # 0.255 up


@pytest.mark.parametrize(
    ("powertrain", "exempt_listed", "amount"),
    [
        (Powertrain.ELECTRIC, True, "0.00"),
        (Powertrain.ELECTRIC, False, "0.00"),  # outside the tax altogether
        (Powertrain.PLUG_IN_HYBRID, True, "0.00"),
        (Powertrain.RANGE_EXTENDER, True, "0.00"),
        (Powertrain.PLUG_IN_HYBRID, False, "400.00"),
        (Powertrain.HYBRID, True, "400.00"),  # a hybrid without a plug is a fuel car
        (Powertrain.DIESEL, True, "400.00"),
    ],
)
def test_new_energy_cars_are_free_of_vessel_tax_when_exempt(powertrain, exempt_listed, amount):
    assert calculate(car(powertrain, in_vessel_tax_exemption=exempt_listed)).vessel_tax.amount == D(amount)


# ------------------------------------------------------------------------------------------------- insurance


@pytest.mark.parametrize(("seats", "premium"), [(2, "950.00"), (5, "950.00"), (6, "1100.00"), (7, "1100.00"),
                                                (9, "1100.00")])
def test_compulsory_insurance_depends_on_six_seats(seats, premium):
    assert calculate(petrol_suv(seats=seats)).compulsory_insurance == D(premium)


def test_a_region_can_use_its_own_compulsory_insurance_rates():
    rates = CompulsoryInsuranceRates(D("855"), D("990"))

    assert calculate(petrol_suv(compulsory_insurance_rates=rates, seats=7)).compulsory_insurance == D("990.00")


def test_commercial_insurance_from_a_rate_table_is_base_plus_rate_times_price_rounded_once():
    table = CommercialInsuranceRates("test", (
        InsuranceRateBand(D("200000"), D("1000"), D("0.03")),
        InsuranceRateBand(None, D("0"), D("0.0285")),
    ))

    assert calculate(petrol_suv(commercial_insurance=table, guide_price=D("200000"))).commercial_insurance == D(
        "7000.00")
    # the open band above 200,000: 0.0285 × 323,456.78 = 9,218.518…
    quote = calculate(petrol_suv(commercial_insurance=table, guide_price=D("323456.78")))
    assert quote.commercial_insurance == D("9218.52")  # 9,218.518…


def test_without_commercial_insurance_the_quote_has_no_such_line():
    quote = calculate(petrol_suv(commercial_insurance=None))

    assert quote.commercial_insurance == D("0.00")
    assert "commercial_insurance" not in [line.code for line in quote.lines]
    assert quote.total == D("371653.54")


# ---------------------------------------------------------------------------------------------------- loans


def test_an_interest_free_loan_that_does_not_divide_evenly_lets_the_last_instalment_absorb_the_fen():
    loan = calculate(petrol_suv_loan(annual_rate=D("0"), down_payment_amount=D("230000"),
                                     down_payment_ratio=None)).loan

    assert loan.amount_financed == D("100000.00")
    assert loan.monthly_instalment == D("2777.78")
    assert loan.last_instalment == D("2777.70")
    assert loan.total_repaid == D("100000.00")
    assert loan.total_interest == D("0.00")


def test_a_down_payment_ratio_is_rounded_to_the_fen_and_the_rest_is_financed():
    quote = calculate(replace(petrol_suv_loan(down_payment_ratio=D("0.3")), guide_price=D("123456.78")))

    assert quote.loan.down_payment == D("37037.03")  # 37,037.034
    assert quote.loan.amount_financed == D("86419.75")
    assert quote.loan.down_payment + quote.loan.amount_financed == quote.vehicle_price


def test_a_0_percent_promotion_shows_the_interest_it_saves():
    promotion = FinancePromotion("3 years 0 %", D("0"), terms=(36,), min_down_payment_ratio=D("0.3"),
                                 valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2026, 3, 31))
    loan = calculate(petrol_suv_loan(promotion=promotion)).loan

    assert loan.promotion == "3 years 0 %"
    assert loan.annual_rate == D("0")
    assert loan.monthly_instalment == D("5500.00")
    assert loan.total_interest == D("0.00")
    assert loan.interest_saved == D("12415.32")


@pytest.mark.parametrize(
    ("promotion", "loan", "field", "code"),
    [
        ({"valid_until": dt.date(2026, 2, 28)}, {}, "loan.promotion", "promotion_not_valid"),
        ({"valid_from": dt.date(2026, 4, 1)}, {}, "loan.promotion", "promotion_not_valid"),
        ({"terms": (60,)}, {}, "loan.term_months", "promotion_condition"),
        ({"terms": (18,)}, {}, "loan.promotion.terms", "term_not_allowed"),
        ({"annual_rate": D("0.05")}, {}, "loan.promotion.annual_rate", "out_of_range"),
    ],
)
def test_a_promotion_applies_only_on_its_conditions(promotion, loan, field, code):
    offer = FinancePromotion(**{"name": "offer", "annual_rate": D("0"), **promotion})
    with pytest.raises(QuoteInputError) as error:
        petrol_suv_loan(promotion=offer, **loan)
    assert (error.value.field, error.value.code) == (field, code)


def test_a_promotion_with_a_minimum_down_payment_refuses_less():
    offer = FinancePromotion("offer", D("0"), min_down_payment_ratio=D("0.5"))
    with pytest.raises(QuoteInputError) as error:
        calculate(petrol_suv_loan(promotion=offer))
    assert (error.value.field, error.value.code) == ("loan.down_payment_ratio", "promotion_condition")


def test_lender_fees_are_lines_of_the_total_paid_in_cash():
    quote = calculate(petrol_suv_loan(fees=(NamedAmount("抵押登记", D("200")),)))

    assert quote.finance_fees == D("200.00")
    assert quote.total == D("381053.54")
    assert quote.cash_due == D("183053.54")


def test_a_loan_below_1_000_is_refused():
    with pytest.raises(QuoteInputError) as error:
        calculate(petrol_suv_loan(down_payment_ratio=None, down_payment_amount=D("329000.01")))
    assert (error.value.field, error.value.code) == ("loan.down_payment_amount", "loan_too_small")


# ------------------------------------------------------------------------------------ trade-in and subsidies


def test_the_trade_in_value_is_paid_against_the_cash_due_without_changing_the_total():
    quote = calculate(petrol_suv(trade_in=TradeIn(appraised_value=D("80000"))))

    assert quote.total == D("380853.54")
    assert quote.trade_in_value == D("80000.00")
    assert quote.cash_due == D("300853.54")


def test_the_brand_trade_in_bonus_lowers_the_invoiced_price_and_its_tax():
    quote = calculate(petrol_suv(trade_in=TradeIn(appraised_value=D("80000"), brand_bonus=D("10000"))))

    assert quote.vehicle_price == D("320000.00")
    assert quote.purchase_tax.tax == D("28318.58")  # 320,000 ÷ 1.13 = 283,185.84
    assert quote.total == D("369968.58")  # 380,853.54 − 10,000 − (29,203.54 − 28,318.58)
    assert quote.cash_due == quote.total - D("80000")


def test_with_a_loan_the_trade_in_covers_part_of_the_down_payment():
    quote = calculate(replace(petrol_suv_loan(), trade_in=TradeIn(appraised_value=D("100000"))))

    assert quote.cash_due == D("82853.54")  # 380,853.54 − 198,000 loan − 100,000 trade-in


def test_a_trade_in_worth_more_than_the_cash_due_is_refused():
    with pytest.raises(QuoteInputError) as error:
        calculate(replace(petrol_suv_loan(), trade_in=TradeIn(appraised_value=D("182853.55"))))
    assert (error.value.field, error.value.code) == ("trade_in.appraised_value", "exceeds_due")


@pytest.mark.parametrize(
    ("powertrain", "cc", "price", "scheme", "subsidy"),
    [
        (Powertrain.PETROL, 1984, "330000", SubsidyScheme.SCRAP, "15000.00"),  # 10 % = 33,000, cap 15,000
        (Powertrain.PETROL, 1984, "330000", SubsidyScheme.REPLACE, "13000.00"),  # 6 % = 19,800, cap 13,000
        (Powertrain.HYBRID, 2000, "120000", SubsidyScheme.REPLACE, "7200.00"),  # 6 %
        (Powertrain.PETROL, 2001, "330000", SubsidyScheme.SCRAP, "0.00"),  # above 2.0 L: none
        (Powertrain.ELECTRIC, None, "150000", SubsidyScheme.SCRAP, "18000.00"),  # 12 %
        (Powertrain.ELECTRIC, None, "269900", SubsidyScheme.SCRAP, "20000.00"),  # cap 20,000
        (Powertrain.PLUG_IN_HYBRID, 1498, "150000", SubsidyScheme.REPLACE, "12000.00"),  # 8 %
        (Powertrain.RANGE_EXTENDER, 1498, "269900", SubsidyScheme.REPLACE, "15000.00"),  # cap 15,000
        (Powertrain.ELECTRIC, None, "150000", SubsidyScheme.NONE, "0.00"),
    ],
)
def test_the_national_subsidy_of_2026_is_shown_but_not_taken_off_the_cash_due(powertrain, cc, price, scheme, subsidy):
    quote = calculate(electric_sportback(price, powertrain=powertrain, displacement_cc=cc,
                                         trade_in=TradeIn(national_scheme=scheme)))

    assert quote.national_subsidy == D(subsidy)
    assert quote.national_subsidy_scheme == scheme
    assert quote.cash_due == quote.total


def test_a_new_energy_car_outside_the_catalogue_gets_no_national_subsidy():
    quote = calculate(electric_sportback(in_nev_tax_catalogue=False, trade_in=TradeIn(national_scheme=SubsidyScheme.SCRAP)))

    assert quote.national_subsidy == D("0.00")


def test_the_national_subsidy_outside_2026_is_refused_for_want_of_rules():
    with pytest.raises(QuoteInputError) as error:
        petrol_suv(purchase_date=dt.date(2027, 1, 4), trade_in=TradeIn(national_scheme=SubsidyScheme.SCRAP))
    assert (error.value.field, error.value.code) == ("trade_in.national_scheme", "no_rule")


# -------------------------------------------------------------------------------------------------- deposits


def test_the_deposit_is_due_at_signing_and_the_rest_at_delivery():
    quote = calculate(petrol_suv(deposit=Deposit(D("20000"))))

    assert quote.cash_due_at_signing == D("20000.00")
    assert quote.cash_due_at_delivery == D("360853.54")
    assert quote.cash_due_at_signing + quote.cash_due_at_delivery == quote.total


def test_earnest_money_is_at_most_a_fifth_of_the_price_but_an_advance_payment_is_not_capped():
    assert calculate(petrol_suv(deposit=Deposit(D("66000")))).deposit == D("66000.00")
    with pytest.raises(QuoteInputError) as error:
        petrol_suv(deposit=Deposit(D("66000.01")))
    assert (error.value.field, error.value.code) == ("deposit.amount", "deposit_cap")
    assert calculate(petrol_suv(deposit=Deposit(D("100000"), DepositKind.ADVANCE))).cash_due_at_delivery == D(
        "280853.54")


def test_a_deposit_above_the_cash_due_is_refused():
    big_trade_in = TradeIn(appraised_value=D("370000"))
    with pytest.raises(QuoteInputError) as error:
        calculate(petrol_suv(trade_in=big_trade_in, deposit=Deposit(D("20000"), DepositKind.ADVANCE)))
    assert (error.value.field, error.value.code) == ("deposit.amount", "exceeds_due")


# ------------------------------------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"guide_price": 330000.0}, "guide_price", "float"),
        ({"guide_price": D("-1")}, "guide_price", "negative"),
        ({"guide_price": D("0")}, "guide_price", "required"),
        ({"guide_price": D("330000.001")}, "guide_price", "not_fen"),
        ({"guide_price": D("NaN")}, "guide_price", "not_decimal"),
        ({"guide_price": "330000"}, "guide_price", "not_decimal"),
        ({"discount": D("330000")}, "discount", "discount_too_large"),
        ({"discount": D("400000")}, "discount", "discount_too_large"),
        ({"discount": 1000.5}, "discount", "float"),
        ({"accessories": (NamedAmount("film", D("1")), NamedAmount("mats", D("-5")))}, "accessories[1].amount",
         "negative"),
        ({"accessories": (NamedAmount(" ", D("1")),)}, "accessories[0].name", "required"),
        ({"other_fees": [NamedAmount("x", D("1"))]}, "other_fees", "invalid"),
        ({"seats": 10}, "seats", "out_of_range"),
        ({"seats": 5.0}, "seats", "not_int"),
        ({"displacement_cc": None}, "displacement_cc", "required"),
        ({"displacement_cc": 0}, "displacement_cc", "out_of_range"),
        ({"powertrain": "steam"}, "powertrain", "invalid_choice"),
        ({"purchase_date": dt.datetime(2026, 3, 16, 10, 0)}, "purchase_date", "not_date"),
        ({"commercial_insurance": 9200.0}, "commercial_insurance", "float"),
        ({"trade_in": TradeIn(appraised_value=D("-1"))}, "trade_in.appraised_value", "negative"),
        ({"trade_in": TradeIn(brand_bonus=D("330000"))}, "trade_in.brand_bonus", "discount_too_large"),
        ({"deposit": Deposit(D("0"))}, "deposit.amount", "required"),
        ({"vessel_tax_table": VesselTaxTable("x", ((2000, D("480")), (1000, D("300")), (None, D("900"))))},
         "vessel_tax_table.brackets[1]", "out_of_range"),
        ({"vessel_tax_table": VesselTaxTable("x", ((2000, D("480")),))}, "vessel_tax_table.brackets[0]", "invalid"),
    ],
)
def test_invalid_inputs_are_refused_naming_the_field(changes, field, code):
    with pytest.raises(QuoteInputError) as error:
        petrol_suv(**changes)
    assert (error.value.field, error.value.code) == (field, code)
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize(
    ("loan", "field", "code"),
    [
        ({"term_months": 18}, "loan.term_months", "term_not_allowed"),
        ({"term_months": 72}, "loan.term_months", "term_not_allowed"),
        ({"term_months": 36.0}, "loan.term_months", "term_not_allowed"),
        ({"down_payment_ratio": D("1.2")}, "loan.down_payment_ratio", "out_of_range"),
        ({"down_payment_ratio": D("-0.1")}, "loan.down_payment_ratio", "out_of_range"),
        ({"down_payment_ratio": 0.4}, "loan.down_payment_ratio", "float"),
        ({"down_payment_ratio": D("0.1234567")}, "loan.down_payment_ratio", "too_precise"),
        ({"down_payment_ratio": None}, "loan.down_payment_ratio", "required"),
        ({"down_payment_amount": D("100000")}, "loan.down_payment_ratio", "required"),
        ({"annual_rate": D("3.99")}, "loan.annual_rate", "out_of_range"),  # a percentage typed as a fraction
        ({"annual_rate": D("-0.01")}, "loan.annual_rate", "out_of_range"),
        ({"fees": (NamedAmount("GPS", 300.0),)}, "loan.fees[0].amount", "float"),
    ],
)
def test_invalid_loans_are_refused_naming_the_field(loan, field, code):
    with pytest.raises(QuoteInputError) as error:
        petrol_suv_loan(**loan)
    assert (error.value.field, error.value.code) == (field, code)


def test_a_down_payment_of_the_whole_price_leaves_nothing_to_finance():
    with pytest.raises(QuoteInputError) as error:
        calculate(petrol_suv_loan(down_payment_ratio=D("1")))
    assert (error.value.field, error.value.code) == ("loan.down_payment_ratio", "loan_too_small")


def test_the_powertrain_may_be_given_by_its_code():
    quote = petrol_suv(powertrain="hev")

    assert quote.powertrain is Powertrain.HYBRID


def test_a_battery_electric_car_has_no_displacement():
    with pytest.raises(QuoteInputError) as error:
        electric_sportback(displacement_cc=1984)
    assert error.value.field == "displacement_cc"


def test_a_promotion_accepts_a_down_payment_exactly_at_its_minimum_and_refuses_a_fen_less():
    offer = FinancePromotion("offer", D("0"), min_down_payment_ratio=D("0.4"))

    assert calculate(petrol_suv_loan(promotion=offer)).loan.down_payment == D("132000.00")
    with pytest.raises(QuoteInputError) as error:
        calculate(petrol_suv_loan(promotion=offer, down_payment_ratio=None, down_payment_amount=D("131999.99")))
    assert (error.value.field, error.value.code) == ("loan.down_payment_amount", "promotion_condition")
