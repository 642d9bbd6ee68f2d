import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.catalog.tests.factories import BrandFactory, ColourFactory, SeriesFactory, TrimFactory

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def admin(store):
    """The store admin, who keeps the stock."""
    return UserFactory(store=store, role=Role.STORE_ADMIN, username="admin", full_name="管理员")


@pytest.fixture
def a6l(store):
    return SeriesFactory(brand=BrandFactory(group=store.group, name="奥迪"), name="A6L", body_type="sedan")


@pytest.fixture
def trim(a6l):
    return TrimFactory(series=a6l, name="45 TFSI quattro 臻选动感型", model_year=2026)


@pytest.fixture
def white(a6l):
    return ColourFactory(series=a6l, name="冰川白", kind="exterior")


@pytest.fixture
def black_interior(a6l):
    return ColourFactory(series=a6l, name="黑色", kind="interior")
