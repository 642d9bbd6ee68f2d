"""The worked examples of the domain file (§3.2) come out of the calculation to the fen."""

from decimal import Decimal as D

from showroom.quotes.calc import LineCode, calculate
from showroom.quotes.examples import electric_sportback, petrol_suv, petrol_suv_loan


def test_the_petrol_suv_paid_in_full_costs_380_853_54_to_drive_away():
    quote = calculate(petrol_suv())

    assert quote.vehicle_price == D("330000.00")
    assert quote.purchase_tax.taxable_price == D("292035.40")
    assert quote.purchase_tax.tax == D("29203.54")
    assert quote.compulsory_insurance == D("950.00")
    assert quote.vessel_tax.annual == D("480.00")
    assert quote.vessel_tax.months == 10  # March to December
    assert quote.vessel_tax.amount == D("400.00")
    assert quote.commercial_insurance == D("9200.00")
    assert quote.plate_service_fee == D("800.00")
    assert quote.accessories == D("4500.00")
    assert quote.extended_warranty == D("5800.00")
    assert quote.total == D("380853.54")
    assert quote.loan is None
    assert quote.amount_financed == D("0.00")
    assert quote.cash_due == quote.cash_due_at_delivery == D("380853.54")
    assert quote.cash_due_at_signing == D("0.00")


def test_the_printed_lines_of_the_petrol_suv_add_up_to_its_total():
    quote = calculate(petrol_suv())

    assert [(line.code, line.amount) for line in quote.lines] == [
        (LineCode.VEHICLE, D("330000.00")),
        (LineCode.PURCHASE_TAX, D("29203.54")),
        (LineCode.VESSEL_TAX, D("400.00")),
        (LineCode.COMPULSORY_INSURANCE, D("950.00")),
        (LineCode.COMMERCIAL_INSURANCE, D("9200.00")),
        (LineCode.PLATE_SERVICE, D("800.00")),
        (LineCode.ACCESSORY, D("3500.00")),
        (LineCode.ACCESSORY, D("1000.00")),
        (LineCode.EXTENDED_WARRANTY, D("5800.00")),
    ]
    assert sum(line.amount for line in quote.lines) == quote.total
    # Every amount prints with two places, whether entered as 330000 or computed.
    assert all(line.amount.as_tuple().exponent == -2 for line in quote.lines)


def test_the_petrol_suv_on_a_36_month_loan_at_3_99_percent():
    quote = calculate(petrol_suv_loan())

    assert quote.loan.down_payment == D("132000.00")
    assert quote.loan.amount_financed == quote.amount_financed == D("198000.00")
    assert quote.loan.monthly_instalment == D("5844.87")
    assert quote.loan.last_instalment == D("5844.87")
    assert quote.loan.total_interest == D("12415.32")
    assert quote.total == D("380853.54")
    assert quote.cash_due == D("182853.54")


def test_the_same_loan_at_0_percent_costs_5_500_a_month_and_no_interest():
    quote = calculate(petrol_suv_loan(annual_rate=D("0")))

    assert quote.loan.monthly_instalment == quote.loan.last_instalment == D("5500.00")
    assert quote.loan.total_interest == D("0.00")


def test_the_same_loan_over_60_months_costs_3_645_58_a_month():
    quote = calculate(petrol_suv_loan(term_months=60))

    assert quote.loan.monthly_instalment == D("3645.58")
    assert quote.loan.total_interest == D("20734.80")


def test_the_electric_sportback_pays_half_the_purchase_tax_and_no_vessel_tax_in_2026():
    quote = calculate(electric_sportback("269900"))

    assert quote.purchase_tax.taxable_price == D("238849.56")
    assert quote.purchase_tax.full_tax == D("23884.96")
    assert quote.purchase_tax.reduction == D("11942.48")
    assert quote.purchase_tax.tax == D("11942.48")
    assert not quote.purchase_tax.cap_applied
    assert quote.vessel_tax.exempt
    assert quote.vessel_tax.amount == D("0.00")


def test_an_electric_car_at_399_800_gets_the_capped_reduction_of_15_000():
    tax = calculate(electric_sportback("399800")).purchase_tax

    assert tax.full_tax == D("35380.53")
    assert tax.reduction == D("15000.00")
    assert tax.tax == D("20380.53")
    assert tax.cap_applied


def test_the_half_fen_reduction_rounds_up_in_the_buyers_favour():
    """Open point 1 of the domain file: at ¥235,900 half the tax is exactly 10,438.055."""
    tax = calculate(electric_sportback("235900")).purchase_tax

    assert tax.full_tax == D("20876.11")
    assert tax.reduction == D("10438.06")
    assert tax.tax == D("10438.05")
