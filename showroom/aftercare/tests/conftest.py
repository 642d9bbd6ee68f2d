"""张三 took delivery of his Q5L this morning (through the delivery services): he is an owner with the store's
post-delivery calls planned and a satisfaction survey due in seven days."""

import pytest

from showroom.deliveries import services as deliveries
from showroom.deliveries.tests import conftest as shared
from showroom.deliveries.tests.conftest import NOW, TODAY, at, ordered_lead, ready  # noqa: F401

# The deliveries tests' fixtures, shared: the ordered lead, the service advisor, the delivery (the clock, the store's
# catalog and quote settings are the sales-process tests' shared ones, showroom/core/testing/fixtures.py).
advisor, delivery, lead, lead_and_order = shared.advisor, shared.delivery, shared.lead, shared.lead_and_order
media, order, ready_delivery = shared.media, shared.order, shared.ready_delivery


def deliver(consultant, trim, advisor, *, name="张三", mobile="13800138000"):
    """A lead of the consultant through order, car, payment and the whole hand-over; returns its owned car."""
    lead, _order = ordered_lead(consultant, trim, name=name, mobile=mobile)
    booked = deliveries.delivery_schedule(actor=consultant, lead=lead, scheduled_at=NOW, place="交车区",
                                          service_advisor=advisor)
    ready(consultant, booked, advisor)
    return deliveries.delivery_complete(actor=consultant, delivery=booked).owned_car


@pytest.fixture
def owned(consultant, ready_delivery):
    """张三's owned car, delivered now."""
    return deliveries.delivery_complete(actor=consultant, delivery=ready_delivery).owned_car


@pytest.fixture
def survey(owned):
    return owned.surveys.get()
