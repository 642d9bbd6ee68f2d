"""A small own range and a competitor in the store's dealer group, for suggestions and confirmations."""

import datetime as dt
from decimal import Decimal

import pytest

from showroom.catalog.models import BodyType, Drive, Powertrain
from showroom.catalog.tests.factories import BrandFactory, SeriesFactory, TrimFactory
from showroom.core import clock


def in_days(days: int) -> dt.date:
    return clock.today() + dt.timedelta(days=days)


@pytest.fixture
def own_range(store):
    """A6L (sedan, petrol), Q5L (SUV, petrol), Q6L e-tron (SUV, electric), Q7 (SUV, 7 seats) and a retired trim."""
    audi = BrandFactory(group=store.group, name="奥迪", is_own=True)
    a6l = SeriesFactory(brand=audi, name="A6L", body_type=BodyType.SEDAN)
    q5l = SeriesFactory(brand=audi, name="Q5L", body_type=BodyType.SUV)
    q6l = SeriesFactory(brand=audi, name="Q6L e-tron", body_type=BodyType.SUV)
    q7 = SeriesFactory(brand=audi, name="Q7", body_type=BodyType.SUV)
    return {
        "a6l": TrimFactory(series=a6l, name="45 TFSI 臻选动感型", guide_price=Decimal("428800")),
        "q5l": TrimFactory(series=q5l, name="40 TFSI 豪华动感型", guide_price=Decimal("398800")),
        "q6l": TrimFactory(series=q6l, name="后驱 星耀型", guide_price=Decimal("369800"), powertrain=Powertrain.ELECTRIC,
                           displacement_cc=None, battery_kwh=Decimal("83.0"), range_km=650, drive=Drive.REAR),
        "q7": TrimFactory(series=q7, name="45 TFSI 豪华型", guide_price=Decimal("720000"), seats=7),
        "retired": TrimFactory(series=q5l, name="旧款", model_year=2024, guide_price=Decimal("380000"), is_active=False),
    }


@pytest.fixture
def competitor(store):
    bmw = BrandFactory(group=store.group, name="宝马", is_own=False)
    return TrimFactory(series=SeriesFactory(brand=bmw, name="X3", body_type=BodyType.SUV), name="xDrive25L",
                       guide_price=Decimal("399900"))
