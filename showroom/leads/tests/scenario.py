"""A Tuesday morning in March and a walk-in filed through the service: shared by the lead-rule tests."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.core.choices import Channel, Source
from showroom.leads.services import lead_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}


@pytest.fixture(autouse=True)
def frozen():
    """Time stands still at NOW for every test of a module that imports this fixture."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lead(consultant):
    """张三's walk-in lead, owned by the consultant."""
    return lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"}, lead_fields=WALK_IN)[0]
