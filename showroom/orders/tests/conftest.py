"""A March morning at the store: the consultant's customer 张三 has an issued quote for a Q5L (¥398,800 guide,
¥8,000 off) in glacier white with black leather; the stock holds matching and other cars."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.catalog.models import ColourKind
from showroom.catalog.tests.factories import (
    BrandFactory,
    ColourFactory,
    OptionPackageFactory,
    SeriesFactory,
    TrimFactory,
)
from showroom.core.choices import Channel, Source
from showroom.inventory.tests.factories import VehicleFactory
from showroom.leads.models import Stage
from showroom.leads.services import lead_advance_stage, lead_create
from showroom.orders import services
from showroom.quotes import services as quotes
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
def other_trim(series):
    return TrimFactory(series=series, name="40 TFSI 豪华致雅型", guide_price=Decimal("388800.00"))


@pytest.fixture
def white(series):
    return ColourFactory(series=series, name="冰川白", surcharge=Decimal("0"))


@pytest.fixture
def grey(series):
    return ColourFactory(series=series, name="探索灰", surcharge=Decimal("0"))


@pytest.fixture
def black(series):
    return ColourFactory(series=series, kind=ColourKind.INTERIOR, name="黑色真皮")


@pytest.fixture
def comfort(series):
    return OptionPackageFactory(series=series, name="舒适包", price=Decimal("12000"))


@pytest.fixture
def quote_settings(store):
    return QuoteSettings.objects.create(store=store, validity_days=7, discount_limit=Decimal("10000"),
                                        plate_service_fee=Decimal("0"))


def file_lead(consultant, *, name="张三", mobile="13800138000"):
    """A walk-in of the consultant, moved step by step to the test drive."""
    lead = lead_create(actor=consultant, customer_fields={"name": name, "mobile": mobile}, lead_fields=WALK_IN)[0]
    for step in (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE):
        lead = lead_advance_stage(actor=consultant, lead=lead, to=step)
    return lead


def issue_quote(actor, lead, trim, *, exterior=None, interior=None, lines=(), **fields):
    """A quote issued to the customer (the lead moves to "Quote and negotiation")."""
    values = {"trim": trim.pk, "discount": Decimal("8000"), "deposit_kind": "earnest", "deposit_amount": Decimal("20000"),
              "exterior_colour": exterior.pk if exterior else None, "interior_colour": interior.pk if interior else None}
    values.update(fields)
    quote = quotes.quote_create(actor=actor, lead=lead, fields=values, lines=list(lines))
    return quotes.quote_issue(actor=actor, quote=quote)


@pytest.fixture
def lead(consultant, frozen, quote_settings):
    """张三's walk-in lead after the test drive, owned by the consultant."""
    return file_lead(consultant)


@pytest.fixture
def quote(consultant, lead, trim, white, black):
    """The issued quote: vehicle price ¥390,800, earnest money ¥20,000."""
    return issue_quote(consultant, lead, trim, exterior=white, interior=black)


@pytest.fixture
def order(consultant, quote):
    """The order signed from the quote."""
    return services.order_sign(actor=consultant, quote=quote)


def car(store, trim, exterior, interior, *, n: int, arrived=dt.date(2026, 1, 5), **extra):
    from showroom.inventory.tests.factories import vin_for

    return VehicleFactory(store=store, trim=trim, exterior_colour=exterior, interior_colour=interior, vin=vin_for(n),
                          arrival_date=arrived, **extra)


def pay_in_full(actor, order):
    """The deposit and then the balance, by WeChat Pay and transfer."""
    from showroom.orders.selectors import balance_of

    open_deposit = order.deposit_amount - balance_of(order).deposit_paid
    if open_deposit:
        services.payment_record(actor=actor, order=order, kind="deposit", method="wechat_pay", amount=open_deposit)
    services.payment_record(actor=actor, order=order, kind="balance", method="transfer",
                            amount=balance_of(order).outstanding)
