"""The demo's orders: signed from quotes, deposits of the legal kinds paid, cars allocated, one ready, one change
awaiting the manager, one cancellation; no lead moved backwards."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from showroom.accounts.demo import seed_demo
from showroom.inventory.models import VehicleStatus
from showroom.leads.models import Stage
from showroom.orders.models import ChangeStatus, Order, OrderStatus, Payment

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
AFTERNOON = dt.datetime(2026, 3, 18, 15, 5, tzinfo=SHANGHAI)


@pytest.fixture
def demo(db, settings):
    settings.DEMO_EXTENSIONS = ["showroom.catalog.demo.seed", "showroom.inventory.demo.seed",
                                "showroom.quotes.demo.seed", "showroom.orders.demo.seed"]
    with time_machine.travel(AFTERNOON, tick=True):
        summary = seed_demo(customers=120)
    return summary


def test_the_demo_has_orders_with_deposits_cars_and_a_cancellation(demo):
    orders = list(Order.objects.select_related("lead", "vehicle"))
    assert len(orders) >= 4
    assert all(o.lead.stage >= Stage.ORDER for o in orders if o.status != OrderStatus.CANCELLED)
    # The customer who cancelled is back in the negotiation, to be quoted again.
    assert [o.lead.stage for o in orders if o.status == OrderStatus.CANCELLED] == [Stage.NEGOTIATION]
    assert Payment.objects.filter(kind="deposit").count() >= 4
    assert Order.objects.filter(status=OrderStatus.CANCELLED).count() == 1
    allocated = [o for o in orders if o.vehicle_id]
    assert allocated and all(o.vehicle.status == VehicleStatus.RESERVED for o in allocated)
    assert Order.objects.filter(status=OrderStatus.READY).exists()
    assert Order.objects.filter(change_requests__status=ChangeStatus.PENDING).exists()
    assert any(line.startswith("Orders: ") for line in demo.extensions)
