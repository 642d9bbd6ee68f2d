"""A quote taxes a new-energy trim by its listings in the catalog: a plug-in hybrid that is not in the purchase-tax
reduction catalogue pays the full tax, and one not exempt from 车船税 pays it by displacement."""

from decimal import Decimal

import pytest

from showroom.catalog.models import Powertrain
from showroom.catalog.tests.factories import TrimFactory

from .conftest import make_quote


@pytest.fixture
def phev(series):
    return TrimFactory(series=series, name="55 TFSI e quattro", guide_price=Decimal("459800.00"),
                       powertrain=Powertrain.PLUG_IN_HYBRID, displacement_cc=1984, battery_kwh=Decimal("25.9"),
                       range_km=120)


def test_a_listed_plug_in_hybrid_gets_the_reduction_and_pays_no_vessel_tax(consultant, lead, phev):
    quote = make_quote(consultant, lead, phev, discount=Decimal("0"))

    assert Decimal(quote.breakdown["purchase_tax"]["reduction"]) > 0
    assert quote.breakdown["vessel_tax"]["exempt"] is True


def test_an_unlisted_plug_in_hybrid_pays_the_full_purchase_tax_and_vessel_tax_by_displacement(consultant, lead, phev):
    phev.nev_tax_catalogue = phev.vessel_tax_exempt = False
    phev.save(update_fields=["nev_tax_catalogue", "vessel_tax_exempt"])

    quote = make_quote(consultant, lead, phev, discount=Decimal("0"))

    tax = quote.breakdown["purchase_tax"]
    assert Decimal(tax["reduction"]) == 0 and tax["tax"] == tax["full_tax"]
    assert quote.breakdown["vessel_tax"]["exempt"] is False and Decimal(quote.breakdown["vessel_tax"]["amount"]) > 0
