"""A March morning at the store: the consultant's customer 张三 has signed an order for a Q5L, the car (VIN) is
allocated and paid in full; the store's service advisor 孙师傅 does the PDI and is paired with the owner.

Every state is reached through the services (quote → order → car → payments → delivery), so tests cannot build a
delivery the product could not reach. The clock (`frozen`), the Q5L (`trim`), the Q6L e-tron (`ev_trim`),
`quote_settings` and `signature_url` are the sales-process tests' shared ones (showroom/core/testing/fixtures.py).
"""

import datetime as dt

import pytest

from showroom.accounts.models import Role
from showroom.core.testing.fixtures import (  # noqa: F401 - the tests import them
    NOW,
    QUOTE_SETTINGS,
    TODAY,
    WALK_IN,
    at,
    file_lead,
    issue_quote,
)
from showroom.deliveries import services
from showroom.deliveries.models import PDI_ITEMS
from showroom.inventory.tests.factories import VehicleFactory, vin_for
from showroom.orders import services as orders
from showroom.orders.selectors import balance_of
from showroom.quotes.models import QuoteSettings
from showroom.testdrives.signature import as_data_url, drawn_signature

ALL_PDI = {code: True for code, _label in PDI_ITEMS}
PETROL_CHECKLIST = dict.fromkeys(("invoice", "conformity", "warranty_manual", "insurance", "purchase_tax", "keys", "connected_app", "driver_assistance", "advisor_introduced", "first_service"), True)
EV_CHECKLIST = {**PETROL_CHECKLIST, "charging": True, "charger": True, "app_binding": True}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def advisor(store):
    from showroom.accounts.tests.factories import UserFactory

    return UserFactory(store=store, role=Role.SERVICE_ADVISOR, username="advisor", full_name="孙师傅")


_numbers = iter(range(1, 10_000))


def ordered_lead(consultant, trim, *, name="张三", mobile="13800138000", paid=True, allocate=True):
    """A walk-in of the consultant who signed an order for `trim`; the car allocated and (if `paid`) paid in full."""
    lead = file_lead(consultant, name=name, mobile=mobile)
    QuoteSettings.objects.get_or_create(store_id=lead.store_id, defaults=QUOTE_SETTINGS)
    order = orders.order_sign(actor=consultant, quote=issue_quote(consultant, lead, trim))
    if allocate:
        car = VehicleFactory(store=lead.store, trim=trim, vin=vin_for(next(_numbers)), plate="")
        order = orders.order_allocate(actor=consultant, order=order, vehicle=car)
    orders.payment_record(actor=consultant, order=order, kind="deposit", method="wechat_pay", amount=order.deposit_amount)
    if paid:
        orders.payment_record(actor=consultant, order=order, kind="balance", method="transfer",
                              amount=balance_of(order).outstanding)
    lead.refresh_from_db()
    return lead, order


@pytest.fixture
def lead_and_order(consultant, trim, frozen, quote_settings):
    return ordered_lead(consultant, trim)


@pytest.fixture
def lead(lead_and_order):
    """张三's lead at the order step."""
    return lead_and_order[0]


@pytest.fixture
def order(lead_and_order):
    return lead_and_order[1]


@pytest.fixture
def delivery(consultant, lead, advisor):
    """The delivery booked for tomorrow at 10:00 in bay 1."""
    return services.delivery_schedule(actor=consultant, lead=lead, scheduled_at=at(TODAY + dt.timedelta(days=1), 10),
                                      place="交车区1号位", service_advisor=advisor)


def ready(consultant, delivery, advisor, *, checklist=PETROL_CHECKLIST):
    """PDI signed off, checklist complete, first service explained, the customer signed."""
    delivery = services.delivery_sign_off_pdi(actor=consultant, delivery=delivery, results=ALL_PDI, inspector=advisor)
    delivery = services.delivery_record_checklist(actor=consultant, delivery=delivery, items=checklist,
                                                  first_service_due=TODAY + dt.timedelta(days=180), first_service_km=5000)
    return services.delivery_sign(actor=consultant, delivery=delivery, signer_name="张三",
                                  signature_data_url=as_data_url(drawn_signature(2)))


@pytest.fixture
def ready_delivery(consultant, delivery, advisor):
    return ready(consultant, delivery, advisor)
