"""The quote benchmark for `make bench` calculates varied, valid quotes."""

from showroom.catalog.models import Powertrain
from showroom.quotes.benchmark import calculations_per_second, varied_inputs
from showroom.quotes.calc import calculate


def test_the_benchmark_inputs_are_valid_and_cover_the_cases_of_a_quote():
    inputs = varied_inputs(count=200)
    quotes = [calculate(quote) for quote in inputs]

    assert len(inputs) == 200
    assert {quote.powertrain for quote in inputs} == set(Powertrain)
    assert any(quote.loan for quote in quotes) and any(quote.loan is None for quote in quotes)
    assert any(quote.national_subsidy for quote in quotes)
    assert any(quote.purchase_tax.reduction for quote in quotes)
    assert varied_inputs(count=20) == varied_inputs(count=20)  # the same inputs every run


def test_the_benchmark_reports_calculations_per_second():
    assert calculations_per_second(seconds=0.01) > 0
