"""A March morning at the store: the consultant's customer 张三 has test-driven a Q5L (petrol 2.0T, ¥398,800) and
asks for a quote; the store allows consultants ¥10,000 of discount by default.

The clock (`frozen`), the Q5L (`series`, `trim`, `white`, `comfort`), the Q6L e-tron (`ev_trim`) and `file_lead` are
the sales-process tests' shared ones (showroom/core/testing/fixtures.py)."""

from decimal import Decimal

import pytest

from showroom.catalog.models import ColourKind
from showroom.catalog.tests.factories import (
    AccessoryFactory,
    BrandFactory,
    ColourFactory,
    SeriesFactory,
    TrimFactory,
)
from showroom.core.testing.fixtures import QUOTE_SETTINGS, TODAY, file_lead  # noqa: F401 - the tests import them
from showroom.quotes import services
from showroom.quotes.models import QuoteSettings


@pytest.fixture
def competitor_trim(store):
    brand = BrandFactory(group=store.group, name="宝马", is_own=False)
    return TrimFactory(series=SeriesFactory(brand=brand, name="X3"), name="xDrive30L", guide_price=Decimal("430000"))


@pytest.fixture
def grey(series):
    return ColourFactory(series=series, name="探索灰", surcharge=Decimal("6000"))


@pytest.fixture
def black_interior(series):
    return ColourFactory(series=series, kind=ColourKind.INTERIOR, name="黑色真皮")


@pytest.fixture
def mats(series):
    return AccessoryFactory(brand=series.brand, name="全包围脚垫", price=Decimal("1280"))


@pytest.fixture
def quote_settings(store):
    """The shared settings, with a ¥800 plate service fee."""
    return QuoteSettings.objects.create(store=store, **{**QUOTE_SETTINGS, "plate_service_fee": Decimal("800")})


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
