"""A March morning at the store, shared by the sales-process tests (test drives, quotes, orders, deliveries,
aftercare): the clock stands still at NOW, the store sells the Q5L (and the Q6L e-tron), its quotes allow ¥10,000 of
discount, and walk-ins are filed and quoted through the services, so tests cannot reach a state the product could not.

A pytest plugin registered in the root conftest.py (`pytest_plugins`): every test may ask for these fixtures, and an
app's conftest overrides one by defining its own of the same name. Apps' conftests import the helpers (NOW, at,
file_lead, issue_quote …) by name."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.catalog.models import Powertrain
from showroom.catalog.tests.factories import (
    BrandFactory,
    ColourFactory,
    OptionPackageFactory,
    SeriesFactory,
    TrimFactory,
)
from showroom.core.choices import Channel, Source
from showroom.leads.models import Stage
from showroom.leads.services import lead_advance_stage, lead_create
from showroom.quotes import services as quotes
from showroom.quotes.models import QuoteSettings
from showroom.testdrives.signature import as_data_url, drawn_signature

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 5, tzinfo=SHANGHAI)
TODAY = NOW.date()
WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}
# The store's quote settings: a quote is valid a week, a consultant may give ¥10,000 off, no plate service fee.
QUOTE_SETTINGS = {"validity_days": 7, "discount_limit": Decimal("10000"), "plate_service_fee": Decimal("0")}


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def frozen():
    """Time stands still at NOW (move it with frozen.move_to)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def series(store):
    """The Q5L of the store's own brand."""
    return SeriesFactory(brand=BrandFactory(group=store.group, name="奥迪", is_own=True), name="Q5L")


@pytest.fixture
def trim(series):
    """Q5L 45 TFSI, ¥398,800 guide price."""
    return TrimFactory(series=series, name="45 TFSI 臻选动感型", guide_price=Decimal("398800.00"))


@pytest.fixture
def ev_trim(store):
    """An electric Q6L e-tron, ¥369,800 guide price."""
    series = SeriesFactory(brand=BrandFactory(group=store.group, name="奥迪", is_own=True), name="Q6L e-tron")
    return TrimFactory(series=series, name="RWD 先锋型", guide_price=Decimal("369800.00"), powertrain=Powertrain.ELECTRIC,
                       displacement_cc=None, battery_kwh=Decimal("107.0"), range_km=750)


@pytest.fixture
def white(series):
    return ColourFactory(series=series, name="冰川白", surcharge=Decimal("0"))


@pytest.fixture
def comfort(series):
    return OptionPackageFactory(series=series, name="舒适包", price=Decimal("12000"))


@pytest.fixture
def quote_settings(store):
    return QuoteSettings.objects.create(store=store, **QUOTE_SETTINGS)


@pytest.fixture
def signature_url():
    """A drawn signature as the signature pad posts it."""
    return as_data_url(drawn_signature(1))


def file_lead(consultant, *, name="张三", mobile="13800138000", stage=Stage.TEST_DRIVE):
    """A walk-in of the consultant, moved step by step to `stage`."""
    lead = lead_create(actor=consultant, customer_fields={"name": name, "mobile": mobile}, lead_fields=WALK_IN)[0]
    for step in (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE, Stage.NEGOTIATION):
        if step > stage:
            break
        lead = lead_advance_stage(actor=consultant, lead=lead, to=step)
    return lead


def issue_quote(actor, lead, trim, *, exterior=None, interior=None, lines=(), **fields):
    """A quote issued to the customer (the lead moves to "Quote and negotiation"): ¥8,000 off, ¥20,000 earnest money."""
    values = {"trim": trim.pk, "discount": Decimal("8000"), "deposit_kind": "earnest", "deposit_amount": Decimal("20000"),
              "exterior_colour": exterior.pk if exterior else None, "interior_colour": interior.pk if interior else None}
    values.update(fields)
    quote = quotes.quote_create(actor=actor, lead=lead, fields=values, lines=list(lines))
    return quotes.quote_issue(actor=actor, quote=quote)
