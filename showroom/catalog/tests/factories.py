from decimal import Decimal

import factory

from showroom.accounts.tests.factories import DealerGroupFactory
from showroom.catalog.models import (
    Accessory,
    BodyType,
    Brand,
    Colour,
    ColourKind,
    Drive,
    OptionPackage,
    Powertrain,
    Series,
    Trim,
)


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("group", "name")

    group = factory.SubFactory(DealerGroupFactory)
    name = "奥迪"
    is_own = True


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Q{n}L")
    maker = "一汽奥迪"
    body_type = BodyType.SUV


class TrimFactory(factory.django.DjangoModelFactory):
    """A petrol 2.0T SUV trim; pass powertrain=Powertrain.ELECTRIC with battery_kwh and range_km for an EV."""

    class Meta:
        model = Trim

    series = factory.SubFactory(SeriesFactory)
    name = factory.Sequence(lambda n: f"45 TFSI quattro 臻选动感型 {n}")
    model_year = 2026
    guide_price = Decimal("398800.00")
    powertrain = Powertrain.PETROL
    displacement_cc = 1984
    seats = 5
    drive = Drive.ALL
    power_kw = 183
    acceleration_s = Decimal("6.9")
    length_mm = 4770
    wheelbase_mm = 2908
    key_equipment = "矩阵式LED大灯\n全景天窗\n自适应巡航"
    # A new-energy trim is listed for the purchase-tax reduction and the vessel-tax exemption, as the services default.
    nev_tax_catalogue = factory.LazyAttribute(lambda trim: trim.powertrain in Powertrain.new_energy())
    vessel_tax_exempt = factory.LazyAttribute(lambda trim: trim.powertrain in Powertrain.new_energy())


class ColourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Colour

    series = factory.SubFactory(SeriesFactory)
    kind = ColourKind.EXTERIOR
    name = factory.Sequence(lambda n: f"冰川白{n}")
    surcharge = Decimal("0")


class OptionPackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OptionPackage

    series = factory.SubFactory(SeriesFactory)
    name = factory.Sequence(lambda n: f"舒适包{n}")
    price = Decimal("12000.00")


class AccessoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accessory

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"全包围脚垫{n}")
    category = "内饰"
    price = Decimal("1280.00")
