"""A Tuesday morning in March at the store, a test-drive car, a route and the consultant's customer 张三.

The clock (`frozen`) and `signature_url` are the sales-process tests' shared ones (showroom/core/testing/fixtures.py)."""

import datetime as dt
from functools import partial

import pytest

from showroom.core.testing import fixtures as shared
from showroom.core.testing.fixtures import NOW, TODAY, at  # noqa: F401 - the tests import them
from showroom.leads.models import Stage
from showroom.testdrives.models import Route

TOMORROW = TODAY + dt.timedelta(days=1)
# A walk-in of the consultant, moved step by step to `stage` (here by default: the vehicle presentation).
file_lead = partial(shared.file_lead, stage=Stage.PRESENTATION)


@pytest.fixture
def car(store):
    from showroom.inventory.tests.factories import DemoCarFactory

    return DemoCarFactory(store=store, plate="京A12345")


@pytest.fixture
def route(store):
    return Route.objects.create(store=store, name="城市综合路线", description="加速、弯道、减速带、泊车", distance_km="8.5",
                                typical_minutes=25)


@pytest.fixture
def lead(consultant, frozen):
    """张三's walk-in lead at the vehicle presentation, owned by the consultant."""
    return file_lead(consultant)

