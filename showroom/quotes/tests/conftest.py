"""A March morning at the store: the consultant's customer 张三 has test-driven a Q5L (petrol 2.0T, ¥398,800) and
asks for a quote; the store allows consultants ¥10,000 of discount by default."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.catalog.models import ColourKind, Powertrain
from showroom.catalog.tests.factories import (
    AccessoryFactory,
    BrandFactory,
    ColourFactory,
    OptionPackageFactory,
    SeriesFactory,
    TrimFactory,
)
from showroom.core.choices import Channel, Source
from showroom.leads.models import Stage
from showroom.leads.services import lead_advance_stage, lead_create
from showroom.quotes import services
from showroom.quotes.models import QuoteSettings

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 5, tzinfo=SHANGHAI)
TODAY = NOW.date()
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def series(store):
    return SeriesFactory(brand=BrandFactory(group=store.group, name="奥迪", is_own=True), name="Q5L")


@pytest.fixture
def trim(series):
    return TrimFactory(series=series, name="45 TFSI 臻选动感型", guide_price=Decimal("398800.00"))


@pytest.fixture
def ev_trim(store):
    series = SeriesFactory(brand=BrandFactory(group=store.group, name="奥迪", is_own=True), name="Q6L e-tron")
    return TrimFactory(series=series, name="RWD 先锋型", guide_price=Decimal("369800.00"), powertrain=Powertrain.ELECTRIC,
                       displacement_cc=None, battery_kwh=Decimal("107.0"), range_km=750)


@pytest.fixture
def competitor_trim(store):
    brand = BrandFactory(group=store.group, name="宝马", is_own=False)
    return TrimFactory(series=SeriesFactory(brand=brand, name="X3"), name="xDrive30L", guide_price=Decimal("430000"))


@pytest.fixture
def white(series):
    return ColourFactory(series=series, name="冰川白", surcharge=Decimal("0"))


@pytest.fixture
def grey(series):
    return ColourFactory(series=series, name="探索灰", surcharge=Decimal("6000"))


@pytest.fixture
def black_interior(series):
    return ColourFactory(series=series, kind=ColourKind.INTERIOR, name="黑色真皮")


@pytest.fixture
def comfort(series):
    return OptionPackageFactory(series=series, name="舒适包", price=Decimal("12000"))


@pytest.fixture
def mats(series):
    return AccessoryFactory(brand=series.brand, name="全包围脚垫", price=Decimal("1280"))


@pytest.fixture
def quote_settings(store):
    return QuoteSettings.objects.create(store=store, validity_days=7, discount_limit=Decimal("10000"),
                                        plate_service_fee=Decimal("800"))


def file_lead(consultant, *, name="张三", mobile="13800138000", stage=Stage.TEST_DRIVE):
    """A walk-in of the consultant, moved step by step to `stage`."""
    lead = lead_create(actor=consultant, customer_fields={"name": name, "mobile": mobile}, lead_fields=WALK_IN)[0]
    for step in (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE, Stage.NEGOTIATION):
        if step > stage:
            break
        lead = lead_advance_stage(actor=consultant, lead=lead, to=step)
    return lead


@pytest.fixture
def lead(consultant, frozen, quote_settings):
    """张三's walk-in lead after the test drive, owned by the consultant."""
    return file_lead(consultant)


def quote_fields(trim, **changes) -> dict:
    fields = {"trim": trim.pk, "discount": Decimal("8000"), "commercial_insurance_mode": "entered",
              "commercial_insurance_amount": Decimal("9200"), "extended_warranty": Decimal("5800"),
              "extended_warranty_name": "延保2年"}
    fields.update(changes)
    return fields


def make_quote(actor, lead, trim, lines=None, **changes):
    return services.quote_create(actor=actor, lead=lead, fields=quote_fields(trim, **changes), lines=lines or [])


def issued_quote(actor, lead, trim, **changes):
    return services.quote_issue(actor=actor, quote=make_quote(actor, lead, trim, **changes))
