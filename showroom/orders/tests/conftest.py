"""A March morning at the store: the consultant's customer 张三 has an issued quote for a Q5L (¥398,800 guide,
¥8,000 off) in glacier white with black leather; the stock holds matching and other cars.

The clock (`frozen`), the Q5L (`series`, `trim`, `white`, `comfort`), `quote_settings`, `file_lead` and `issue_quote`
are the sales-process tests' shared ones (showroom/core/testing/fixtures.py)."""

import datetime as dt
from decimal import Decimal

import pytest

from showroom.catalog.models import ColourKind
from showroom.catalog.tests.factories import ColourFactory, TrimFactory
from showroom.core.testing.fixtures import TODAY, file_lead, issue_quote  # noqa: F401 - the tests import them
from showroom.inventory.tests.factories import VehicleFactory
from showroom.orders import services


@pytest.fixture
def other_trim(series):
    return TrimFactory(series=series, name="40 TFSI 豪华致雅型", guide_price=Decimal("388800.00"))


@pytest.fixture
def grey(series):
    return ColourFactory(series=series, name="探索灰", surcharge=Decimal("0"))


@pytest.fixture
def black(series):
    return ColourFactory(series=series, kind=ColourKind.INTERIOR, name="黑色真皮")


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
