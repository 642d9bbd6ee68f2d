"""A Tuesday morning in March at the store, a test-drive car, a route and the consultant's customer 张三."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.core.choices import Channel, Source
from showroom.leads.models import Stage
from showroom.leads.services import lead_advance_stage, lead_create
from showroom.testdrives.models import Route
from showroom.testdrives.signature import as_data_url, drawn_signature

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 5, tzinfo=SHANGHAI)
TODAY = NOW.date()
TOMORROW = TODAY + dt.timedelta(days=1)
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def frozen():
    """Time stands still at NOW."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def car(store):
    from showroom.inventory.tests.factories import DemoCarFactory

    return DemoCarFactory(store=store, plate="京A12345")


@pytest.fixture
def route(store):
    return Route.objects.create(store=store, name="城市综合路线", description="加速、弯道、减速带、泊车", distance_km="8.5",
                                typical_minutes=25)


def file_lead(consultant, *, name="张三", mobile="13800138000", stage=Stage.PRESENTATION):
    """A walk-in of the consultant, moved step by step to `stage`."""
    lead = lead_create(actor=consultant, customer_fields={"name": name, "mobile": mobile}, lead_fields=WALK_IN)[0]
    for step in (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE, Stage.NEGOTIATION):
        if step > stage:
            break
        lead = lead_advance_stage(actor=consultant, lead=lead, to=step)
    return lead


@pytest.fixture
def lead(consultant, frozen):
    """张三's walk-in lead at the vehicle presentation, owned by the consultant."""
    return file_lead(consultant)


@pytest.fixture
def signature_url():
    return as_data_url(drawn_signature(1))
