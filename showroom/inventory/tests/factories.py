import datetime as dt

import factory

from showroom.accounts.tests.factories import StoreFactory
from showroom.catalog.tests.factories import BrandFactory, SeriesFactory, TrimFactory
from showroom.inventory.models import Vehicle, VehicleStatus
from showroom.inventory.vin import with_check_digit


def vin_for(n: int) -> str:
    """A valid FAW-Audi-style VIN, different for each n."""
    return with_check_digit(f"LFV2A2FY0T{n:07d}"[:17])


class VehicleFactory(factory.django.DjangoModelFactory):
    """A car in stock at the store, of a trim of the store's group catalog."""

    class Meta:
        model = Vehicle

    store = factory.SubFactory(StoreFactory)
    vin = factory.Sequence(vin_for)
    trim = factory.SubFactory(
        TrimFactory, series=factory.SubFactory(SeriesFactory, brand=factory.SubFactory(
            BrandFactory, group=factory.SelfAttribute("....store.group"))))
    status = VehicleStatus.IN_STOCK
    location = "主库"
    arrival_date = factory.LazyFunction(lambda: dt.date(2026, 11, 1))


class DemoCarFactory(VehicleFactory):
    """A test-drive car (试驾车), registered with a plate."""

    is_test_drive = True
    plate = factory.Sequence(lambda n: f"京A{n:05d}"[:8])
