"""A March morning at the store: the consultant's customer 张三 has signed an order for a Q5L, the car (VIN) is
allocated and paid in full; the store's service advisor 孙师傅 does the PDI and is paired with the owner.

Every state is reached through the services (quote → order → car → payments → delivery), so tests cannot build a
delivery the product could not reach.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.accounts.models import Role
from showroom.catalog.models import Powertrain
from showroom.catalog.tests.factories import BrandFactory, SeriesFactory, TrimFactory
from showroom.core.choices import Channel, Source
from showroom.deliveries import services
from showroom.deliveries.models import PDI_ITEMS
from showroom.inventory.tests.factories import VehicleFactory, vin_for
from showroom.leads.models import Stage
from showroom.leads.services import lead_advance_stage, lead_create
from showroom.orders import services as orders
from showroom.orders.selectors import balance_of
from showroom.quotes import services as quotes
from showroom.quotes.models import QuoteSettings
from showroom.testdrives.signature import as_data_url, drawn_signature

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 5, tzinfo=SHANGHAI)
TODAY = NOW.date()
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}
ALL_PDI = {code: True for code, _label in PDI_ITEMS}
PETROL_CHECKLIST = dict.fromkeys(("invoice", "conformity", "warranty_manual", "insurance", "purchase_tax", "keys", "connected_app", "driver_assistance", "advisor_introduced", "first_service"), True)
EV_CHECKLIST = {**PETROL_CHECKLIST, "charging": True, "charger": True, "app_binding": True}


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def frozen():
    """Time stands still at NOW (move it with frozen.move_to)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def advisor(store):
    from showroom.accounts.tests.factories import UserFactory

    return UserFactory(store=store, role=Role.SERVICE_ADVISOR, username="advisor", full_name="孙师傅")


@pytest.fixture
def trim(store):
    series = SeriesFactory(brand=BrandFactory(group=store.group, name="奥迪", is_own=True), name="Q5L")
    return TrimFactory(series=series, name="45 TFSI 臻选动感型", guide_price=Decimal("398800.00"))


@pytest.fixture
def ev_trim(store):
    series = SeriesFactory(brand=BrandFactory(group=store.group, name="奥迪", is_own=True), name="Q6L e-tron")
    return TrimFactory(series=series, name="RWD 先锋型", guide_price=Decimal("369800.00"), powertrain=Powertrain.ELECTRIC,
                       displacement_cc=None, battery_kwh=Decimal("107.0"), range_km=750)


@pytest.fixture
def quote_settings(store):
    return QuoteSettings.objects.create(store=store, validity_days=7, discount_limit=Decimal("10000"),
                                        plate_service_fee=Decimal("0"))


_numbers = iter(range(1, 10_000))


def ordered_lead(consultant, trim, *, name="张三", mobile="13800138000", paid=True, allocate=True):
    """A walk-in of the consultant who signed an order for `trim`; the car allocated and (if `paid`) paid in full."""
    lead = lead_create(actor=consultant, customer_fields={"name": name, "mobile": mobile}, lead_fields=WALK_IN)[0]
    for step in (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE):
        lead = lead_advance_stage(actor=consultant, lead=lead, to=step)
    QuoteSettings.objects.get_or_create(store_id=lead.store_id, defaults={
        "validity_days": 7, "discount_limit": Decimal("10000"), "plate_service_fee": Decimal("0")})
    quote = quotes.quote_create(actor=consultant, lead=lead, fields={
        "trim": trim.pk, "discount": Decimal("8000"), "deposit_kind": "earnest", "deposit_amount": Decimal("20000")})
    quote = quotes.quote_issue(actor=consultant, quote=quote)
    order = orders.order_sign(actor=consultant, quote=quote)
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


@pytest.fixture
def signature_url():
    return as_data_url(drawn_signature(1))


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
