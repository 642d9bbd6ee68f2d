"""A series with its walk-around, and a competitor, in the store's dealer group."""

from decimal import Decimal

import pytest

from showroom.catalog.models import BodyType, Powertrain
from showroom.catalog.tests.factories import BrandFactory, SeriesFactory, TrimFactory
from showroom.presentations.models import Position, WalkaroundPoint


@pytest.fixture
def q5l(store):
    audi = BrandFactory(group=store.group, name="奥迪", is_own=True)
    return SeriesFactory(brand=audi, name="Q5L", body_type=BodyType.SUV)


@pytest.fixture
def script(q5l):
    """Two points at each of the six positions."""
    return [WalkaroundPoint.objects.create(series=q5l, position=position, sort_order=n, feature=f"{position.label} 特征{n}",
                                           advantage="优点", benefit="利益")
            for position in Position for n in (1, 2)]


@pytest.fixture
def q5l_trim(q5l):
    return TrimFactory(series=q5l, name="45 TFSI quattro 臻选动感型", guide_price=Decimal("428800"), power_kw=183,
                       acceleration_s=Decimal("6.9"), length_mm=4770, wheelbase_mm=2908, seats=5,
                       key_equipment="矩阵式LED大灯\n全景天窗\nquattro四驱")


@pytest.fixture
def x3_trim(store):
    bmw = BrandFactory(group=store.group, name="宝马", is_own=False)
    return TrimFactory(series=SeriesFactory(brand=bmw, name="X3", body_type=BodyType.SUV), name="xDrive30L",
                       guide_price=Decimal("458900"), power_kw=190, acceleration_s=Decimal("6.5"), length_mm=4865,
                       wheelbase_mm=2975, seats=5, key_equipment="全景天窗\n抬头显示", powertrain=Powertrain.PETROL)
